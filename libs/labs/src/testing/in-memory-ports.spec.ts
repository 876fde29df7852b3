/**
 * The in-memory ports keep the contracts the Mongo implementations keep: the cases of their
 * integration specs (mongo-*.int-spec.ts), without a database, so that a handler spec over them
 * tells the truth about the handler.
 */
import { LabRecord } from '../domain/lab-record.aggregate';
import { planLabSync } from '../domain/lab-sync-plan';
import { InMemoryLabEventOutbox } from './in-memory-lab-event-outbox';
import { InMemoryLabRecordRepository } from './in-memory-lab-record.repository';
import { InMemoryReconcileLeaseRepository } from './in-memory-reconcile-lease.repository';
import { InMemoryReconciliationRunRepository } from './in-memory-reconciliation-run.repository';
import { plainLabSnapshot } from './plain-lab-snapshot.fixture';
import { aReconcileSummary } from './reconcile-summary.fixture';
import { storeRemovedLab } from './removed-lab.fixture';

const W = '6f1c1b8e-2a44-4a4e-8d0b-3b9f4f1d2c01';
const OTHER = '9d0e7c55-1111-4a4e-8d0b-3b9f4f1d2c02';
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const SINKS = ['http://sink-a.test/', 'http://sink-b.test/'];

describe('InMemoryLabRecordRepository', () => {
  let repo: InMemoryLabRecordRepository;
  beforeEach(() => (repo = new InMemoryLabRecordRepository(SINKS)));

  const discovered = (i: number, workerId = W) => LabRecord.discovered(workerId, plainLabSnapshot(i), t0);

  it('creates, then updates only at the expected version, bumping the stored one', async () => {
    const plan = planLabSync(W, [], [plainLabSnapshot(1), plainLabSnapshot(2)], t0);
    expect(await repo.saveChanges(plan.toCreate, plan.toUpdate)).toEqual({
      created: 2,
      updated: 0,
      conflicts: [],
      refused: [],
    });
    const stored = (await repo.findOne(W, plainLabSnapshot(1).id))!;
    const stale = LabRecord.restore(stored.toProps());
    stored.syncWith({ ...plainLabSnapshot(1), title: 'writer A' }, at(1));
    expect(await repo.saveChanges([], [{ record: stored, expectedVersion: 0 }])).toMatchObject({
      updated: 1,
    });
    stale.syncWith({ ...plainLabSnapshot(1), title: 'writer B' }, at(2));
    expect(await repo.saveChanges([], [{ record: stale, expectedVersion: 0 }])).toEqual({
      created: 0,
      updated: 0,
      conflicts: [stale.labId],
      refused: [],
    });
    expect((await repo.findOne(W, stale.labId))!.toProps()).toMatchObject({ title: 'writer A', version: 1 });
  });

  it('reports a create of a taken id as a conflict, and writes the rest of the bulk', async () => {
    await repo.saveChanges([discovered(1)], []);
    const result = await repo.saveChanges([discovered(1), discovered(2)], []);
    expect(result).toMatchObject({ created: 1, conflicts: [plainLabSnapshot(1).id] });
  });

  it('refuses a document with a `$` key alone, and writes the others', async () => {
    const bad = LabRecord.discovered(W, { ...plainLabSnapshot(3), groups: [{ $where: 'x' }] }, t0);
    const result = await repo.saveChanges([discovered(1), bad], []);
    expect(result.created).toBe(1);
    expect(result.refused.map((r) => r.labId)).toEqual([bad.labId]);
    expect(await repo.findOne(W, bad.labId)).toBeNull();
  });

  it('refuses an update whose count is not a number for that record only, as the Mongoose cast does', async () => {
    await repo.saveChanges([discovered(1), discovered(2)], []);
    const [a, b] = await Promise.all(
      [1, 2].map(async (i) => (await repo.findOne(W, plainLabSnapshot(i).id))!),
    );
    a.syncWith({ ...plainLabSnapshot(1), title: 'changed' }, at(1));
    b.syncWith({ ...plainLabSnapshot(2), title: 'changed', nodeCount: Number.NaN }, at(1));
    const result = await repo.saveChanges(
      [],
      [a, b].map((record) => ({ record, expectedVersion: 0 })),
    );
    expect(result).toMatchObject({ updated: 1, conflicts: [] });
    expect(result.refused.map((r) => [r.labId, /nodeCount/.test(r.error)])).toEqual([[b.labId, true]]);
    expect((await repo.findOne(W, b.labId))!.title).toBe('Lab 2');
  });

  it('never writes over a tombstone, nor over a record a newer fence wrote', async () => {
    await repo.saveChanges([discovered(1), discovered(2)], [], 5);
    const fenced = (await repo.findOne(W, plainLabSnapshot(1).id))!;
    fenced.markPendingOrphan(at(1));
    expect(await repo.saveChanges([], [{ record: fenced, expectedVersion: 0 }], 4)).toMatchObject({
      conflicts: [fenced.labId],
    });
    expect(await repo.saveChanges([], [{ record: fenced, expectedVersion: 0 }], 5)).toMatchObject({
      updated: 1,
    });

    const removed = (await repo.findOne(W, plainLabSnapshot(2).id))!;
    const later = LabRecord.restore(removed.toProps());
    removed.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: at(2) });
    expect(await repo.saveDeletion(removed, false)).toBe(true);
    later.markPendingOrphan(at(3));
    expect(await repo.saveChanges([], [{ record: later, expectedVersion: 1 }])).toMatchObject({
      conflicts: [later.labId],
    });
    expect(await repo.saveDeletion(later, false)).toBe(false);
  });

  it('tombstones what is stored whatever synced since, unless removed already; a new tombstone is inserted', async () => {
    await repo.saveChanges([discovered(1)], []);
    const synced = (await repo.findOne(W, plainLabSnapshot(1).id))!;
    synced.syncWith({ ...plainLabSnapshot(1), title: 'renamed' }, at(1));
    await repo.saveChanges([], [{ record: synced, expectedVersion: 0 }]);

    const seenBefore = discovered(1);
    seenBefore.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: at(2) });
    expect(await repo.saveDeletion(seenBefore, true)).toBe(true);
    const stored = (await repo.findOne(W, seenBefore.labId))!;
    expect(stored.toProps()).toMatchObject({ title: 'renamed', version: 2, pendingOrphan: null });
    expect(stored.removal?.event.eventId).toBe(seenBefore.removal!.event.eventId);

    const fresh = discovered(9);
    fresh.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: true, now: at(3) });
    expect(await repo.saveDeletion(fresh, true)).toBe(true);
    expect((await repo.findOne(W, fresh.labId))!.isRemoved).toBe(true);
  });

  it('reads tombstones by worker and by id, never in pages or pending orphans', async () => {
    await repo.saveChanges([discovered(1), discovered(2), discovered(3, OTHER)], []);
    const orphan = (await repo.findOne(W, plainLabSnapshot(2).id))!;
    orphan.markPendingOrphan(t0);
    await repo.saveChanges([], [{ record: orphan, expectedVersion: 0 }]);
    await storeRemovedLab(repo, W, 4, t0);

    expect((await repo.findByWorker(W)).map((r) => r.labId)).toHaveLength(3);
    expect((await repo.findPendingOrphans(W)).map((r) => r.labId)).toEqual([orphan.labId]);
    expect((await repo.page(W, { limit: 10 })).items.map((r) => r.labId)).toEqual([
      plainLabSnapshot(1).id,
      plainLabSnapshot(2).id,
    ]);
    expect((await repo.findOne(W, plainLabSnapshot(4).id))!.isRemoved).toBe(true);
  });

  it('returns copies: changing what was read changes nothing stored', async () => {
    await repo.saveChanges([discovered(1)], []);
    const read = (await repo.findOne(W, plainLabSnapshot(1).id))!;
    read.markPendingOrphan(t0);
    expect((await repo.findOne(W, read.labId))!.pendingOrphan).toBeNull();
  });

  it("removes a worker's records but keeps its tombstones whose events are not settled", async () => {
    await repo.saveChanges([discovered(1), discovered(2, OTHER)], []);
    const undelivered = await storeRemovedLab(repo, W, 3, t0);
    expect(await repo.removeAllForWorker(W)).toBe(1);
    expect((await repo.findByWorker(W)).map((r) => r.labId)).toEqual([undelivered.labId]);
    expect(await repo.findByWorker(OTHER)).toHaveLength(1);
  });
});

