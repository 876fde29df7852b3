import { ConflictError } from '@app/common';
import { LabOrphanRemovedEvent } from '../../../domain/events/lab-orphan-removed.event';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import {
  CML_404,
  cmlAnswers,
  cmlLabBody,
  cmlThroughNockOnly,
  phase2Harness,
  PROXY_404,
} from '../../../testing/phase2-harness';
import { plainLabSnapshot } from '../../../testing/plain-lab-snapshot.fixture';
import { ApproveOrphansCommand } from './approve-orphans.command';

const W = '11111111-1111-4111-8111-111111111111';
const [A, B, C, D] = [1, 2, 3, 4].map((i) => plainLabSnapshot(i).id) as [string, string, string, string];
const t0 = new Date('2026-02-01T00:00:00Z');

describe('ApproveOrphansHandler', () => {
  let h: ReturnType<typeof phase2Harness>;

  cmlThroughNockOnly();
  beforeEach(() => {
    h = phase2Harness({ id: W });
    const pending = [1, 2, 3].map((i) => {
      const record = LabRecord.discovered(W, plainLabSnapshot(i), t0);
      record.markPendingOrphan(t0);
      return record;
    });
    // D is a plain live record: an approval never touches it.
    h.labs.seed(...pending, LabRecord.discovered(W, plainLabSnapshot(4), t0));
  });
  afterEach(() => h.dispose());

  const approve = (labIds?: string[]) => h.approve.execute(new ApproveOrphansCommand(W, labIds));

  it('removes what CML says is gone, keeps what exists after all, leaves the unknown pending', async () => {
    cmlAnswers({
      labs: { [A]: CML_404, [B]: { status: 200, body: cmlLabBody(B, 'back again') }, [C]: PROXY_404 },
    });

    const summary = await approve();

    expect(summary).toMatchObject({ status: 'succeeded', orphansRemoved: 1, updated: 1, orphansPending: 1 });
    expect((await h.labs.findOne(W, A))?.removal?.kind).toBe('lab.orphan_removed');
    const restored = await h.labs.findOne(W, B);
    expect(restored?.pendingOrphan).toBeNull();
    expect(restored?.toProps().title).toBe('back again');
    expect((await h.labs.findOne(W, C))?.pendingOrphan).not.toBeNull();
    expect((await h.labs.findOne(W, D))?.isRemoved).toBe(false);
    expect(h.published).toEqual([expect.any(LabOrphanRemovedEvent)]);
    expect((await h.syncStates.find(W)).lastReconcile).toEqual(summary);
    expect(summary.candidates.map((c) => [c.labId, c.decision])).toEqual([
      [A, 'remove'],
      [B, 'keep'],
      [C, 'hold'],
    ]);
  });

  it('approves only the labs named', async () => {
    cmlAnswers({ labs: { [A]: CML_404, [B]: CML_404 } });

    await expect(approve([B])).resolves.toMatchObject({ orphansRemoved: 1 });
    expect((await h.labs.findOne(W, A))?.isRemoved).toBe(false);
    expect((await h.labs.findOne(W, B))?.isRemoved).toBe(true);
  });

  it('removes nothing through an account that is not a CML admin', async () => {
    cmlAnswers({ admin: false, labs: { [A]: CML_404 } });

    const summary = await approve();

    expect(summary).toMatchObject({ status: 'skipped', orphansRemoved: 0 });
    expect(summary.reason).toMatch(/is not a CML administrator/);
    expect((await h.labs.findOne(W, A))?.isRemoved).toBe(false);
  });

  it('refuses a disabled worker, and removes nothing in observe mode', async () => {
    h = phase2Harness({ id: W, enabled: false });
    await expect(approve()).rejects.toBeInstanceOf(ConflictError);
    h = phase2Harness({ id: W, reconcileMode: 'observe' });
    await expect(approve()).resolves.toMatchObject({
      status: 'skipped',
      reason: 'reconcileMode is observe; nothing was removed',
    });
  });
});
