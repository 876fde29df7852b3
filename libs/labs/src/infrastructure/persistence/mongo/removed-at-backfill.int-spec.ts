import mongoose, { Connection, Model } from 'mongoose';
import { testDatabaseUri } from '../../../../../../test/support/test-database';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { plainLabSnapshot } from '../../../testing/plain-lab-snapshot.fixture';
import { labRecordToDocument } from './lab-record.mapper';
import { LabRecordDocument, LabRecordSchema } from './lab-record.schema';
import {
  REMOVED_AT_BACKFILL,
  REMOVED_AT_BACKFILL_BATCH_SIZE,
  RemovedAtBackfill,
  schemaMigrationModel,
} from './removed-at-backfill';
import { SchemaMigrationDocument } from './schema-migration.schema';

const W = '5a0e1c2d-0000-4000-8000-0000000000bf';
const t0 = new Date('2026-01-01T00:00:00.000Z');
const completedAt = new Date('2026-02-01T00:00:00.000Z');

/** A stored record, with or without removedAt. */
type RawLabRecord = Omit<LabRecordDocument, 'removedAt'> & { removedAt?: Date | null };

/** A record as the code before removedAt wrote it: today's document without that field. */
function legacyDocument(i: number, removedAt: Date | null): RawLabRecord {
  const record = LabRecord.discovered(W, plainLabSnapshot(i, '80bf'), t0);
  if (removedAt) record.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: removedAt });
  const { removedAt: _removedAt, ...doc } = labRecordToDocument(record);
  return doc;
}

