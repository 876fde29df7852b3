import { UpstreamFailureError } from '@app/common';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { LabOrphanRemovedEvent } from '../../../domain/events/lab-orphan-removed.event';
import { LabDeletedEvent } from '../../../domain/events/lab-deleted.event';
import {
  CML_404,
  cmlAnswers,
  cmlLabBody,
  cmlThroughNockOnly,
  phase2Harness,
  PROXY_404,
} from '../../../testing/phase2-harness';
import { plainLabSnapshot } from '../../../testing/plain-lab-snapshot.fixture';
import { RefreshWorkerLabsCommand } from './refresh-worker-labs.command';

const W = '11111111-1111-4111-8111-111111111111';
const A = plainLabSnapshot(1).id;
const B = plainLabSnapshot(2).id;
const C = plainLabSnapshot(3).id;
const t0 = new Date('2026-02-01T00:00:00Z');

describe('RefreshWorkerLabsHandler', () => {
  let h: ReturnType<typeof phase2Harness>;

  cmlThroughNockOnly();
  beforeEach(() => {
    h = phase2Harness({ id: W });
  });
  afterEach(() => h.dispose());

  const refresh = (options: ConstructorParameters<typeof RefreshWorkerLabsCommand>[1] = {}) =>
    h.refresh.execute(new RefreshWorkerLabsCommand(W, options));
  const live = async () => (await h.labs.findByWorker(W)).filter((r) => !r.isRemoved).map((r) => r.labId);

  it('creates what CML lists, removes the record CML says is gone, and records the run on the worker', async () => {
    h.labs.seed(LabRecord.discovered(W, plainLabSnapshot(3), t0));
    cmlAnswers({
      listed: [A, B],
      labs: {
        [A]: { status: 200, body: cmlLabBody(A) },
        [B]: { status: 200, body: cmlLabBody(B) },
        [C]: CML_404,
      },
    });

    const summary = await refresh();

    expect(summary).toMatchObject({
      workerId: W,
      status: 'succeeded',
      mode: 'enforce',
      created: 2,
      orphansRemoved: 1,
    });
    expect((await live()).sort()).toEqual([A, B].sort());
    const removed = await h.labs.findOne(W, C);
    expect(removed?.removal?.kind).toBe('lab.orphan_removed');
    expect(h.published).toEqual([expect.any(LabOrphanRemovedEvent)]);
    const state = await h.syncStates.find(W);
    expect(state.lastReconcile).toEqual(summary);
    expect(state.lastSuccessfulSyncAt).toEqual(h.clock.now());
    expect(state.cml).toMatchObject({ version: '2.9.0', ready: true, accountIsAdmin: true });
    // The lease is given back: another replica may reconcile this worker at once.
    expect(await h.leases.acquire(W, 'another-replica', 60_000, h.clock.now())).not.toBeNull();
  });

  it('keeps a record whose lookup is a proxy’s 404, not CML’s, and does not vouch for the sync', async () => {
    h.labs.seed(LabRecord.discovered(W, plainLabSnapshot(3), t0));
    cmlAnswers({ listed: [], labs: { [C]: PROXY_404 } });

    const summary = await refresh();

    expect(summary).toMatchObject({ status: 'succeeded', orphansRemoved: 0 });
    expect(summary.reason).toMatch(/still exist or could not be checked; kept/);
    expect(await live()).toEqual([C]);
    expect(h.published).toEqual([]);
  });

  it('completes an interrupted Phase 1 delete as the user’s lab.deleted, and clears its intent', async () => {
    h.labs.seed(LabRecord.discovered(W, plainLabSnapshot(3), t0));
    await h.labs.findForDelete({
      workerId: W,
      labId: C,
      by: 'carol',
      byUsername: 'carol.k',
      at: h.clock.now(),
      force: false,
    });
    cmlAnswers({ listed: [], labs: { [C]: CML_404 } });

    const summary = await refresh();

    expect(summary.reason).toMatch(/1 interrupted deletes completed/);
    expect(h.published).toEqual([
      expect.objectContaining({ type: 'lab.deleted', deletedBy: 'carol', deletedByUsername: 'carol.k' }),
    ]);
    expect(h.published[0]).toBeInstanceOf(LabDeletedEvent);
    expect((await h.labs.findOne(W, C))?.deleteIntent).toBeNull();
  });

  it('removes nothing for a non-admin account: creates what it sees, skipped with the reason', async () => {
    h.labs.seed(LabRecord.discovered(W, plainLabSnapshot(3), t0));
    cmlAnswers({
      admin: false,
      listed: [A],
      labs: { [A]: { status: 200, body: cmlLabBody(A) }, [C]: CML_404 },
    });

    const summary = await refresh();

    expect(summary).toMatchObject({ status: 'skipped', created: 1, orphansRemoved: 0 });
    expect(summary.reason).toMatch(/is not a CML administrator/);
    expect((await live()).sort()).toEqual([A, C].sort());
    expect((await h.syncStates.find(W)).lastSuccessfulSyncAt).toBeNull();
  });

  it('answers a person with 502 when CML is not ready, and records the same skip on the worker', async () => {
    cmlAnswers({ ready: false });

    await expect(refresh({ failWhenCmlUntrusted: true })).rejects.toBeInstanceOf(UpstreamFailureError);
    const recorded = (await h.syncStates.find(W)).lastReconcile;
    expect(recorded).toMatchObject({
      status: 'skipped',
      reason: 'CML reports it is not ready; nothing was changed',
    });

    const summary = await refresh();
    expect(summary).toMatchObject({ status: 'skipped', reason: recorded!.reason });
  });

  it('gives a run of all workers the worker’s own summary of a not-ready CML, not a failure', async () => {
    cmlAnswers({ ready: false });

    const { reconciliationId } = await h.runner.start('manual');
    await h.runner.whenIdle();

    const run = await h.runsHistory.get(reconciliationId);
    const onWorker = (await h.syncStates.find(W)).lastReconcile;
    expect(run?.workers).toEqual([onWorker]);
    expect(onWorker).toMatchObject({ status: 'skipped', reconciliationId, trigger: 'manual' });
  });

  it('writes nothing in observe mode, and reports what enforce would have done', async () => {
    h = phase2Harness({ id: W, reconcileMode: 'observe' });
    h.labs.seed(LabRecord.discovered(W, plainLabSnapshot(3), t0));
    cmlAnswers({ listed: [A], labs: { [A]: { status: 200, body: cmlLabBody(A) }, [C]: CML_404 } });

    const summary = await refresh();

    expect(summary).toMatchObject({ mode: 'observe', created: 1, orphansRemoved: 1 });
    expect(summary.reason).toMatch(/observe mode: nothing was written/);
    expect(await live()).toEqual([C]);
    expect(h.published).toEqual([]);
    expect((await h.syncStates.find(W)).lastReconcile).toEqual(summary);
  });

  it('computes a dry run without the lease, and records nothing', async () => {
    await h.leases.acquire(W, 'another-replica', 60_000, h.clock.now());
    cmlAnswers({ listed: [A], labs: { [A]: { status: 200, body: cmlLabBody(A) } } });

    const summary = await refresh({ dryRun: true });

    expect(summary).toMatchObject({ mode: 'dry-run', created: 1 });
    expect(await live()).toEqual([]);
    expect((await h.syncStates.find(W)).lastReconcile).toBeNull();
  });

  it('skips a worker whose lease another replica holds, asking CML nothing', async () => {
    await h.leases.acquire(W, 'another-replica', 60_000, h.clock.now());
    const cml = cmlAnswers({ listed: [A] });

    const summary = await refresh();

    expect(summary).toMatchObject({
      status: 'skipped',
      reason: 'another instance is reconciling this worker',
    });
    expect(cml.listCalls()).toBe(0);
  });

  it('writes nothing when the lease was lost before the writes', async () => {
    cmlAnswers({ listed: [A], labs: { [A]: { status: 200, body: cmlLabBody(A) } } });
    const renew = jest.spyOn(h.leases, 'renew').mockResolvedValue(null);

    const summary = await refresh();

    expect(renew).toHaveBeenCalled();
    expect(summary).toMatchObject({
      status: 'skipped',
      created: 0,
      reason: 'the reconciliation lease was lost; nothing was written',
    });
    expect(await live()).toEqual([]);
  });

  it('lets concurrent stand-alone refreshes of a worker share one run and one CML listing', async () => {
    const cml = cmlAnswers({ listed: [A], labs: { [A]: { status: 200, body: cmlLabBody(A) } } });

    const [first, second] = await Promise.all([refresh(), refresh()]);

    expect(second).toEqual(first);
    expect(cml.listCalls()).toBe(1);
  });

  it('writes nothing at all when nothing changed: no bulk write, no lease renewal', async () => {
    cmlAnswers({ listed: [A], labs: { [A]: { status: 200, body: cmlLabBody(A) } } });
    await refresh();
    const save = jest.spyOn(h.labs, 'saveChanges');
    const renew = jest.spyOn(h.leases, 'renew');

    const summary = await refresh();

    expect(summary).toMatchObject({ status: 'succeeded', created: 0, updated: 0, unchanged: 1 });
    expect(save).not.toHaveBeenCalled();
    expect(renew).not.toHaveBeenCalled();
    expect((await h.syncStates.find(W)).lastSuccessfulSyncAt).toEqual(h.clock.now());
  });

  it('skips a disabled worker without asking CML', async () => {
    h = phase2Harness({ id: W, enabled: false });
    const cml = cmlAnswers({ listed: [A] });

    await expect(refresh()).resolves.toMatchObject({ status: 'skipped', reason: 'worker is disabled' });
    expect(cml.listCalls()).toBe(0);
  });
});
