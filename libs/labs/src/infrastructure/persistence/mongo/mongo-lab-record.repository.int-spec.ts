import mongoose, { Connection } from 'mongoose';
import { testDatabaseUri } from '../../../../../../test/support/test-database';
import { CmlLabSnapshot } from '../../../domain/cml-lab-snapshot';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { planLabSync } from '../../../domain/lab-sync-plan';
import { LabRecordDocument, LabRecordSchema } from './lab-record.schema';
import { MongoLabRecordRepository } from './mongo-lab-record.repository';

const W = '6f1c1b8e-2a44-4a4e-8d0b-3b9f4f1d2c01';
const OTHER = '9d0e7c55-1111-4a4e-8d0b-3b9f4f1d2c02';
/** The worker of the refused-write test, apart so the counts of the others stay theirs. */
const REFUSING = '2b7d3a90-3333-4a4e-8d0b-3b9f4f1d2c03';
const t0 = new Date('2026-01-01T00:00:00Z');

function snap(i: number, over: Partial<CmlLabSnapshot> = {}): CmlLabSnapshot {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    state: i % 3 === 0 ? 'STARTED' : 'STOPPED',
    created: '2025-12-01T10:00:00Z',
    modified: '2025-12-02T10:00:00Z',
    title: `Lab ${i}`,
    description: 'd',
    notes: '',
    owner: i % 2 === 0 ? 'u-alice' : 'u-bob',
    ownerUsername: i % 2 === 0 ? 'alice' : 'bob',
    ownerFullname: '',
    nodeCount: i % 7,
    linkCount: 1,
    groups: [],
    ...over,
  };
}

