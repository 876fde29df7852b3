import { InvalidInputError, NotFoundError } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { FakeSecretCipher } from '@app/workers/testing/fake-secret-cipher';
import { InMemoryWorkerRepository } from '@app/workers/testing/in-memory-worker.repository';
import { aWorker } from '@app/workers/testing/worker.fixture';
import { CmlLabSnapshot } from '../../../domain/cml-lab-snapshot';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { InMemoryLabRecordRepository } from '../../../testing/in-memory-lab-record.repository';
import { InMemoryWorkerSyncStateRepository } from '../../../testing/in-memory-worker-sync-state.repository';
import { plainLabSnapshot } from '../../../testing/plain-lab-snapshot.fixture';
import { aReconcileSummary } from '../../../testing/reconcile-summary.fixture';
import { ListWorkerLabsHandler } from './list-worker-labs.handler';
import { ListWorkerLabsQuery } from './list-worker-labs.query';

const W = '11111111-1111-4111-8111-111111111111';
const OTHER = '33333333-3333-4333-8333-333333333333';
const seenAt = new Date('2026-02-01T10:00:00Z');

const lab = (i: number, over: Partial<CmlLabSnapshot> = {}): CmlLabSnapshot => ({
  ...plainLabSnapshot(i),
  ...over,
});

describe('ListWorkerLabsHandler', () => {
  let labs: InMemoryLabRecordRepository;
  let syncStates: InMemoryWorkerSyncStateRepository;
  let handler: ListWorkerLabsHandler;

  beforeEach(() => {
    const workers = new InMemoryWorkerRepository();
    workers.seed(aWorker({ id: W }), aWorker({ id: OTHER }));
    labs = new InMemoryLabRecordRepository();
    syncStates = new InMemoryWorkerSyncStateRepository();
    // Seeded out of order: the list is in lab id order whatever the storage order.
    labs.seed(
      ...[
        lab(3, { state: 'STARTED', ownerUsername: 'bob', owner: 'u-bob' }),
        lab(1, { state: 'STARTED' }),
        lab(5),
        lab(2, { ownerUsername: 'bob', owner: 'u-bob' }),
        lab(4, { state: 'STARTED' }),
      ].map((s) => LabRecord.discovered(W, s, seenAt)),
      LabRecord.discovered(OTHER, lab(6), seenAt),
    );
    handler = new ListWorkerLabsHandler(
      new WorkerDirectory(workers, new FakeSecretCipher()),
      labs,
      syncStates,
    );
  });

  const list = (filter: ConstructorParameters<typeof ListWorkerLabsQuery>[1], workerId = W) =>
    handler.execute(new ListWorkerLabsQuery(workerId, filter));
  const labIds = (...n: number[]) => n.map((i) => plainLabSnapshot(i).id);

  it("pages through the worker's labs in lab id order with an opaque cursor, each once", async () => {
    const first = await list({ limit: 2 });
    expect(first.items.map((l) => l.labId)).toEqual(labIds(1, 2));
    expect(first.nextCursor).not.toContain(plainLabSnapshot(2).id);

    const second = await list({ limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((l) => l.labId)).toEqual(labIds(3, 4));
    const last = await list({ limit: 2, cursor: second.nextCursor! });
    expect(last.items.map((l) => l.labId)).toEqual(labIds(5));
    expect(last.nextCursor).toBeNull();
  });

  it('filters by state and by owner (username or CML user id), together', async () => {
    expect((await list({ limit: 10, state: 'STARTED' })).items.map((l) => l.labId)).toEqual(labIds(1, 3, 4));
    expect((await list({ limit: 10, owner: 'bob' })).items.map((l) => l.labId)).toEqual(labIds(2, 3));
    expect((await list({ limit: 10, owner: 'u-bob' })).items.map((l) => l.labId)).toEqual(labIds(2, 3));
    expect((await list({ limit: 10, owner: 'bob', state: 'STARTED' })).items.map((l) => l.labId)).toEqual(
      labIds(3),
    );
  });

  it('leaves out removed labs, whose tombstones are still stored', async () => {
    const record = (await labs.findOne(W, plainLabSnapshot(2).id))!;
    record.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: new Date() });
    await labs.saveDeletion(record, false);
    expect((await list({ limit: 10 })).items.map((l) => l.labId)).toEqual(labIds(1, 3, 4, 5));
  });

  it("lists the labs as views, seen at the worker's last successful sync when that is later", async () => {
    const confirmedAt = new Date('2026-02-05T00:00:00Z');
    await syncStates.record(W, aReconcileSummary(W), confirmedAt);
    const [first] = (await list({ limit: 1 })).items;
    expect(first).toMatchObject({
      workerId: W,
      labId: plainLabSnapshot(1).id,
      title: 'Lab 1',
      state: 'STARTED',
      ownerUsername: 'alice',
      firstSeenAt: seenAt.toISOString(),
      lastSyncedAt: confirmedAt.toISOString(),
    });
  });

  it("keeps a pending orphan's own sync time: the run that moved the worker's found it gone", async () => {
    const orphan = (await labs.findOne(W, plainLabSnapshot(1).id))!;
    orphan.markPendingOrphan(new Date('2026-02-05T00:00:10Z'));
    await labs.saveChanges([], [{ record: orphan, expectedVersion: orphan.version }]);
    const confirmedAt = new Date('2026-02-05T00:00:00Z');
    await syncStates.record(W, aReconcileSummary(W, { orphansPending: 1 }), confirmedAt);
    const items = (await list({ limit: 2 })).items;
    expect(items.map((l) => [l.labId, l.lastSyncedAt])).toEqual([
      [plainLabSnapshot(1).id, seenAt.toISOString()],
      [plainLabSnapshot(2).id, confirmedAt.toISOString()],
    ]);
  });

  it('is an empty page for a worker without labs', async () => {
    await labs.removeAllForWorker(W);
    await expect(list({ limit: 10 })).resolves.toEqual({ items: [], nextCursor: null });
  });

  it('is a 404 for an unknown worker', async () => {
    await expect(list({ limit: 10 }, '44444444-4444-4444-8444-444444444444')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('refuses a cursor it did not hand out', async () => {
    const error = await list({ limit: 10, cursor: 'bm90IGpzb24' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).errors).toEqual([{ field: 'cursor', message: 'invalid cursor' }]);
  });
});
