import { CmlClientFactory, NoopCmlRequestObserver } from '@app/cml-client';
import { WorkerDirectory, WorkerRemovalHooks } from '@app/workers';
import { FakeSecretCipher } from '@app/workers/testing/fake-secret-cipher';
import { InMemoryWorkerRepository } from '@app/workers/testing/in-memory-worker.repository';
import { aWorker } from '@app/workers/testing/worker.fixture';
import { LabRecord } from '../domain/lab-record.aggregate';
import { InMemoryLabRecordRepository } from '../testing/in-memory-lab-record.repository';
import { InMemoryWorkerSyncStateRepository } from '../testing/in-memory-worker-sync-state.repository';
import { plainLabSnapshot } from '../testing/plain-lab-snapshot.fixture';
import { aReconcileSummary } from '../testing/reconcile-summary.fixture';
import { WorkerLabsCleanup } from './worker-labs-cleanup';

const W = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const settings = (workerId: string) => ({
  workerId,
  endpoint: 'https://cml.test',
  username: 'admin',
  password: 'pw',
  verifyTls: true,
  caCertPem: null,
});

describe('WorkerLabsCleanup', () => {
  it('on removal of a worker: drops its records, its sync state and its cached CML client, nobody else’s', async () => {
    const hooks = new WorkerRemovalHooks();
    const labs = new InMemoryLabRecordRepository();
    const syncStates = new InMemoryWorkerSyncStateRepository();
    const cml = new CmlClientFactory({ timeoutMs: 1000 }, new NoopCmlRequestObserver());
    const cipher = new FakeSecretCipher();
    const decrypt = jest.spyOn(cipher, 'decrypt');
    const directory = new WorkerDirectory(new InMemoryWorkerRepository(), cipher);
    const cleanup = new WorkerLabsCleanup(hooks, labs, syncStates, cml, directory);
    const worker = aWorker({ id: W });
    directory.connectionOf(worker);
    directory.connectionOf(worker);
    expect(decrypt).toHaveBeenCalledTimes(1);
    cleanup.onModuleInit();
    const now = new Date('2026-02-01T00:00:00Z');
    labs.seed(
      LabRecord.discovered(W, plainLabSnapshot(1), now),
      LabRecord.discovered(OTHER, plainLabSnapshot(2), now),
    );
    await syncStates.record(W, aReconcileSummary(W), now);
    await syncStates.record(OTHER, aReconcileSummary(OTHER), now);
    const before = cml.forWorker(settings(W));
    const other = cml.forWorker(settings(OTHER));
    expect(cml.forWorker(settings(W))).toBe(before);

    await hooks.runBefore(W);

    expect(await labs.findByWorker(W)).toEqual([]);
    expect(await labs.findByWorker(OTHER)).toHaveLength(1);
    expect((await syncStates.find(W)).lastReconcile).toBeNull();
    expect((await syncStates.find(OTHER)).lastReconcile).not.toBeNull();
    expect(cml.forWorker(settings(W))).not.toBe(before);
    expect(cml.forWorker(settings(OTHER))).toBe(other);
    // The decrypted password of the removed worker is not kept: opening it again decrypts again.
    directory.connectionOf(worker);
    expect(decrypt).toHaveBeenCalledTimes(2);
    cml.onModuleDestroy();
  });
});
