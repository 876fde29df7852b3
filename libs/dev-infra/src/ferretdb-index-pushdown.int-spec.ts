/**
 * Guards scripts/ferretdb-patches/0003-sqlite-indexed-filter-pushdown.patch: on the SQLite backend, one top-level
 * condition of a filter on a field that leads an index (equality or $in with strings, ObjectIds or booleans,
 * `$ne: null`, a range on a date) becomes an indexed WHERE, and FerretDB still filters the rows it gets back.
 *
 * It starts a FerretDB of its own (the installed binary, or FERRETDB_BINARY), at debug level, and fills two
 * collections with the same documents and indexes: strings that are hard to encode, numbers of three types, null,
 * missing fields, arrays, documents, dates, booleans. The probe collection gets each filter as is; its twin gets
 * `{$and: [filter]}`, which means the same and is never pushed down (checked: its plan is a full scan). Finds,
 * counts, distincts, aggregates, updates, deletes and findAndModifys must give identical answers, in the same
 * order. (`--test-disable-pushdown` is no reference: v1.24.2's find and aggregate still pass their filter down.)
 * The pushed-down SQL is taken from FerretDB's debug log and explained with node:sqlite on the same database file;
 * the hot paths' filters, on the real schemas' indexes, are explained through FerretDB.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { type Collection, type Db, type Document, Double, Int32, Long, MongoClient, ObjectId } from 'mongodb';
import mongoose, { type Connection, type Schema } from 'mongoose';
import { AuditEventSchema } from '../../../apps/audit/src/infrastructure/persistence/mongo/audit-event.schema';
import { LabRecordSchema } from '../../labs/src/infrastructure/persistence/mongo/lab-record.schema';
import {
  deadEventFilter,
  purgeableTombstones,
} from '../../labs/src/infrastructure/persistence/mongo/mongo-lab-event-outbox';
import { OutboxClaimSchema } from '../../labs/src/infrastructure/persistence/mongo/outbox-claim.schema';
import { ReconcileLeaseClaimSchema } from '../../labs/src/infrastructure/persistence/mongo/reconcile-lease-claim.schema';
import { ReconcileLeaseSchema } from '../../labs/src/infrastructure/persistence/mongo/reconcile-lease.schema';
import { ReconciliationRunSchema } from '../../labs/src/infrastructure/persistence/mongo/reconciliation-run.schema';
import { WorkerSyncStateSchema } from '../../labs/src/infrastructure/persistence/mongo/worker-sync-state.schema';
import {
  type EmbeddedFerretDb,
  ensureFerretDbInstalled,
  findRepoRoot,
  startEmbeddedFerretDb,
} from './ferretdb-process';

/** node:sqlite (Node 22.5+; Node 24 is pinned) as used here: this repository's @types/node (20) does not know it. */
interface SqliteDatabase {
  prepare(sql: string): { get(...params: string[]): unknown; all(...params: string[]): unknown[] };
  close(): void;
}
const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as {
  DatabaseSync: new (
    file: string,
    options: { readOnly: boolean; enableDoubleQuotedStringLiterals: boolean },
  ) => SqliteDatabase;
};

const DB = 'pushdown';
const COLL = 'probe';
/** The same documents and indexes, always queried as `{$and: [filter]}`: a top-level operator is never pushed down. */
const REF = 'reference';
const T0 = new Date('2026-01-01T00:00:00.000Z');
const OID = new ObjectId('65a1b2c3d4e5f60718293a4b');

