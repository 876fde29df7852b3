import { NotFoundError } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { FakeSecretCipher } from '@app/workers/testing/fake-secret-cipher';
import { InMemoryWorkerRepository } from '@app/workers/testing/in-memory-worker.repository';
import { aWorker } from '@app/workers/testing/worker.fixture';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { InMemoryLabRecordRepository } from '../../../testing/in-memory-lab-record.repository';
import { InMemoryWorkerSyncStateRepository } from '../../../testing/in-memory-worker-sync-state.repository';
import { aReconcileSummary } from '../../../testing/reconcile-summary.fixture';
import { plainLabSnapshot } from '../../../testing/plain-lab-snapshot.fixture';
import { GetWorkerLabHandler } from './get-worker-lab.handler';
import { GetWorkerLabQuery } from './get-worker-lab.query';

const W = '11111111-1111-4111-8111-111111111111';
const OTHER = '33333333-3333-4333-8333-333333333333';
const seenAt = new Date('2026-02-01T10:00:00Z');

describe('GetWorkerLabHandler', () => {
  let workers: InMemoryWorkerRepository;
  let labs: InMemoryLabRecordRepository;
  let syncStates: InMemoryWorkerSyncStateRepository;
  let handler: GetWorkerLabHandler;
  const lab = plainLabSnapshot(1);

  beforeEach(() => {
    workers = new InMemoryWorkerRepository();
    labs = new InMemoryLabRecordRepository();
    syncStates = new InMemoryWorkerSyncStateRepository();
    workers.seed(aWorker({ id: W }), aWorker({ id: OTHER }));
    labs.seed(
      LabRecord.discovered(W, { ...lab, state: 'STARTED', title: 'OSPF', groups: [{ id: 'g1' }] }, seenAt),
    );
    handler = new GetWorkerLabHandler(new WorkerDirectory(workers, new FakeSecretCipher()), labs, syncStates);
  });

  const get = (workerId = W, labId = lab.id) => handler.execute(new GetWorkerLabQuery(workerId, labId));

  it("returns the lab's stored content, where it is and when it was seen", async () => {
    await expect(get()).resolves.toEqual({
      workerId: W,
      labId: lab.id,
      title: 'OSPF',
      description: '',
      notes: '',
      state: 'STARTED',
      owner: 'u',
      ownerUsername: 'alice',
      ownerFullname: '',
      nodeCount: 1,
      linkCount: 0,
      groups: [{ id: 'g1' }],
      cmlCreatedAt: null,
      cmlModifiedAt: null,
      firstSeenAt: seenAt.toISOString(),
      lastSyncedAt: seenAt.toISOString(),
    });
  });

  it("reports the worker's last successful sync when it confirmed the lab later than its last change", async () => {
    const confirmedAt = new Date('2026-02-05T00:00:00Z');
    await syncStates.record(W, aReconcileSummary(W), confirmedAt);
    await expect(get()).resolves.toMatchObject({
      firstSeenAt: seenAt.toISOString(),
      lastSyncedAt: confirmedAt.toISOString(),
    });
  });

  it('keeps the record time when the last successful sync is older than the last change', async () => {
    await syncStates.record(W, aReconcileSummary(W), new Date('2026-01-01T00:00:00Z'));
    await expect(get()).resolves.toMatchObject({ lastSyncedAt: seenAt.toISOString() });
  });

  it('does not report a pending orphan as synced at a later sync: that run found it gone from CML', async () => {
    const record = (await labs.findOne(W, lab.id))!;
    record.markPendingOrphan(new Date('2026-02-05T00:00:10Z'));
    await labs.saveChanges([], [{ record, expectedVersion: record.version }]);
    // The run that held it back saw every listed lab, so it moved the worker's sync time.
    await syncStates.record(W, aReconcileSummary(W, { orphansPending: 1 }), new Date('2026-02-05T00:00:00Z'));
    await expect(get()).resolves.toMatchObject({ lastSyncedAt: seenAt.toISOString() });
  });

  it('is a 404 for an unknown worker', async () => {
    await expect(get('44444444-4444-4444-8444-444444444444')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('is a 404 for a lab of another worker and for an unknown lab', async () => {
    await expect(get(OTHER)).rejects.toThrow(`Lab ${lab.id} not found on worker ${OTHER}`);
    await expect(get(W, plainLabSnapshot(2).id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('is a 404 for a removed lab, whose tombstone is still stored', async () => {
    const record = (await labs.findOne(W, lab.id))!;
    record.markDeleted({ deletedBy: 'bob', alreadyAbsentInCml: false, now: new Date() });
    expect(await labs.saveDeletion(record, false)).toBe(true);
    await expect(get()).rejects.toBeInstanceOf(NotFoundError);
  });
});
