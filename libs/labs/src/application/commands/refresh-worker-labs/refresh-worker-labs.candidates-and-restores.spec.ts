import nock from 'nock';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { LabRestoredEvent } from '../../../domain/events/lab-restored.event';
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

describe('RefreshWorkerLabsHandler: candidates, dry runs and self-healing', () => {
  const SINK = 'http://sink.test/';
  let h: ReturnType<typeof phase2Harness>;
  cmlThroughNockOnly();
  beforeEach(() => {
    h = phase2Harness({ id: W }, {}, [SINK]);
  });
  afterEach(() => h.dispose());
  const refresh = (options: ConstructorParameters<typeof RefreshWorkerLabsCommand>[1] = {}) =>
    h.refresh.execute(new RefreshWorkerLabsCommand(W, options));

  /** A record of lab `i` removed by an earlier run as an orphan (on evidence that turned out wrong). */
  function removedOrphan(i: number): LabRecord {
    const record = LabRecord.discovered(W, plainLabSnapshot(i), t0);
    record.markOrphanRemoved({
      trigger: 'scheduled',
      reconciliationId: 'r-0',
      lastSeenAt: t0,
      evidence: { listedAt: t0.toISOString(), confirmedBy: 'lookup-404' },
      now: t0,
    });
    h.labs.seed(record);
    return record;
  }

  it('lists every removal candidate with its decision and why', async () => {
    h.labs.seed(
      LabRecord.discovered(W, plainLabSnapshot(2), t0),
      LabRecord.discovered(W, plainLabSnapshot(3), t0),
    );
    cmlAnswers({ listed: [], labs: { [B]: CML_404, [C]: PROXY_404 } });
    const summary = await refresh();
    expect(summary.candidates).toEqual([
      expect.objectContaining({
        labId: B,
        decision: 'remove',
        owner: 'alice',
        why: expect.stringMatching(/404/),
      }),
      expect.objectContaining({
        labId: C,
        decision: 'keep',
        why: expect.stringMatching(/not CML's own 404/),
      }),
    ]);
    expect(summary.candidates[0]!.title).toBe(plainLabSnapshot(2).title);
    // Recorded as it was answered.
    expect((await h.syncStates.find(W)).lastReconcile?.candidates).toEqual(summary.candidates);
  });

  it('a dry run lists the candidates and writes nothing: records, outbox, sync state, leases, events', async () => {
    h.labs.seed(LabRecord.discovered(W, plainLabSnapshot(3), t0));
    removedOrphan(2);
    cmlAnswers({
      listed: [A, B],
      labs: {
        [A]: { status: 200, body: cmlLabBody(A) },
        [B]: { status: 200, body: cmlLabBody(B) },
        [C]: CML_404,
      },
    });
    const before = structuredClone([...h.labs.documents.entries()]);
    const acquire = jest.spyOn(h.leases, 'acquire');
    const summary = await refresh({ dryRun: true });
    expect(summary).toMatchObject({ mode: 'dry-run', created: 1, orphansRemoved: 1, restored: 1 });
    expect(summary.candidates).toEqual([expect.objectContaining({ labId: C, decision: 'remove' })]);
    expect(summary.reason).toMatch(/would be restored/);
    expect([...h.labs.documents.entries()]).toEqual(before);
    expect(acquire).not.toHaveBeenCalled();
    expect(h.published).toEqual([]);
    expect((await h.syncStates.find(W)).lastReconcile).toBeNull();
  });

  it('restores a removed record that a trusted list names and whose details answer 200, with lab.restored', async () => {
    const removed = removedOrphan(2);
    cmlAnswers({ listed: [B], labs: { [B]: { status: 200, body: cmlLabBody(B, 'Back again') } } });
    const summary = await refresh();
    expect(summary).toMatchObject({ status: 'succeeded', restored: 1, created: 0 });
    const record = (await h.labs.findOne(W, B))!;
    expect(record.isRemoved).toBe(false);
    expect(record.title).toBe('Back again');
    expect(h.published).toEqual([
      expect.objectContaining({
        type: 'lab.restored',
        labId: B,
        restoredBy: 'reconciliation',
        removedAt: t0.toISOString(),
      }),
    ]);
    expect(h.published[0]).toBeInstanceOf(LabRestoredEvent);
    // Both events stay in the record's outbox, in order, each with its pending delivery.
    const stored = h.labs.documents.get(record.id)!;
    expect(stored.pastEvents.map((e) => [e.event.type, e.deliveries.map((d) => d.status)])).toEqual([
      ['lab.orphan_removed', ['pending']],
      ['lab.restored', ['pending']],
    ]);
    expect(stored.pastEvents[0]!.event.eventId).toBe(removed.removal!.event.eventId);
    expect(stored.outboxDue).not.toBeNull();
    // A second run finds it live and listed: nothing more.
    h.published.length = 0;
    await expect(refresh()).resolves.toMatchObject({ restored: 0 });
    expect(h.published).toEqual([]);
  });

  it('never restores on a listing alone, on a lookup alone, or in observe mode', async () => {
    removedOrphan(1);
    removedOrphan(2);
    // A is listed but CML says 404 for it; B is not listed (its details are never asked for).
    cmlAnswers({ listed: [A], labs: { [A]: CML_404, [B]: { status: 200, body: cmlLabBody(B) } } });
    await expect(refresh()).resolves.toMatchObject({ restored: 0 });
    expect((await h.labs.findOne(W, A))!.isRemoved).toBe(true);
    expect((await h.labs.findOne(W, B))!.isRemoved).toBe(true);

    h.dispose();
    nock.cleanAll();
    h = phase2Harness({ id: W, reconcileMode: 'observe' }, {}, [SINK]);
    removedOrphan(2);
    cmlAnswers({ listed: [B], labs: { [B]: { status: 200, body: cmlLabBody(B) } } });
    await expect(refresh()).resolves.toMatchObject({ mode: 'observe', restored: 1 });
    expect((await h.labs.findOne(W, B))!.isRemoved).toBe(true);
    expect(h.published).toEqual([]);
  });

  it('a restored record removed again keeps its undelivered restore event beside the new removal', async () => {
    removedOrphan(2);
    cmlAnswers({ listed: [B], labs: { [B]: { status: 200, body: cmlLabBody(B) } } });
    await refresh();
    nock.cleanAll();
    cmlAnswers({ listed: [], labs: { [B]: CML_404 } });
    await expect(refresh()).resolves.toMatchObject({ orphansRemoved: 1 });
    const stored = h.labs.documents.get(`${W}:${B}`)!;
    expect(stored.props.removal?.kind).toBe('lab.orphan_removed');
    expect(stored.pastEvents.map((e) => e.event.type)).toEqual(['lab.orphan_removed', 'lab.restored']);
    expect(stored.deliveries.map((d) => d.status)).toEqual(['pending']);
    expect(stored.outboxDue).not.toBeNull();
  });
});