/** Every value `workerId` takes below; the strings are also looked up one by one. */
const STRINGS = [
  'w1',
  'w2',
  'W1',
  ' w1',
  'w1 ',
  '',
  '<a&b>',
  'é',
  'e\u0301',
  '😀',
  'quo"te',
  'back\\slash',
  'nul\u0000byte',
  'line\u2028sep',
  'tab\tx',
  '["w1"]',
  '"w1"',
  'null',
  'true',
  '1',
  OID.toHexString(),
];
const MISSING = Symbol('missing');
const OTHER_WORKER_VALUES: unknown[] = [
  MISSING,
  null,
  new Int32(1),
  new Double(1),
  Long.fromNumber(1),
  new Double(-0),
  true,
  false,
  OID,
  T0,
  { w: 'w1' },
  ['w1', 'w2'],
  ['x'],
  [],
  ['w1', null],
  [new Int32(1)],
  [true],
  [OID],
];
/** Values of `due` (indexed) and `dead` (indexed), cycled through the documents. */
const DUE_VALUES: unknown[] = [
  MISSING,
  null,
  T0,
  new Date(T0.getTime() + 3_600_000),
  new Date(0),
  new Date(-86_400_000),
  new Date('2300-01-01T00:00:00.000Z'),
  [T0],
  [null],
  [],
  Long.fromNumber(T0.getTime()),
  new Int32(5),
  'tomorrow',
  { at: T0 },
];
const DEAD_VALUES: unknown[] = [MISSING, null, true, false, [true], [false], new Int32(1), 'true'];

function seedDocuments(): Document[] {
  const values = [...STRINGS, ...OTHER_WORKER_VALUES];
  const docs: Document[] = [];
  let i = 0;
  for (const labId of ['l1', 'l2']) {
    for (const workerId of values) {
      const doc: Document = { _id: `d${String(i).padStart(3, '0')}`, labId, state: i % 3 === 0 ? 'a' : 'b' };
      const set = (field: string, value: unknown): void => {
        if (value !== MISSING) doc[field] = value;
      };
      set('workerId', workerId);
      set('due', DUE_VALUES[i % DUE_VALUES.length]);
      set('dead', DEAD_VALUES[i % DEAD_VALUES.length]);
      set('rowid', i % 2 === 0 ? 'r' : MISSING);
      doc.a = { b: i % 2 === 0 ? 'x' : 'y' };
      docs.push(doc);
      i++;
    }
  }
  // Seeded in another order than _id order, so that "natural order" and "_id order" differ.
  return docs.reverse();
}

interface Probe {
  filter: Document;
  /** Whether the patch pushes a condition of it down (checked with FerretDB's explain). */
  pushed: boolean;
}

