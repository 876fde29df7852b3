import mongoose, { Connection, Model } from 'mongoose';
import { AppConfig } from '@app/common';
import { testDatabaseUri } from '../../../../../../test/support/test-database';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { LabRecordDocument, LabRecordSchema } from './lab-record.schema';
import { MongoLabEventOutbox } from './mongo-lab-event-outbox';
import { MongoLabRecordRepository } from './mongo-lab-record.repository';
import { REMOVED_AT_BACKFILL, schemaMigrationModel } from './removed-at-backfill';
import { plainLabSnapshot } from '../../../testing/plain-lab-snapshot.fixture';

const W = '5a0e1c2d-0000-4000-8000-000000000001';
const SINKS = ['http://sink-a.test/', 'http://sink-b.test/'];

const snap = (i: number) => plainLabSnapshot(i);

describe('MongoLabEventOutbox (real FerretDB)', () => {
  let connection: Connection;
  let model: Model<LabRecordDocument>;
  let labs: MongoLabRecordRepository;
  let outbox: MongoLabEventOutbox;

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('outbox')).asPromise();
    model = connection.model<LabRecordDocument>(LabRecordDocument.name, LabRecordSchema);
    labs = new MongoLabRecordRepository(model, { cloudEventsSinks: SINKS } as AppConfig);
    outbox = new MongoLabEventOutbox(model);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  async function removed(i: number, at: Date): Promise<LabRecord> {
    const record = LabRecord.discovered(W, snap(i), at);
    record.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: at });
    expect(await labs.saveDeletion(record, true)).toBe(true);
    return record;
  }

  it('the removing write stores one pending delivery per sink, due at once', async () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const record = await removed(1, at);
    const entry = await outbox.findByRecordId(record.id);
    expect(entry?.event.eventId).toBe(record.removal?.event.eventId);
    expect(entry?.deliveries.map((d) => [d.sink, d.status, d.attempts])).toEqual([
      [SINKS[0], 'pending', 0],
      [SINKS[1], 'pending', 0],
    ]);
    expect((await outbox.findDue(at, 10)).map((e) => e.recordId)).toEqual([record.id]);
    expect(await outbox.findDue(new Date(at.getTime() - 1), 10)).toEqual([]);
  });

  it('lets exactly one of many claim an attempt, and a stale claim be taken again', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const wins = await Promise.all(Array.from({ length: 12 }, () => outbox.claim('evt#0#0#0', now, 10_000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await outbox.claim('evt#0#0#0', new Date(now.getTime() + 5_000), 10_000)).toBe(false);
    expect(await outbox.claim('evt#0#0#0', new Date(now.getTime() + 11_000), 10_000)).toBe(true);
  });

  it('purges only settled tombstones older than the retention', async () => {
    const old = new Date('2025-01-01T00:00:00Z');
    const settled = await removed(2, old);
    const stillPending = await removed(3, old);
    const recent = await removed(4, new Date('2026-06-01T00:00:00Z'));
    for (const record of [settled, recent]) {
      for (const index of [0, 1]) {
        await outbox.recordAttempt(record.id, index, {
          sink: SINKS[index],
          status: index === 0 ? 'delivered' : 'dead',
          attempts: 1,
          replays: 0,
          nextAttemptAt: old,
          lastError: null,
          deliveredAt: old,
        });
      }
    }
    // `settled` has a dead delivery: dead letters stay replayable, so nothing old is purged yet.
    expect(await outbox.purgeTombstones(new Date('2026-03-01T00:00:00Z'))).toBe(0);
    expect(await outbox.count('dead')).toBe(2);
    expect(await outbox.count('pending')).toBe(2); // stillPending, and the entry of the first test
    await outbox.recordAttempt(settled.id, 1, {
      sink: SINKS[1],
      status: 'delivered',
      attempts: 2,
      replays: 1,
      nextAttemptAt: old,
      lastError: null,
      deliveredAt: old,
    });
    await model.collection.updateOne({ _id: settled.id as never }, { $set: { outboxHasDead: false } });
    const purged = await outbox.purgeTombstones(new Date('2026-03-01T00:00:00Z'));
    expect(purged).toBe(1);
    expect(await model.collection.findOne({ _id: settled.id as never })).toBeNull();
    expect(await model.collection.findOne({ _id: stillPending.id as never })).not.toBeNull();
    expect(await model.collection.findOne({ _id: recent.id as never })).not.toBeNull();
    expect((await outbox.list('dead', 10)).map((e) => e.recordId)).toEqual([recent.id]);
  });

  it('removing a worker keeps the tombstones whose events are not delivered yet', async () => {
    const worker = '5a0e1c2d-0000-4000-8000-0000000000ff';
    const live = LabRecord.discovered(worker, snap(10), new Date());
    await labs.saveChanges([live], []);
    const undelivered = LabRecord.discovered(worker, snap(11), new Date());
    undelivered.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: new Date() });
    await labs.saveDeletion(undelivered, true);
    expect(await labs.removeAllForWorker(worker)).toBe(1);
    expect(await model.collection.findOne({ _id: live.id as never })).toBeNull();
    expect((await outbox.findByRecordId(undelivered.id))?.deliveries[0].status).toBe('pending');
  });
  describe('removedAt: the tombstone date the purge filters on', () => {
    /** Without sinks a tombstone is settled as it is written (outboxDue null): the purge may take it. */
    let settledLabs: MongoLabRecordRepository;
    const PW = '5a0e1c2d-0000-4000-8000-0000000000aa';
    const old = new Date('2025-01-01T00:00:00Z');
    const before = new Date('2026-03-01T00:00:00Z');
    const stored = (id: string) => model.collection.findOne<LabRecordDocument>({ _id: id as never });
    const orphanRemoval = (now: Date) => ({
      trigger: 'scheduled' as const,
      reconciliationId: 'r-1',
      lastSeenAt: now,
      evidence: { listedAt: now.toISOString(), confirmedBy: 'lookup-404' as const },
      now,
    });

    beforeAll(() => {
      settledLabs = new MongoLabRecordRepository(model);
    });
    beforeEach(async () => {
      await model.deleteMany({});
    });

    it('every write of a tombstone writes removedAt = removal.at, a live record has null, a restore sets it back to null', async () => {
      const t = new Date('2026-02-01T10:00:00.123Z');
      // Phase 1, a lab without a record: the tombstone is inserted.
      const inserted = LabRecord.discovered(PW, snap(40), t);
      inserted.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: true, now: t });
      expect(await settledLabs.saveDeletion(inserted, true)).toBe(true);
      // Phase 1 on a live record, and Phase 2's orphan removal in its bulk write.
      const live = LabRecord.discovered(PW, snap(41), old);
      const deleted = LabRecord.discovered(PW, snap(42), old);
      const orphan = LabRecord.discovered(PW, snap(43), old);
      await settledLabs.saveChanges([live, deleted, orphan], []);
      expect((await stored(live.id))!.removedAt).toBeNull();
      deleted.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: t });
      expect(await settledLabs.saveDeletion(deleted, false)).toBe(true);
      const read = (await settledLabs.findOne(PW, orphan.labId))!;
      read.markOrphanRemoved(orphanRemoval(new Date(t.getTime() + 1)));
      expect(
        (await settledLabs.saveChanges([], [{ record: read, expectedVersion: read.version }])).updated,
      ).toBe(1);
      // Phase 2 inserting a record removed already (the mapper's insert path).
      const created = LabRecord.discovered(PW, snap(44), old);
      created.markOrphanRemoved(orphanRemoval(new Date(t.getTime() + 2)));
      await settledLabs.saveChanges([created], []);

      for (const [record, at] of [
        [inserted, t],
        [deleted, t],
        [orphan, new Date(t.getTime() + 1)],
        [created, new Date(t.getTime() + 2)],
      ] as const) {
        const doc = (await stored(record.id))!;
        expect(doc.removal).not.toBeNull();
        expect([record.labId, doc.removedAt]).toEqual([record.labId, at]);
        expect(doc.removedAt).toEqual(doc.removal!.at);
      }
      // A later sync of the live record keeps it null.
      const again = (await settledLabs.findOne(PW, live.labId))!;
      again.syncWith({ ...snap(41), title: 'renamed' }, t);
      await settledLabs.saveChanges([], [{ record: again, expectedVersion: again.version }]);
      expect((await stored(live.id))!.removedAt).toBeNull();

      const removed = (await settledLabs.findOne(PW, deleted.labId))!;
      const expected = { version: removed.version, removalEventId: removed.removal!.event.eventId };
      const event = removed.markRestored({ restoredBy: 'admin', now: t });
      expect(await settledLabs.saveRestoration(removed, event, expected)).toBe(true);
      const restored = (await stored(deleted.id))!;
      expect([restored.removal, restored.removedAt]).toEqual([null, null]);
    });

    it('purges exactly the settled tombstones older than `before`: not live, restored, unsettled, dead or newer records', async () => {
      const tombstone = async (i: number, at: Date, repo = settledLabs) => {
        const record = LabRecord.discovered(PW, snap(i), at);
        record.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: at });
        expect(await repo.saveDeletion(record, true)).toBe(true);
        return record;
      };
      const purgeable = [await tombstone(50, old), await tombstone(51, new Date(before.getTime() - 1))];
      const live = LabRecord.discovered(PW, snap(52), old);
      await settledLabs.saveChanges([live], []);
      const newer = await tombstone(53, before);
      const unsettled = await tombstone(54, old, labs);
      const dead = await tombstone(55, old);
      await model.collection.updateOne({ _id: dead.id as never }, { $set: { outboxHasDead: true } });
      const toRestore = (await settledLabs.findOne(PW, (await tombstone(56, old)).labId))!;
      const expected = { version: toRestore.version, removalEventId: toRestore.removal!.event.eventId };
      const event = toRestore.markRestored({ restoredBy: 'admin', now: old });
      expect(await settledLabs.saveRestoration(toRestore, event, expected)).toBe(true);
      expect((await stored(toRestore.id))!.outboxDue).toBeNull();

      expect(await outbox.purgeTombstones(before)).toBe(2);
      const left = (await model.find({}, { _id: 1 }).lean()).map((d) => d._id).sort();
      expect(left).toEqual([live.id, newer.id, unsettled.id, dead.id, toRestore.id].sort());
      expect(purgeable.map((r) => r.id).filter((id) => left.includes(id))).toEqual([]);
    });

    it("a process's first purge gives older versions' tombstones their removedAt first, then purges them", async () => {
      const migrations = schemaMigrationModel(model);
      await migrations.deleteMany({});
      const record = LabRecord.discovered(PW, snap(60), old);
      record.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: old });
      expect(await settledLabs.saveDeletion(record, true)).toBe(true);
      // As an older version stored it: the same tombstone without removedAt.
      await model.collection.updateOne({ _id: record.id as never }, { $unset: { removedAt: '' } });
      const fresh = new MongoLabEventOutbox(model);
      expect(await fresh.purgeTombstones(before)).toBe(1);
      expect(await stored(record.id)).toBeNull();
      expect(await migrations.countDocuments({ _id: REMOVED_AT_BACKFILL })).toBe(1);
    });
  });

  // Last: its records would count in the earlier tests' totals.
  it('finds an event by its id whether a delivery of it is dead or not, and retries only the dead ones', async () => {
    const at = new Date('2026-02-01T00:00:00Z');
    const dead = await removed(11, at);
    const pending = await removed(12, at);
    const deadDelivery = {
      sink: SINKS[1],
      status: 'dead' as const,
      attempts: 8,
      replays: 0,
      nextAttemptAt: at,
      lastError: 'HTTP 500',
      deliveredAt: null,
    };
    await outbox.recordAttempt(dead.id, 1, deadDelivery);
    const deadEventId = dead.removal!.event.eventId;
    const pendingEventId = pending.removal!.event.eventId;

    // The dead one comes from the lookup among dead records, the pending one from the lookup among all.
    expect((await outbox.findByEventId(deadEventId))?.recordId).toBe(dead.id);
    expect((await outbox.findByEventId(pendingEventId))?.recordId).toBe(pending.id);
    expect(await outbox.findByEventId('00000000-0000-4000-8000-00000000dead')).toBeNull();

    const later = new Date('2026-02-02T00:00:00Z');
    expect(await outbox.retry(deadEventId, later)).toBe(true);
    expect((await outbox.findByRecordId(dead.id))?.deliveries[1]).toMatchObject({
      status: 'pending',
      attempts: 0,
      replays: 1,
    });
    expect(await model.countDocuments({ _id: dead.id, outboxHasDead: true })).toBe(0);
    // A retry of an event with nothing dead finds it and leaves its deliveries as they were.
    const before = await outbox.findByRecordId(pending.id);
    expect(await outbox.retry(pendingEventId, later)).toBe(true);
    expect((await outbox.findByRecordId(pending.id))?.deliveries).toEqual(before?.deliveries);
    expect(await outbox.retry('00000000-0000-4000-8000-00000000dead', later)).toBe(false);
  });
});
