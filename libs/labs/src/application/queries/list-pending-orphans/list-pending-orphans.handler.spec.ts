import { NotFoundError } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { FakeSecretCipher } from '@app/workers/testing/fake-secret-cipher';
import { InMemoryWorkerRepository } from '@app/workers/testing/in-memory-worker.repository';
import { aWorker } from '@app/workers/testing/worker.fixture';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { InMemoryLabRecordRepository } from '../../../testing/in-memory-lab-record.repository';
import { plainLabSnapshot } from '../../../testing/plain-lab-snapshot.fixture';
import { ListPendingOrphansHandler } from './list-pending-orphans.handler';
import { ListPendingOrphansQuery } from './list-pending-orphans.query';

const W = '11111111-1111-4111-8111-111111111111';
const OTHER = '33333333-3333-4333-8333-333333333333';
const seenAt = new Date('2026-02-01T00:00:00Z');
const detectedAt = new Date('2026-02-10T00:00:00Z');
const confirmedAt = new Date('2026-02-11T00:00:00Z');

describe('ListPendingOrphansHandler', () => {
  let labs: InMemoryLabRecordRepository;
  let handler: ListPendingOrphansHandler;

  /** A record of `workerId` held back as a pending orphan, detected and confirmed once more. */
  function pendingOrphan(
    workerId: string,
    i: number,
    owner = { owner: 'u', ownerUsername: 'alice' },
  ): LabRecord {
    const record = LabRecord.discovered(workerId, { ...plainLabSnapshot(i), ...owner }, seenAt);
    record.markPendingOrphan(detectedAt);
    record.markPendingOrphan(confirmedAt);
    return record;
  }

  beforeEach(() => {
    const workers = new InMemoryWorkerRepository();
    workers.seed(aWorker({ id: W }), aWorker({ id: OTHER }));
    labs = new InMemoryLabRecordRepository();
    labs.seed(
      pendingOrphan(W, 3),
      LabRecord.discovered(W, plainLabSnapshot(2), seenAt),
      pendingOrphan(W, 1, { owner: 'u-bob', ownerUsername: '' }),
      pendingOrphan(OTHER, 4),
    );
    handler = new ListPendingOrphansHandler(new WorkerDirectory(workers, new FakeSecretCipher()), labs);
  });

  const list = (workerId = W) => handler.execute(new ListPendingOrphansQuery(workerId));

  it("lists the worker's pending orphans by lab id, with when they were first and last found gone", async () => {
    await expect(list()).resolves.toEqual({
      items: [
        {
          labId: plainLabSnapshot(1).id,
          title: 'Lab 1',
          owner: 'u-bob',
          detectedAt: detectedAt.toISOString(),
          lastConfirmedAt: confirmedAt.toISOString(),
        },
        {
          labId: plainLabSnapshot(3).id,
          title: 'Lab 3',
          owner: 'alice',
          detectedAt: detectedAt.toISOString(),
          lastConfirmedAt: confirmedAt.toISOString(),
        },
      ],
    });
  });

  it('no longer lists an orphan once it is removed', async () => {
    const record = (await labs.findOne(W, plainLabSnapshot(3).id))!;
    record.markOrphanRemoved({
      trigger: 'manual',
      reconciliationId: 'r-1',
      lastSeenAt: seenAt,
      evidence: { listedAt: confirmedAt.toISOString(), confirmedBy: 'lookup-404' },
      now: new Date('2026-02-12T00:00:00Z'),
    });
    expect((await labs.saveChanges([], [{ record, expectedVersion: record.version }])).updated).toBe(1);
    expect((await list()).items.map((i) => i.labId)).toEqual([plainLabSnapshot(1).id]);
  });

  it('is an empty list for a worker without pending orphans', async () => {
    await labs.removeAllForWorker(W);
    await expect(list()).resolves.toEqual({ items: [] });
  });

  it('is a 404 for an unknown worker', async () => {
    await expect(list('44444444-4444-4444-8444-444444444444')).rejects.toBeInstanceOf(NotFoundError);
  });
});