function probes(): Probe[] {
  const at = new Date(T0.getTime() + 1);
  const list: Probe[] = [
    ...[...STRINGS, 'absent'].map((s) => ({ filter: { workerId: s }, pushed: true })),
    { filter: { workerId: { $eq: 'w1' } }, pushed: true },
    { filter: { workerId: { $in: ['w1', 'é', 'absent', '["w1"]'] } }, pushed: true },
    { filter: { workerId: { $in: ['w1', new Int32(1)] } }, pushed: false },
    { filter: { workerId: { $in: ['w1', /^w/] } }, pushed: false },
    { filter: { workerId: { $in: [] } }, pushed: false },
    { filter: { workerId: null }, pushed: false },
    { filter: { workerId: new Int32(1) }, pushed: false },
    { filter: { workerId: new Double(1) }, pushed: false },
    { filter: { workerId: Long.fromNumber(1) }, pushed: false },
    { filter: { workerId: new Double(0) }, pushed: false },
    { filter: { workerId: true }, pushed: true },
    { filter: { workerId: false }, pushed: true },
    { filter: { workerId: OID }, pushed: true },
    { filter: { workerId: { $in: [OID, true] } }, pushed: true },
    { filter: { workerId: T0 }, pushed: false },
    { filter: { workerId: /^w/ }, pushed: false },
    { filter: { workerId: ['w1', 'w2'] }, pushed: false },
    { filter: { workerId: { w: 'w1' } }, pushed: false },
    { filter: { workerId: { $ne: null } }, pushed: true },
    { filter: { workerId: { $ne: 'w1' } }, pushed: false },
    { filter: { workerId: { $gt: 'w' } }, pushed: false },
    { filter: { workerId: { $exists: true } }, pushed: false },
    { filter: { workerId: { $not: { $eq: 'w1' } } }, pushed: false },
    { filter: { workerId: { $eq: 'w1', $ne: 'w2' } }, pushed: true },
    { filter: { workerId: 'w1', labId: 'l1' }, pushed: true },
    { filter: { workerId: 'w1', state: 'a' }, pushed: true },
    { filter: { workerId: 'w1', $or: [{ state: 'a' }, { labId: 'l2' }] }, pushed: true },
    { filter: { $or: [{ workerId: 'w1' }, { workerId: 'w2' }] }, pushed: false },
    { filter: { labId: 'l1' }, pushed: false },
    { filter: { _id: 'd003' }, pushed: true },
    { filter: { _id: 'd003', labId: 'l2' }, pushed: true },
    { filter: { _id: 'd003', labId: 'l1' }, pushed: true },
    { filter: { _id: { $in: ['d001', 'd005', 'zz'] }, state: 'b' }, pushed: true },
    { filter: { _id: { $in: ['d001'] }, workerId: 'w1' }, pushed: true },
    { filter: { due: { $ne: null } }, pushed: true },
    { filter: { due: { $lte: at } }, pushed: true },
    { filter: { due: { $lt: at } }, pushed: true },
    { filter: { due: { $gt: at } }, pushed: true },
    { filter: { due: { $gte: new Date(0) } }, pushed: true },
    { filter: { due: { $ne: null, $lte: at } }, pushed: true },
    { filter: { due: { $lte: new Int32(10) } }, pushed: false },
    { filter: { due: { $lte: Long.fromNumber(T0.getTime()) } }, pushed: false },
    { filter: { due: null }, pushed: false },
    { filter: { dead: true }, pushed: true },
    { filter: { dead: false }, pushed: true },
    { filter: { dead: { $ne: true } }, pushed: false },
    { filter: { dead: true, workerId: 'w1' }, pushed: true },
    { filter: { 'a.b': 'x' }, pushed: false },
    { filter: { rowid: 'r' }, pushed: false },
  ];
  return list;
}

async function explainFind(
  db: Db,
  collection: string,
  filter: Document,
): Promise<{ plan: string[]; pushed: boolean }> {
  const res = await db.command({ explain: { find: collection, filter } });
  return { plan: (res.queryPlanner?.Plan ?? []) as string[], pushed: res.filterPushdown === true };
}

function label(filter: Document): string {
  return JSON.stringify(filter, (_, v: unknown) =>
    typeof v === 'string' ? JSON.stringify(v).slice(1, -1) : v,
  );
}