describe('InMemoryLabEventOutbox', () => {
  let labs: InMemoryLabRecordRepository;
  let outbox: InMemoryLabEventOutbox;
  beforeEach(() => {
    labs = new InMemoryLabRecordRepository(SINKS);
    outbox = new InMemoryLabEventOutbox(labs);
  });

  it('the removing write stores one pending delivery per sink, due at once', async () => {
    const record = await storeRemovedLab(labs, W, 1, t0);
    const entry = (await outbox.findByRecordId(record.id))!;
    expect(entry.event).toEqual(record.removal!.event);
    expect(entry.deliveries.map((d) => [d.sink, d.status, d.attempts])).toEqual([
      [SINKS[0], 'pending', 0],
      [SINKS[1], 'pending', 0],
    ]);
    expect((await outbox.findDue(t0, 10)).map((e) => e.recordId)).toEqual([record.id]);
    expect(await outbox.findDue(at(-1), 10)).toEqual([]);
  });

  it('finds due entries oldest first, up to the limit', async () => {
    const newer = await storeRemovedLab(labs, W, 1, at(2));
    const older = await storeRemovedLab(labs, W, 2, at(1));
    expect((await outbox.findDue(at(5), 10)).map((e) => e.recordId)).toEqual([older.id, newer.id]);
    expect((await outbox.findDue(at(5), 1)).map((e) => e.recordId)).toEqual([older.id]);
  });

  it('lets one claim an attempt, and a claim older than its TTL be taken again', async () => {
    const wins = await Promise.all(Array.from({ length: 12 }, () => outbox.claim('evt#0#0#0', t0, 10_000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await outbox.claim('evt#0#0#0', at(5_000), 10_000)).toBe(false);
    expect(await outbox.claim('evt#0#0#0', at(11_000), 10_000)).toBe(true);
  });

  it('keeps the due time on the stored deliveries, the dead flag until a retry', async () => {
    const record = await storeRemovedLab(labs, W, 1, t0);
    const entry = (await outbox.findByRecordId(record.id))!;
    await outbox.recordAttempt(record.id, 0, { ...entry.deliveries[0], status: 'dead', attempts: 3 });
    await outbox.recordAttempt(record.id, 1, { ...entry.deliveries[1], attempts: 1, nextAttemptAt: at(500) });
    expect(await outbox.findDue(t0, 10)).toEqual([]);
    expect(await outbox.findDue(at(500), 10)).toHaveLength(1);
    expect(await outbox.count('dead')).toBe(1);

    expect(await outbox.retry(record.removal!.event.eventId, at(100))).toBe(true);
    expect(await outbox.count('dead')).toBe(0);
    expect((await outbox.findByRecordId(record.id))!.deliveries[0]).toMatchObject({
      status: 'pending',
      attempts: 0,
      replays: 1,
      nextAttemptAt: at(100),
    });
    expect(await outbox.retry('no-such-event', at(100))).toBe(false);
  });

  it('purges only settled tombstones older than the retention', async () => {
    const delivered = { status: 'delivered' as const, attempts: 1, deliveredAt: t0 };
    const settled = await storeRemovedLab(labs, W, 1, t0);
    const stillPending = await storeRemovedLab(labs, W, 2, t0);
    const withDead = await storeRemovedLab(labs, W, 3, t0);
    const recent = await storeRemovedLab(labs, W, 4, at(10_000));
    for (const record of [settled, withDead, recent]) {
      const { deliveries } = (await outbox.findByRecordId(record.id))!;
      for (const [i, d] of deliveries.entries()) {
        const dead = record === withDead && i === 1;
        await outbox.recordAttempt(record.id, i, { ...d, ...delivered, ...(dead ? { status: 'dead' } : {}) });
      }
    }
    expect(await outbox.purgeTombstones(at(5_000))).toBe(1);
    expect(await labs.findOne(W, settled.labId)).toBeNull();
    for (const kept of [stillPending, withDead, recent])
      expect(await labs.findOne(W, kept.labId)).not.toBeNull();
  });

  it('resettles an entry found due with nothing due in it', async () => {
    const record = await storeRemovedLab(labs, W, 1, t0);
    const doc = labs.documents.get(record.id)!;
    doc.deliveries = doc.deliveries.map((d) => ({ ...d, status: 'delivered' }));
    expect(await outbox.findDue(t0, 10)).toHaveLength(1);
    await outbox.resettle(record.id);
    expect(await outbox.findDue(t0, 10)).toEqual([]);
  });
});

describe('InMemoryReconcileLeaseRepository', () => {
  const TTL = 30_000;
  let repo: InMemoryReconcileLeaseRepository;
  beforeEach(() => (repo = new InMemoryReconcileLeaseRepository()));

  it('gives epoch 1 first, blocks another holder while unexpired, lets the holder re-acquire at the next epoch', async () => {
    expect(await repo.acquire('w', 'a', TTL, t0)).toEqual({
      workerId: 'w',
      holder: 'a',
      epoch: 1,
      expiresAt: at(TTL),
    });
    expect(await repo.acquire('w', 'b', TTL, at(TTL - 1))).toBeNull();
    expect(await repo.acquire('w', 'a', TTL, at(1000))).toMatchObject({
      epoch: 2,
      expiresAt: at(1000 + TTL),
    });
  });

  it('counts a takeover of an expired lease, not of a released one; a stale holder can neither renew nor release', async () => {
    const old = (await repo.acquire('w', 'a', TTL, t0))!;
    expect(await repo.renew(old, TTL, at(10_000))).toEqual({ ...old, expiresAt: at(10_000 + TTL) });
    const taken = (await repo.acquire('w', 'b', TTL, at(10_000 + TTL)))!;
    expect(taken.epoch).toBe(2);
    expect(repo.takeovers()).toBe(1);
    expect(await repo.renew(old, TTL, at(10_000 + TTL + 1))).toBeNull();
    await repo.release(old);
    expect(await repo.acquire('w', 'a', TTL, at(10_000 + TTL + 1))).toBeNull();

    await repo.release(taken);
    expect(await repo.acquire('w', 'c', TTL, at(10_000 + TTL + 2))).toMatchObject({ epoch: 3 });
    expect(repo.takeovers()).toBe(1);
  });

  it('lets exactly one of 20 concurrent acquires win', async () => {
    const winners = (
      await Promise.all(Array.from({ length: 20 }, (_, i) => repo.acquire('w', `holder-${i}`, TTL, t0)))
    ).filter((l) => l !== null);
    expect(winners).toHaveLength(1);
  });

  it('releases every lease of a holder on shutdown, once', async () => {
    await repo.acquire('w1', 'me', TTL, t0);
    await repo.acquire('w2', 'me', TTL, t0);
    await repo.acquire('w3', 'other', TTL, t0);
    expect(await repo.releaseAllHeldBy('me')).toBe(2);
    expect(await repo.releaseAllHeldBy('me')).toBe(0);
    expect(repo.stored('w1')).toMatchObject({ epoch: 1, expiresAt: new Date(0) });
  });
});

describe('InMemoryReconciliationRunRepository', () => {
  it('keeps runs newest first, appends summaries, finishes, and refuses a taken id', async () => {
    const runs = new InMemoryReconciliationRunRepository();
    const run = (id: string, startedAt: string) => ({
      id,
      trigger: 'manual' as const,
      status: 'running' as const,
      workersTotal: 1,
      workersDone: 0,
      startedAt,
      finishedAt: null,
      workers: [],
    });
    await runs.create(run('old', '2026-01-01T00:00:00Z'));
    await runs.create(run('new', '2026-01-02T00:00:00Z'));
    await expect(runs.create(run('new', '2026-01-03T00:00:00Z'))).rejects.toMatchObject({ code: 11000 });
    await runs.appendSummary('old', aReconcileSummary(W));
    await runs.finish('old', at(5), 'succeeded');
    expect((await runs.list(10)).map((r) => r.id)).toEqual(['new', 'old']);
    expect(await runs.get('old')).toMatchObject({
      status: 'succeeded',
      workersDone: 1,
      finishedAt: at(5).toISOString(),
      workers: [aReconcileSummary(W)],
    });
    expect(await runs.get('none')).toBeNull();
  });
});

describe('InMemoryLabRecordRepository delete intents', () => {
  it('stores an intent on a live record only, keeps it through Phase 2 updates, and clears it by the same time', async () => {
    const labs = new InMemoryLabRecordRepository();
    const live = LabRecord.discovered(W, plainLabSnapshot(1), t0);
    const gone = LabRecord.discovered(W, plainLabSnapshot(2), t0);
    gone.markDeleted({ deletedBy: 'x', alreadyAbsentInCml: false, now: t0 });
    labs.seed(live, gone);
    const intent = { workerId: W, labId: live.labId, by: 'alice', at: t0, force: false };

    expect((await labs.findForDelete(intent))?.deleteIntent).toEqual(intent);
    expect((await labs.findForDelete({ ...intent, labId: gone.labId }))?.deleteIntent).toBeNull();
    expect(await labs.findForDelete({ ...intent, labId: 'none' })).toBeNull();

    // A Phase 2 content update read before the intent was stored does not erase it.
    const read = LabRecord.restore({ ...live.toProps(), deleteIntent: null });
    read.syncWith({ ...plainLabSnapshot(1), title: 'renamed' }, at(1));
    await labs.saveChanges([], [{ record: read, expectedVersion: read.version }]);
    expect((await labs.findOne(W, live.labId))?.deleteIntent).toEqual(intent);

    await labs.clearDeleteIntent({ ...intent, at: at(2) });
    expect((await labs.findOne(W, live.labId))?.deleteIntent).toEqual(intent);
    await labs.clearDeleteIntent(intent);
    expect((await labs.findOne(W, live.labId))?.deleteIntent).toBeNull();
  });
});
