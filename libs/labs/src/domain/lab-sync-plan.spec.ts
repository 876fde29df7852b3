import { CmlLabSnapshot } from './cml-lab-snapshot';
import { LabRecord } from './lab-record.aggregate';
import { planLabSync } from './lab-sync-plan';

const W = '0b6f9a52-7d2c-4c1e-9a51-3f7e8d1c2b10';
const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:30:00Z');

function snap(id: string, over: Partial<CmlLabSnapshot> = {}): CmlLabSnapshot {
  return {
    id,
    state: 'STOPPED',
    created: '2025-12-01T10:00:00Z',
    modified: '2025-12-02T10:00:00Z',
    title: `Lab ${id}`,
    description: '',
    notes: '',
    owner: 'u-1',
    ownerUsername: 'alice',
    ownerFullname: 'Alice',
    nodeCount: 3,
    linkCount: 2,
    groups: [],
    ...over,
  };
}

describe('planLabSync', () => {
  it('creates records for labs seen the first time', () => {
    const plan = planLabSync(W, [], [snap('a'), snap('b')], t0);
    expect(plan.toCreate.map((r) => r.labId)).toEqual(['a', 'b']);
    expect(plan.toCreate[0].toProps()).toMatchObject({
      workerId: W,
      firstSeenAt: t0,
      version: 0,
      title: 'Lab a',
    });
    expect(plan.toUpdate).toHaveLength(0);
  });

  it('leaves unchanged labs alone: no write, lastSyncedAt kept', () => {
    const existing = [LabRecord.discovered(W, snap('a'), t0)];
    const plan = planLabSync(W, existing, [snap('a')], t1);
    expect(plan.unchanged).toBe(1);
    expect(plan.toUpdate).toHaveLength(0);
    expect(existing[0].toProps().lastSyncedAt).toEqual(t0);
  });

  it('updates a lab whose CML data changed and remembers the version it read', () => {
    const existing = [LabRecord.restore({ ...LabRecord.discovered(W, snap('a'), t0).toProps(), version: 4 })];
    const plan = planLabSync(W, existing, [snap('a', { state: 'STARTED', nodeCount: 5 })], t1);
    expect(plan.toUpdate).toHaveLength(1);
    expect(plan.toUpdate[0].expectedVersion).toBe(4);
    expect(plan.toUpdate[0].record.toProps()).toMatchObject({
      state: 'STARTED',
      nodeCount: 5,
      lastSyncedAt: t1,
      firstSeenAt: t0,
    });
  });

  it('treats a group change as a change', () => {
    const existing = [LabRecord.discovered(W, snap('a'), t0)];
    const plan = planLabSync(
      W,
      existing,
      [snap('a', { groups: [{ id: 'g', permission: 'read_only' }] })],
      t1,
    );
    expect(plan.toUpdate).toHaveLength(1);
  });

  it('reports records missing from the snapshot without deciding anything about them', () => {
    const existing = [LabRecord.discovered(W, snap('a'), t0), LabRecord.discovered(W, snap('gone'), t0)];
    const plan = planLabSync(W, existing, [snap('a')], t1);
    expect(plan.notInSnapshot.map((r) => r.labId)).toEqual(['gone']);
  });

  it('ignores a lab listed twice', () => {
    const plan = planLabSync(W, [], [snap('a'), snap('a')], t0);
    expect(plan.toCreate).toHaveLength(1);
  });

  it('maps transitional CML states onto the three of the contract', () => {
    const plan = planLabSync(
      W,
      [],
      [
        snap('q', { state: 'QUEUED' }),
        snap('b', { state: 'BOOTED' }),
        snap('d', { state: 'DEFINED_ON_CORE' }),
      ],
      t0,
    );
    expect(plan.toCreate.map((r) => r.toProps().state)).toEqual(['STARTED', 'STARTED', 'DEFINED_ON_CORE']);
  });

  it('never brings back a removed lab, whatever the list says', () => {
    const removed = LabRecord.discovered(W, snap('gone'), t0);
    removed.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: t0 });
    const plan = planLabSync(W, [removed], [snap('gone', { title: 'stale' })], t1);
    expect(plan.toCreate).toHaveLength(0);
    expect(plan.toUpdate).toHaveLength(0);
    expect(plan.notInSnapshot).toHaveLength(0);
  });

  it('clears a pending orphan that CML lists again', () => {
    const record = LabRecord.discovered(W, snap('back'), t0);
    record.markPendingOrphan(t0);
    const plan = planLabSync(W, [record], [snap('back')], t1);
    expect(plan.toUpdate).toHaveLength(1);
    expect(record.pendingOrphan).toBeNull();
  });
});