describe('MongoLabRecordRepository (real FerretDB)', () => {
  let connection: Connection;
  let repo: MongoLabRecordRepository;
  const commands: string[] = [];

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(testDatabaseUri('lab_repo'), { monitorCommands: true })
      .asPromise();
    connection.getClient().on('commandStarted', (e) => commands.push(e.commandName));
    const model = connection.model<LabRecordDocument>(LabRecordDocument.name, LabRecordSchema);
    await model.init();
    repo = new MongoLabRecordRepository(model);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  const snapshots = Array.from({ length: 1000 }, (_, i) => snap(i));

  it('stores a delete intent on a live record in one findAndModify, keeps it through a Phase 2 update, and the tombstone clears it', async () => {
    const DELETER = '5c4b3a21-4444-4a4e-8d0b-3b9f4f1d2c04';
    const live = LabRecord.discovered(DELETER, snap(1), t0);
    const gone = LabRecord.discovered(DELETER, snap(2), t0);
    await repo.saveChanges([live, gone], []);
    gone.markDeleted({ deletedBy: 'x', alreadyAbsentInCml: false, now: t0 });
    expect(await repo.saveDeletion(gone, false)).toBe(true);
    const intent = {
      workerId: DELETER,
      labId: live.labId,
      by: 'alice',
      byUsername: 'alice.k',
      at: t0,
      force: true,
      traceparent: '00-abc-def-01',
    };

    commands.length = 0;
    const found = await repo.findForDelete(intent);
    expect(commands).toEqual(['findAndModify']);
    expect(found?.deleteIntent).toEqual(intent);
    expect((await repo.findForDelete({ ...intent, labId: gone.labId }))?.deleteIntent).toBeNull();
    expect(await repo.findForDelete({ ...intent, labId: '00000000-0000-4000-8000-999999999999' })).toBeNull();

    // Phase 2 read the record before the intent was stored; its update must not erase it.
    const read = (await repo.findByWorker(DELETER)).find((r) => r.labId === live.labId)!;
    const stale = LabRecord.restore({ ...read.toProps(), deleteIntent: null });
    stale.syncWith({ ...snap(1), title: 'renamed' }, t0);
    await repo.saveChanges([], [{ record: stale, expectedVersion: stale.version }]);
    const after = await repo.findOne(DELETER, live.labId);
    expect(after?.toProps().title).toBe('renamed');
    expect(after?.deleteIntent).toEqual(intent);

    await repo.clearDeleteIntent({ ...intent, at: new Date(t0.getTime() + 1) });
    expect((await repo.findOne(DELETER, live.labId))?.deleteIntent).toEqual(intent);
    after!.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: t0 });
    expect(await repo.saveDeletion(after!, false)).toBe(true);
    expect((await repo.findOne(DELETER, live.labId))?.deleteIntent).toBeNull();
    await repo.removeAllForWorker(DELETER);
  });

  it('writes 1,000 new labs in one bulk command, and a second sync writes nothing', async () => {
    const first = planLabSync(W, await repo.findByWorker(W), snapshots, t0);
    commands.length = 0;
    const result = await repo.saveChanges(first.toCreate, first.toUpdate);
    expect(result).toEqual({ created: 1000, updated: 0, conflicts: [], refused: [] });
    expect(commands).toEqual(['insert']);

    commands.length = 0;
    const existing = await repo.findByWorker(W);
    expect(existing).toHaveLength(1000);
    expect(commands).toEqual(['find']);

    const second = planLabSync(W, existing, snapshots, new Date());
    expect(second.unchanged).toBe(1000);
    commands.length = 0;
    expect(await repo.saveChanges(second.toCreate, second.toUpdate)).toEqual({
      created: 0,
      updated: 0,
      conflicts: [],
      refused: [],
    });
    expect(commands).toEqual([]);
  });

  it('updates 150 changed labs in one bulk update (the FerretDB bulk-update fix) with version checks', async () => {
    const changed = snapshots.map((s, i) => (i < 150 ? { ...s, title: `${s.title} v2` } : s));
    const plan = planLabSync(W, await repo.findByWorker(W), changed, new Date());
    expect(plan.toUpdate).toHaveLength(150);
    commands.length = 0;
    const result = await repo.saveChanges([], plan.toUpdate);
    expect(result).toEqual({ created: 0, updated: 150, conflicts: [], refused: [] });
    expect(commands).toEqual(['update']);
    const one = await repo.findOne(W, snapshots[0].id);
    expect(one?.toProps()).toMatchObject({ title: 'Lab 0 v2', version: 1 });
  });

  it('reports lost races instead of overwriting: stale version and concurrent create', async () => {
    const [record] = await repo.findByWorker(W);
    const stale = LabRecord.restore({ ...record.toProps() });
    // Somebody else writes first.
    const mine = LabRecord.restore({ ...record.toProps() });
    mine.syncWith({ ...snap(0), id: record.labId, title: 'writer A' }, new Date());
    expect(await repo.saveChanges([], [{ record: mine, expectedVersion: record.version }])).toMatchObject({
      updated: 1,
    });
    stale.syncWith({ ...snap(0), id: record.labId, title: 'writer B' }, new Date());
    const lost = await repo.saveChanges([], [{ record: stale, expectedVersion: record.version }]);
    expect(lost).toEqual({ created: 0, updated: 0, conflicts: [record.labId], refused: [] });
    expect((await repo.findOne(W, record.labId))?.toProps().title).toBe('writer A');

    const duplicate = LabRecord.discovered(W, snap(1), new Date());
    const fresh = LabRecord.discovered(W, snap(5000), new Date());
    const mixed = await repo.saveChanges([duplicate, fresh], []);
    expect(mixed.created).toBe(1);
    expect(mixed.conflicts).toEqual([duplicate.labId]);
  });

  it('isolates a record the database refuses: the other records of the bulk are written, the refusal reported', async () => {
    const base = 5000;
    const fine = [snap(base + 1), snap(base + 2)];
    // Keys starting with `$` are refused by MongoDB and FerretDB alike.
    const refusedNew = snap(base + 3, { groups: [{ $where: 'sleep(100)' }] });
    const existing = LabRecord.discovered(REFUSING, snap(base + 4), t0);
    expect(await repo.saveChanges([existing], [])).toMatchObject({ created: 1, refused: [] });
    const stored = (await repo.findOne(REFUSING, existing.labId))!;
    const expectedVersion = stored.version;
    stored.syncWith(snap(base + 4, { title: 'changed', groups: [{ 'bad.key': { $gt: '' } }] }), t0);

    const result = await repo.saveChanges(
      [
        ...fine.map((s) => LabRecord.discovered(REFUSING, s, t0)),
        LabRecord.discovered(REFUSING, refusedNew, t0),
      ],
      [{ record: stored, expectedVersion }],
    );

    expect(result.created).toBe(2);
    expect(result.conflicts).toEqual([]);
    expect(result.refused.map((r) => r.labId).sort()).toEqual([refusedNew.id, existing.labId].sort());
    for (const r of result.refused) expect(r.error.length).toBeGreaterThan(0);
    for (const s of fine) expect(await repo.findOne(REFUSING, s.id)).not.toBeNull();
    expect(await repo.findOne(REFUSING, refusedNew.id)).toBeNull();
    expect((await repo.findOne(REFUSING, existing.labId))!.title).toBe(existing.title);
  });

  it('refuses an update the schema cannot cast for that record only; the others are written', async () => {
    const worker = '7e3a9c21-5555-4a4e-8d0b-3b9f4f1d2c05';
    const records = Array.from({ length: 3 }, (_, i) => LabRecord.discovered(worker, snap(8000 + i), t0));
    await repo.saveChanges(records, []);
    const stored = await Promise.all(records.map(async (r) => (await repo.findOne(worker, r.labId))!));
    // Mongoose does not send an update whose number is NaN (its cast fails): the bulk is sent without it.
    stored.forEach((r, i) =>
      r.syncWith(snap(8000 + i, { title: 'changed', ...(i === 1 ? { nodeCount: Number.NaN } : {}) }), t0),
    );

    const result = await repo.saveChanges(
      [],
      stored.map((record) => ({ record, expectedVersion: 0 })),
    );

    expect(result).toMatchObject({ updated: 2, conflicts: [] });
    expect(result.refused.map((r) => r.labId)).toEqual([stored[1].labId]);
    expect(result.refused[0].error).toMatch(/nodeCount/);
    const titles = await Promise.all(stored.map(async (r) => (await repo.findOne(worker, r.labId))!.title));
    expect(titles).toEqual(['changed', 'Lab 8001', 'changed']);
  });

  it('reads only the pending orphans of a worker, not its other records', async () => {
    const worker = '4c8e5f10-4444-4a4e-8d0b-3b9f4f1d2c04';
    const records = Array.from({ length: 50 }, (_, i) => LabRecord.discovered(worker, snap(7000 + i), t0));
    await repo.saveChanges(records, []);
    const pending = (await Promise.all(records.slice(0, 3).map((r) => repo.findOne(worker, r.labId))))!;
    for (const r of pending) r!.markPendingOrphan(t0);
    await repo.saveChanges(
      [],
      pending.map((r) => ({ record: r!, expectedVersion: 0 })),
    );
    const returned: number[] = [];
    const listener = (e: { commandName: string; reply: { cursor?: { firstBatch?: unknown[] } } }) => {
      if (e.commandName === 'find') returned.push(e.reply.cursor?.firstBatch?.length ?? 0);
    };
    connection.getClient().on('commandSucceeded', listener);
    const found = await repo.findPendingOrphans(worker);
    connection.getClient().off('commandSucceeded', listener);

    expect(found.map((r) => r.labId).sort()).toEqual(pending.map((r) => r!.labId).sort());
    expect(returned).toEqual([3]);
  });

  it('pages one worker by lab id with state and owner filters', async () => {
    await repo.saveChanges([LabRecord.discovered(OTHER, snap(1), t0)], []);
    const page1 = await repo.page(W, { limit: 10 });
    expect(page1.items).toHaveLength(10);
    expect(page1.items.every((r) => r.workerId === W)).toBe(true);
    const page2 = await repo.page(W, { limit: 10, afterLabId: page1.nextCursor! });
    expect(page2.items[0].labId > page1.items[9].labId).toBe(true);
    const started = await repo.page(W, { limit: 1000, state: 'STARTED', owner: 'alice' });
    expect(started.items.length).toBeGreaterThan(0);
    expect(
      started.items.every((r) => r.toProps().state === 'STARTED' && r.toProps().ownerUsername === 'alice'),
    ).toBe(true);
    const byOwnerId = await repo.page(W, { limit: 1000, owner: 'u-bob' });
    expect(byOwnerId.items.every((r) => r.toProps().ownerUsername === 'bob')).toBe(true);
  });

  it('removes all records of one worker only', async () => {
    const removed = await repo.removeAllForWorker(W);
    expect(removed).toBe(1001);
    expect(await repo.findByWorker(W)).toEqual([]);
    expect(await repo.findByWorker(OTHER)).toHaveLength(1);
  });
});