describe('RemovedAtBackfill (real FerretDB)', () => {
  let connection: Connection;
  let model: Model<LabRecordDocument>;
  let migrations: Model<SchemaMigrationDocument>;
  /** `commandName:collection` of every command the connection sends. */
  const commands: string[] = [];
  const backfill = () => new RemovedAtBackfill(model, () => completedAt);
  /** The collection as the driver sees it: writes what the old code wrote, no schema between. */
  const raw = () => connection.db!.collection<RawLabRecord>('lab_records');
  const atOf = (i: number) => new Date(t0.getTime() + i * 1_000);

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(testDatabaseUri('removed_at_backfill'), { monitorCommands: true })
      .asPromise();
    connection.getClient().on('commandStarted', (e) => {
      commands.push(`${e.commandName}:${String(e.command[e.commandName])}`);
    });
    model = connection.model<LabRecordDocument>(LabRecordDocument.name, LabRecordSchema);
    await model.init();
    migrations = schemaMigrationModel(model);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });
  beforeEach(async () => {
    await model.deleteMany({});
    await migrations.deleteMany({});
  });

  it('gives every legacy tombstone removedAt = removal.at in bulks of at most 1,000, leaves the others be, and writes its marker', async () => {
    const count = REMOVED_AT_BACKFILL_BATCH_SIZE * 2 + 37;
    const tombstones = Array.from({ length: count }, (_, i) => legacyDocument(i, atOf(i)));
    const live = Array.from({ length: 20 }, (_, i) => legacyDocument(10_000 + i, null));
    await raw().insertMany([...tombstones, ...live]);
    // Written by the new code: a tombstone with its own removedAt, and a live record with null.
    const newTombstone = LabRecord.discovered(W, plainLabSnapshot(20_000, '80bf'), t0);
    newTombstone.markDeleted({ deletedBy: 'bob', alreadyAbsentInCml: false, now: t0 });
    const newLive = LabRecord.discovered(W, plainLabSnapshot(20_001, '80bf'), t0);
    await raw().insertMany([labRecordToDocument(newTombstone), labRecordToDocument(newLive)]);
    await raw().updateOne({ _id: newTombstone.id }, { $set: { removedAt: completedAt } }); // to tell it apart

    const bulkWrite = jest.spyOn(model, 'bulkWrite');
    try {
      expect(await backfill().run()).toEqual({ skipped: false, updated: count });
      const sizes = bulkWrite.mock.calls.map(([ops]) => ops.length);
      expect(Math.max(...sizes)).toBe(REMOVED_AT_BACKFILL_BATCH_SIZE);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(count);
    } finally {
      bulkWrite.mockRestore();
    }

    const docs = await raw()
      .find({}, { projection: { _id: 1, removal: 1, removedAt: 1 } })
      .toArray();
    const byId = new Map(docs.map((d) => [d._id, d]));
    for (const [i, doc] of tombstones.entries()) {
      expect([doc._id, byId.get(doc._id)!.removedAt]).toEqual([doc._id, atOf(i)]);
    }
    for (const doc of live) expect(byId.get(doc._id)).not.toHaveProperty('removedAt');
    expect(byId.get(newTombstone.id)!.removedAt).toEqual(completedAt);
    expect(byId.get(newLive.id)!.removedAt).toBeNull();
    expect(await migrations.findById(REMOVED_AT_BACKFILL).lean()).toEqual({
      _id: REMOVED_AT_BACKFILL,
      completedAt,
      updated: count,
    });
  });

  it('does not touch a record restored between its read and its update (the update is conditional on removal)', async () => {
    const docs = Array.from({ length: 5 }, (_, i) => legacyDocument(i, atOf(i)));
    await raw().insertMany(docs);
    const restoredId = docs[2]._id;
    const bulkWrite = model.bulkWrite.bind(model);
    const spy = jest.spyOn(model, 'bulkWrite').mockImplementationOnce(async (ops, options) => {
      // A restore by a process of the older version (a rolling upgrade) lands after the backfill read the
      // tombstone: it clears removal and knows nothing of removedAt.
      await raw().updateOne({ _id: restoredId }, { $set: { removal: null } });
      return bulkWrite(ops, options);
    });
    try {
      expect(await backfill().run()).toEqual({ skipped: false, updated: 4 });
    } finally {
      spy.mockRestore();
    }
    const restored = await raw().findOne({ _id: restoredId });
    expect(restored!.removal).toBeNull();
    expect(restored).not.toHaveProperty('removedAt');
  });

  it('with its marker there, reads only the marker, once per instance; without it, runs again', async () => {
    await raw().insertOne(legacyDocument(1, atOf(1)));
    const first = backfill();
    await first.ensureDone();
    await raw().insertOne(legacyDocument(2, atOf(2)));

    commands.length = 0;
    await first.ensureDone();
    expect(commands).toEqual([]);

    const second = backfill();
    await second.ensureDone();
    await second.ensureDone();
    expect(commands).toEqual(['find:schema_migrations']);
    expect(await raw().countDocuments({ removedAt: { $exists: false } })).toBe(1);

    await migrations.deleteMany({});
    expect(await backfill().run()).toEqual({ skipped: false, updated: 1 });
    expect(await raw().countDocuments({ removedAt: { $exists: false } })).toBe(0);
  });

  it('concurrent callers of one instance share one run', async () => {
    await raw().insertOne(legacyDocument(1, atOf(1)));
    const one = backfill();
    commands.length = 0;
    await Promise.all([one.ensureDone(), one.ensureDone(), one.ensureDone()]);
    expect(commands.filter((c) => c === 'find:schema_migrations')).toHaveLength(1);
    expect(commands.filter((c) => c === 'update:lab_records')).toHaveLength(1);
  });

  it('two processes at once both finish, every tombstone gets its date, and one marker stands', async () => {
    const docs = Array.from({ length: 300 }, (_, i) => legacyDocument(i, atOf(i)));
    await raw().insertMany(docs);
    const outcomes = await Promise.all([backfill().run(), backfill().run()]);
    expect(outcomes.map((o) => o.skipped)).toEqual([false, false]);
    expect(await raw().countDocuments({ removedAt: { $exists: false } })).toBe(0);
    for (const [i, doc] of docs.entries()) {
      if (i % 37 === 0) expect((await raw().findOne({ _id: doc._id }))!.removedAt).toEqual(atOf(i));
    }
    expect(await migrations.countDocuments({})).toBe(1);
  });

  it('on a database without legacy tombstones writes only its marker', async () => {
    commands.length = 0;
    expect(await backfill().run()).toEqual({ skipped: false, updated: 0 });
    expect(commands).toEqual(['find:schema_migrations', 'find:lab_records', 'insert:schema_migrations']);
  });
});