describe('FerretDB indexed filter pushdown (patch 0003, integration)', () => {
  const repoRoot = findRepoRoot(__dirname);
  const workDir = path.join(repoRoot, '.data', `pushdown-spec-${process.pid}`);
  const logFile = path.join(workDir, 'ferretdb.log');
  let ferretDb: EmbeddedFerretDb;
  let client: MongoClient;
  let db: Db;

  /** Runs `op` on the probe collection with the filter, and on its twin with the never pushed-down `$and: [filter]`. */
  async function both<T>(
    filter: Document,
    op: (c: Collection, f: Document) => Promise<T>,
  ): Promise<[pushed: T, reference: T]> {
    const pushed = await op(db.collection(COLL), filter);
    const reference = await op(db.collection(REF), { $and: [filter] });
    return [pushed, reference];
  }

  beforeAll(async () => {
    ensureFerretDbInstalled(repoRoot);
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    ferretDb = await startEmbeddedFerretDb({
      dataDir: path.join(workDir, 'data'),
      repoRoot,
      logLevel: 'debug',
      logFile,
    });
    client = await new MongoClient(ferretDb.uri).connect();
    db = client.db(DB);
    for (const name of [COLL, REF]) {
      const c = db.collection(name);
      await c.createIndex({ workerId: 1, labId: 1 }, { name: 'worker_lab' });
      await c.createIndex({ due: 1 }, { name: 'due' });
      await c.createIndex({ dead: 1 }, { name: 'dead' });
      // `->"rowid"` is SQLite's rowid, not the field: this index never holds the field, and must not be used.
      await c.createIndex({ rowid: 1 }, { name: 'rowid_field' });
      await c.createIndex({ 'a.b': 1 }, { name: 'nested' });
      await c.insertMany(seedDocuments());
    }
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await ferretDb?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('pushes down exactly the conditions it can answer from an index, and never a top-level $and', async () => {
    const wrong: string[] = [];
    for (const { filter, pushed: expected } of probes()) {
      const { plan, pushed } = await explainFind(db, COLL, filter);
      const usesIndex = plan.some((line) => /SEARCH \S+ USING INDEX/.test(line));
      if (pushed !== expected || usesIndex !== expected) {
        wrong.push(
          `${label(filter)}: expected pushed=${expected}, got pushed=${pushed}, plan ${plan.join(' | ')}`,
        );
      }
      const reference = await explainFind(db, REF, { $and: [filter] });
      if (
        reference.pushed ||
        reference.plan.join() !== `id=2 parent=0 notused=0 detail=SCAN ${await tableOf(REF)}`
      ) {
        wrong.push(`$and: [${label(filter)}] is pushed down: plan ${reference.plan.join(' | ')}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  async function tableOf(collection: string): Promise<string> {
    const { plan } = await explainFind(db, collection, {});
    return /SCAN (\S+)/.exec(plan.join())![1];
  }

  it('finds, counts, distincts and aggregates the same documents, in the same order, as without pushdown', async () => {
    const differences: string[] = [];
    for (const { filter } of probes()) {
      const [foundA, foundB] = await both(filter, (c, f) => c.find(f).toArray());
      const [countA, countB] = await both(filter, (c, f) => c.countDocuments(f));
      const [labsA, labsB] = await both(filter, (c, f) => c.distinct('labId', f));
      const [aggA, aggB] = await both(filter, (c, f) =>
        c.aggregate([{ $match: f }, { $project: { _id: 1 } }]).toArray(),
      );
      const [oneA, oneB] = await both(filter, (c, f) => c.findOne(f));
      try {
        expect(foundA).toEqual(foundB);
        expect(countA).toBe(countB);
        expect(labsA).toEqual(labsB);
        expect(aggA).toEqual(aggB);
        expect(oneA).toEqual(oneB);
      } catch {
        differences.push(
          `${label(filter)}: pushed ${foundA.map((d) => d._id).join(',')} (count ${countA}), ` +
            `reference ${foundB.map((d) => d._id).join(',')} (count ${countB})`,
        );
      }
    }
    expect(differences).toEqual([]);
  });

  it('the seed and the probes cover matches of every kind (the comparison above is not vacuous)', async () => {
    const c = db.collection(REF);
    const ids = async (filter: Document): Promise<unknown[]> =>
      (await c.find({ $and: [filter] }).toArray()).map((d) => d.workerId);
    // The value itself and arrays holding it; natural order is not _id order.
    expect(await ids({ workerId: 'w1' })).toEqual([
      ['w1', null],
      ['w1', 'w2'],
      'w1',
      ['w1', null],
      ['w1', 'w2'],
      'w1',
    ]);
    expect(await c.countDocuments({ $and: [{ workerId: OID }] })).toBe(4);
    expect(await c.countDocuments({ $and: [{ workerId: true }] })).toBe(4);
    expect(await c.countDocuments({ $and: [{ due: { $lte: new Date(T0.getTime() + 1) } }] })).toBeGreaterThan(
      4,
    );
    expect(await c.countDocuments({ $and: [{ due: { $ne: null } }] })).toBeGreaterThan(10);
    expect(await c.countDocuments({ $and: [{ rowid: 'r' }] })).toBeGreaterThan(0);
    expect(await c.countDocuments({ $and: [{ dead: true }] })).toBeGreaterThan(2);
  });

  it('refuses an array _id on every write (the _id clause keeps no arrays: it relies on this)', async () => {
    const c = db.collection(COLL);
    await expect(c.insertOne({ _id: ['x'] as never })).rejects.toThrow(/_id/);
    await expect(c.replaceOne({ _id: 'nope' as never }, { _id: ['x'] }, { upsert: true })).rejects.toThrow(
      /_id/,
    );
    await expect(
      c.updateOne({ _id: 'nope' as never }, { $set: { _id: ['x'] } }, { upsert: true }),
    ).rejects.toThrow();
    await expect(c.findOneAndUpdate({ _id: 'd000' as never }, { $set: { _id: ['x'] } })).rejects.toThrow();
    expect(await c.countDocuments({ $and: [{ _id: { $type: 'array' } }] })).toBe(0);
  });

  it('runs SQL that SQLite answers from the expression index (EXPLAIN QUERY PLAN with node:sqlite)', async () => {
    const comment = `probe-${Date.now()}`;
    const filter = { workerId: 'w2', state: 'b' };
    const found = await db.collection(COLL).find(filter, { comment }).toArray();
    expect(found.length).toBeGreaterThan(0);
    expect(found).toEqual(
      await db
        .collection(REF)
        .find({ $and: [filter] })
        .toArray(),
    );

    // fsql logs `>>> <SQL>\t{"args":[...]}` at debug level; the comment is in the SQL.
    const line = readFileSync(logFile, 'utf8')
      .split('\n')
      .find((l) => l.includes(`>>> SELECT /* ${comment} */`));
    expect(line).toBeDefined();
    const [message, fields] = line!.split('\t').slice(3);
    const sql = message.slice('>>> '.length);
    const args = (JSON.parse(fields) as { args: string[] }).args;
    const table = await tableOf(COLL);
    const expr = '_ferretdb_sjson->"workerId"';
    expect(sql).toBe(
      `SELECT /* ${comment} */ _ferretdb_sjson FROM "${table}" ` +
        `WHERE (${expr} = json(?) OR (${expr} >= '[' AND ${expr} < '\\')) ORDER BY rowid`,
    );
    expect(args).toEqual(['"w2"']);

    // FerretDB's SQLite accepts double-quoted strings ("workerId" is a string, not a column); node's needs it asked.
    const file = new DatabaseSync(path.join(ferretDb.dataDir, `${DB}.sqlite`), {
      readOnly: true,
      enableDoubleQuotedStringLiterals: true,
    });
    try {
      const indexSql = file
        .prepare(`SELECT sql FROM sqlite_master WHERE name = ?`)
        .get(`${table}_worker_lab`) as {
        sql: string;
      };
      expect(indexSql.sql).toBe(
        `CREATE INDEX "${table}_worker_lab" ON "${table}" (_ferretdb_sjson->"workerId", _ferretdb_sjson->"labId")`,
      );
      const plan = (query: string, ...params: string[]): string[] =>
        (file.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...params) as { detail: string }[]).map(
          (r) => r.detail,
        );

      const pushedPlan = plan(sql, ...args);
      console.log(`EXPLAIN QUERY PLAN ${sql}\n  ${pushedPlan.join('\n  ')}`);
      expect(pushedPlan).toContain(`SEARCH ${table} USING INDEX ${table}_worker_lab (<expr>=?)`);
      expect(pushedPlan).toContain(`SEARCH ${table} USING INDEX ${table}_worker_lab (<expr>>? AND <expr><?)`);
      expect(pushedPlan.filter((l) => l.startsWith('SCAN'))).toEqual([]);
      // The same condition spelled another way misses the index: the spelling is what makes it work.
      expect(
        plan(
          `SELECT _ferretdb_sjson FROM "${table}" WHERE json_extract(_ferretdb_sjson, '$.workerId') = ?`,
          'w2',
        ),
      ).toEqual([`SCAN ${table}`]);
    } finally {
      file.close();
    }
  });

  it('updates, deletes and findAndModifys the same documents as without pushdown', async () => {
    const list = probes();
    for (const [i, { filter }] of list.entries()) {
      await both(filter, (c, f) => c.updateMany(f, { $set: { [`many${i}`]: true } }));
      await both(filter, (c, f) => c.updateOne(f, { $set: { [`one${i}`]: true } }));
      await both(filter, (c, f) => c.findOneAndUpdate(f, { $inc: { hits: 1 } }));
    }
    const all = (name: string): Promise<Document[]> => db.collection(name).find({}).toArray();
    const [afterUpdatesA, afterUpdatesB] = [await all(COLL), await all(REF)];
    expect(afterUpdatesA).toEqual(afterUpdatesB);
    expect(afterUpdatesA.filter((d) => d.one0 === true)).toHaveLength(1);

    for (const { filter } of list.filter((p) => p.pushed).slice(0, 12)) {
      await both(filter, (c, f) => c.deleteOne(f));
      await both(filter, (c, f) => c.findOneAndDelete({ $and: [f, { state: 'b' }] }));
      await both({ ...filter, state: 'a' }, (c, f) => c.findOneAndDelete(f));
    }
    await both({ due: { $lte: new Date(T0.getTime() + 1) } }, (c, f) => c.deleteMany(f));
    const [afterDeletesA, afterDeletesB] = [await all(COLL), await all(REF)];
    expect(afterDeletesA).toEqual(afterDeletesB);
    expect(afterDeletesA.length).toBeLessThan(afterUpdatesA.length - 12);
  });

  describe('hot paths on the real schemas', () => {
    let connection: Connection;

    /** Collection name -> schema; the indexes are the schemas' own (created here, as autoIndex does). */
    const schemas: Record<string, Schema> = {
      lab_records: LabRecordSchema,
      outbox_claims: OutboxClaimSchema,
      reconcile_leases: ReconcileLeaseSchema,
      reconcile_lease_claims: ReconcileLeaseClaimSchema,
      worker_sync_states: WorkerSyncStateSchema,
      reconciliation_runs: ReconciliationRunSchema,
      audit_events: AuditEventSchema,
    };

    beforeAll(async () => {
      connection = await mongoose.createConnection(`${ferretDb.uri}hotpaths`).asPromise();
      for (const [name, schema] of Object.entries(schemas)) {
        const model = connection.model(name, schema.clone(), name);
        await model.createCollection();
        await model.createIndexes();
      }
    });

    afterAll(async () => {
      await connection?.close();
    });

    const now = new Date();
    /**
     * The filters the repositories send (libs/labs/src/infrastructure/persistence/mongo, libs/common/src/persistence,
     * apps/audit/src/infrastructure/persistence/mongo), as Mongoose casts them.
     */
    const indexed: [collection: string, index: string, query: string, filter: Document][] = [
      ['lab_records', 'lab_worker_lab', 'findByWorker', { workerId: 'w' }],
      [
        'lab_records',
        'lab_worker_lab',
        'findPendingOrphans',
        { workerId: 'w', removal: null, pendingOrphan: { $ne: null } },
      ],
      [
        'lab_records',
        'lab_worker_lab',
        'page',
        {
          workerId: 'w',
          removal: null,
          labId: { $gt: 'l' },
          state: 's',
          $or: [{ owner: 'o' }, { ownerUsername: 'o' }],
        },
      ],
      [
        'lab_records',
        'lab_worker_lab',
        'removeAllForWorker',
        { workerId: 'w', $or: [{ removal: null }, { outboxDue: null, outboxHasDead: { $ne: true } }] },
      ],
      [
        'lab_records',
        'lab_worker_lab',
        'findRemoved (removed=true)',
        { workerId: 'w', removal: { $ne: null } },
      ],
      ['lab_records', '_id_', 'findOne, outbox findByRecordId and updates by _id', { _id: 'w:l' }],
      ['lab_records', '_id_', 'findForDelete, saveDeletion', { _id: 'w:l', removal: null }],
      ['lab_records', '_id_', 'clearDeleteIntent', { _id: 'w:l', 'deleteIntent.at': now }],
      [
        'lab_records',
        '_id_',
        'saveChanges (bulk updateOne)',
        { _id: 'w:l', version: 3, removal: null, fence: { $lte: 7 } },
      ],
      ['lab_records', '_id_', 'saveChanges (lost races)', { _id: { $in: ['w:l1', 'w:l2'] }, writeId: 'x' }],
      ['lab_records', 'lab_outbox_due', 'outbox findDue (relay sweep)', { outboxDue: { $lte: now } }],
      ['lab_records', 'lab_outbox_due', 'outbox count/list pending (metrics)', { outboxDue: { $ne: null } }],
      ['lab_records', 'lab_outbox_dead', 'outbox count/list dead (metrics)', { outboxHasDead: true }],
      ['lab_records', 'lab_removed_at', 'outbox purgeTombstones (hourly)', purgeableTombstones(now)],
      ['lab_records', 'lab_outbox_dead', 'outbox findByEventId, retry (a dead event)', deadEventFilter('e')],
      ['outbox_claims', '_id_', 'outbox claims: held, release', { _id: 'k' }],
      ['outbox_claims', '_id_', 'outbox claims: take over', { _id: 'k', at: now }],
      ['reconcile_leases', '_id_', 'acquire (read)', { _id: 'w' }],
      ['reconcile_leases', '_id_', 'acquire (write)', { _id: 'w', epoch: { $lt: 4 } }],
      [
        'reconcile_leases',
        '_id_',
        'renew, release',
        { _id: 'w', holder: 'h', epoch: 4, expiresAt: { $gt: now } },
      ],
      [
        'reconcile_leases',
        'lease_holder',
        'releaseAllHeldBy',
        { holder: 'h', expiresAt: { $gt: new Date(0) } },
      ],
      ['reconcile_lease_claims', '_id_', 'lease claims: held', { _id: 'w#4' }],
      [
        'reconcile_lease_claims',
        'claim_worker_epoch',
        'acquire, every 50th epoch: old claims',
        { workerId: 'w', epoch: { $lt: 40 } },
      ],
      ['worker_sync_states', '_id_', 'find, record, remove', { _id: 'w' }],
      ['worker_sync_states', '_id_', 'findMany', { _id: { $in: ['w1', 'w2'] } }],
      [
        'audit_events',
        'workerId_1_labId_1_time_-1__id_-1',
        'audit find by worker',
        { workerId: 'w', labId: 'l', type: 't', time: { $gte: now } },
      ],
      ['audit_events', 'labId_1_time_-1__id_-1', 'audit find by lab', { labId: 'l', time: { $gte: now } }],
      ['audit_events', 'type_1_time_-1__id_-1', 'audit find by type', { type: 't' }],
      ['audit_events', 'owner_1_time_-1__id_-1', 'audit find by owner', { owner: 'alice' }],
      ['audit_events', 'deletedBy_1_time_-1__id_-1', 'audit find by deleter', { deletedBy: 'bob' }],
    ];

    it.each(indexed)('%s: %s answers %s from an index', async (collection, index, _query, filter) => {
      const { plan } = await explainFind(connection.db as unknown as Db, collection, filter);
      expect(plan.join('\n')).toMatch(
        new RegExp(`SEARCH (\\S+) USING INDEX \\1_${index.replace(/-/g, '\\-')} `),
      );
      expect(plan.filter((l) => /detail=SCAN /.test(l))).toEqual([]);
    });

    /** Known full scans, with why: see the README's FerretDB section. */
    const scans: [collection: string, query: string, filter: Document][] = [
      [
        'lab_records',
        'outbox findByEventId of an event with no dead delivery (a dotted path)',
        { 'removal.event.eventId': 'e' },
      ],
      [
        'lab_records',
        'RemovedAtBackfill (once per database, before the first purge)',
        { removal: { $ne: null }, removedAt: { $exists: false } },
      ],
      ['outbox_claims', 'outbox purge of claims (hourly: no index on at)', { at: { $lt: now } }],
      ['reconciliation_runs', 'list (no filter)', {}],
      ['audit_events', 'audit find without a filter', {}],
    ];

    it.each(scans)('%s: %s reads the whole collection', async (collection, _query, filter) => {
      const { plan } = await explainFind(connection.db as unknown as Db, collection, filter);
      expect(plan.filter((l) => /detail=SCAN /.test(l))).toHaveLength(1);
      expect(plan.join('\n')).not.toMatch(/USING INDEX/);
    });

    it('the tombstone purge reads only the tombstones (rows of the SQL FerretDB ran, counted with node:sqlite)', async () => {
      const records = connection.db!.collection<Document>('lab_records');
      const t = new Date('2026-01-01T00:00:00.000Z');
      const at = (i: number) => new Date(t.getTime() + i);
      await records.insertMany([
        ...Array.from({ length: 40 }, (_, i) => ({
          _id: `w:live-${i}`,
          workerId: 'w',
          removal: null,
          removedAt: null,
          outboxDue: i % 4 === 0 ? t : null,
        })),
        // Live records stored before removedAt existed.
        ...Array.from({ length: 4 }, (_, i) => ({
          _id: `w:old-${i}`,
          workerId: 'w',
          removal: null,
          outboxDue: null,
        })),
        ...Array.from({ length: 6 }, (_, i) => ({
          _id: `w:gone-${i}`,
          workerId: 'w',
          removal: { kind: 'deleted', at: at(i) },
          removedAt: at(i),
          outboxDue: i === 0 ? t : null,
          ...(i === 1 ? { outboxHasDead: true } : {}),
        })),
      ] as Document[]);
      const file = new DatabaseSync(path.join(ferretDb.dataDir, 'hotpaths.sqlite'), {
        readOnly: true,
        enableDoubleQuotedStringLiterals: true,
      });
      /** What the filter finds, and how many rows FerretDB read and decoded for it (the rows its SELECT gives). */
      const rowsOf = async (filter: Document): Promise<{ found: number; read: number }> => {
        const comment = `rows-${filter.removedAt ? 'removedAt' : 'removal.at'}-${Date.now()}`;
        const found = await records.find(filter, { comment }).toArray();
        // FerretDB's output reaches the log file through this process's pipe: it may lag the answer a little.
        let line: string | undefined;
        for (let wait = 0; !line && wait < 50; wait++) {
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, 100));
          line = readFileSync(logFile, 'utf8')
            .split('\n')
            .find((l) => l.includes(`>>> SELECT /* ${comment} */`));
        }
        expect(line).toBeDefined();
        const [message, fields] = line!.split('\t').slice(3);
        const args = (JSON.parse(fields) as { args: string[] | null }).args ?? [];
        return { found: found.length, read: file.prepare(message.slice('>>> '.length)).all(...args).length };
      };
      try {
        const before = at(1_000);
        expect(await rowsOf(purgeableTombstones(before))).toEqual({ found: 4, read: 6 });
        // The purge's filter before removedAt: the same answer, from every record of every worker.
        const removalAt = { removal: { $ne: null }, 'removal.at': { $lt: before } };
        expect(await rowsOf({ ...removalAt, outboxDue: null, outboxHasDead: { $ne: true } })).toEqual({
          found: 4,
          read: 50,
        });
      } finally {
        file.close();
        await records.deleteMany({});
      }
    });
  });
});
