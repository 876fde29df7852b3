import mongoose, { Connection, Model } from 'mongoose';
import { AppConfig } from '@app/common';
import { testDatabaseUri } from '../../../../../../test/support/test-database';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { LabRecordDocument, LabRecordSchema } from './lab-record.schema';
import { MongoLabEventOutbox } from './mongo-lab-event-outbox';
import { MongoLabRecordRepository } from './mongo-lab-record.repository';
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
});
