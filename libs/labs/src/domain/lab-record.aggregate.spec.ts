import { CmlLabSnapshot } from './cml-lab-snapshot';
import { LabRecord } from './lab-record.aggregate';

const snap: CmlLabSnapshot = {
  id: 'lab-1',
  state: 'STOPPED',
  created: '2025-12-01T10:00:00Z',
  modified: '2025-12-02T10:00:00Z',
  title: 'Routing 101',
  description: '',
  notes: '',
  owner: 'u-1',
  ownerUsername: 'alice',
  ownerFullname: 'Alice',
  nodeCount: 3,
  linkCount: 2,
  groups: [],
};
const now = new Date('2026-02-01T00:00:00Z');

describe('LabRecord', () => {
  it('records a Phase 1 delete as a tombstone carrying its event', () => {
    const record = LabRecord.discovered('w-1', snap, now);
    const event = record.markDeleted({ deletedBy: 'bob', alreadyAbsentInCml: true, now });
    expect(event).toMatchObject({
      type: 'lab.deleted',
      workerId: 'w-1',
      labId: 'lab-1',
      labTitle: 'Routing 101',
      owner: 'alice',
      deletedBy: 'bob',
      alreadyAbsentInCml: true,
      occurredAt: now.toISOString(),
    });
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.isRemoved).toBe(true);
    expect(record.removal?.event).toBe(event);
    expect(record.getUncommittedEvents()).toEqual([event]);
  });

  it('records a Phase 2 removal with its evidence', () => {
    const record = LabRecord.discovered('w-1', snap, now);
    const event = record.markOrphanRemoved({
      trigger: 'scheduled',
      reconciliationId: 'r-1',
      lastSeenAt: now,
      evidence: { listedAt: now.toISOString(), confirmedBy: 'lookup-404' },
      now,
    });
    expect(event).toMatchObject({
      type: 'lab.orphan_removed',
      trigger: 'scheduled',
      reconciliationId: 'r-1',
    });
    expect(record.removal?.kind).toBe('lab.orphan_removed');
    expect(event.traceparent).toBeUndefined();
  });

  it('carries the traceparent of the reconciliation that removed the orphan', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const event = LabRecord.discovered('w-1', snap, now).markOrphanRemoved({
      trigger: 'manual',
      reconciliationId: 'r-2',
      lastSeenAt: now,
      evidence: { listedAt: now.toISOString(), confirmedBy: 'lookup-404' },
      now,
      traceparent,
    });
    expect(event.traceparent).toBe(traceparent);
  });

  it('is removed at most once: a second removal is a bug, not a second event', () => {
    const record = LabRecord.discovered('w-1', snap, now);
    record.markDeleted({ deletedBy: 'bob', alreadyAbsentInCml: false, now });
    expect(() =>
      record.markOrphanRemoved({
        trigger: 'manual',
        reconciliationId: 'r',
        lastSeenAt: now,
        evidence: { listedAt: now.toISOString(), confirmedBy: 'lookup-404' },
        now,
      }),
    ).toThrow(/removed already/);
    expect(() => record.syncWith(snap, now)).toThrow(/removed already/);
  });

  it('keeps the first detection time of a pending orphan', () => {
    const record = LabRecord.discovered('w-1', snap, now);
    record.markPendingOrphan(now);
    const later = new Date(now.getTime() + 60_000);
    record.markPendingOrphan(later);
    expect(record.pendingOrphan).toEqual({ detectedAt: now, lastConfirmedAt: later });
  });
});
