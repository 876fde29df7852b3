import { LabOrphanRemovedEvent } from '../../../domain/events/lab-orphan-removed.event';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { plainLabSnapshot } from '../../../testing/plain-lab-snapshot.fixture';
import { labRecordToDocument, removalEventFromData, removalEventToData } from './lab-record.mapper';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function orphanEvent(traceparent?: string): LabOrphanRemovedEvent {
  return new LabOrphanRemovedEvent(
    'e-1',
    'w-1',
    'l-1',
    'OSPF lab',
    'carol',
    'scheduled',
    'r-1',
    '2026-01-01T00:00:00.000Z',
    { listedAt: '2026-01-01T00:00:00.000Z', confirmedBy: 'lookup-404' },
    '2026-01-01T00:05:00.000Z',
    traceparent,
  );
}

describe('stored removal events', () => {
  it('keep the traceparent of a lab.orphan_removed', () => {
    const stored = removalEventToData(orphanEvent(TRACEPARENT));
    expect(stored.traceparent).toBe(TRACEPARENT);
    expect(removalEventFromData(stored)).toEqual(orphanEvent(TRACEPARENT));
  });

  it('store no traceparent field without one, and read events stored before it existed', () => {
    const stored = removalEventToData(orphanEvent());
    expect(stored).not.toHaveProperty('traceparent');
    const read = removalEventFromData({ ...stored });
    expect(read.traceparent).toBeUndefined();
    expect(read).toMatchObject({
      type: 'lab.orphan_removed',
      reconciliationId: 'r-1',
      evidence: { confirmedBy: 'lookup-404' },
    });
  });
});

describe('removedAt (the purge filters on it)', () => {
  const at = new Date('2026-01-01T00:05:00.000Z');

  it('is the removal time of a tombstone, whichever removal made it', () => {
    const deleted = LabRecord.discovered('w-1', plainLabSnapshot(1), at);
    deleted.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: at });
    const orphan = LabRecord.discovered('w-1', plainLabSnapshot(2), at);
    orphan.markOrphanRemoved({
      trigger: 'scheduled',
      reconciliationId: 'r-1',
      lastSeenAt: at,
      evidence: { listedAt: at.toISOString(), confirmedBy: 'lookup-404' },
      now: new Date(at.getTime() + 1),
    });
    for (const record of [deleted, orphan]) {
      const doc = labRecordToDocument(record, ['http://sink.test/']);
      expect(doc.removedAt).toEqual(record.removal!.at);
      expect(doc.removedAt).toEqual(doc.removal!.at);
    }
  });

  it('is null for a live record and for a restored one', () => {
    const live = LabRecord.discovered('w-1', plainLabSnapshot(3), at);
    expect(labRecordToDocument(live).removedAt).toBeNull();
    live.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: at });
    live.markRestored({ restoredBy: 'admin', now: at });
    expect(labRecordToDocument(live).removedAt).toBeNull();
  });
});
