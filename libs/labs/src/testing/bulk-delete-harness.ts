import { AppConfig } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { FakeSecretCipher } from '@app/workers/testing/fake-secret-cipher';
import { InMemoryWorkerRepository } from '@app/workers/testing/in-memory-worker.repository';
import { ManualClock } from '@app/workers/testing/manual-clock';
import { aWorker } from '@app/workers/testing/worker.fixture';
import { BulkDeleteJobRunner } from '../application/bulk-delete/bulk-delete-job-runner';
import { BulkDeleteSelection } from '../application/bulk-delete/bulk-delete-selection';
import { StartBulkDeleteHandler } from '../application/commands/start-bulk-delete/start-bulk-delete.handler';
import { GetJobHandler } from '../application/queries/get-job/get-job.handler';
import { CmlLabSnapshot } from '../domain/cml-lab-snapshot';
import { LabRecord } from '../domain/lab-record.aggregate';
import { InMemoryBulkDeleteJobRepository } from './in-memory-bulk-delete-job.repository';
import { InMemoryLabRecordRepository } from './in-memory-lab-record.repository';
import { InMemoryReconcileLeaseRepository } from './in-memory-reconcile-lease.repository';
import { plainLabSnapshot } from './plain-lab-snapshot.fixture';
import { RecordingCommandBus } from './recording-command-bus';

export const WORKER_A = '6f1c1b8e-2a44-4a4e-8d0b-3b9f4f1d2c01';
export const WORKER_B = '9d0e7c55-1111-4a4e-8d0b-3b9f4f1d2c02';

/**
 * The bulk delete use cases over in-memory ports: two workers, their lab records, a command bus
 * whose `DeleteLabCommand` answers the spec decides, and a clock that moves only when told.
 */
export function bulkDeleteHarness(bulkDelete: Partial<AppConfig['bulkDelete']> = {}) {
  const clock = new ManualClock('2026-12-01T10:00:00Z');
  const workers = new InMemoryWorkerRepository();
  workers.seed(aWorker({ id: WORKER_A }), aWorker({ id: WORKER_B }));
  const directory = new WorkerDirectory(workers, new FakeSecretCipher());
  const config = {
    bulkDelete: { concurrencyPerWorker: 4, maxLabs: 10_000, jobLeaseMs: 30_000, ...bulkDelete },
  } as AppConfig;
  const labs = new InMemoryLabRecordRepository();
  const jobs = new InMemoryBulkDeleteJobRepository();
  const leases = new InMemoryReconcileLeaseRepository();
  const commands = new RecordingCommandBus();
  const newRunner = () => new BulkDeleteJobRunner(commands, jobs, leases, directory, config, clock);
  const runner = newRunner();
  const selection = new BulkDeleteSelection(directory, labs);
  const start = new StartBulkDeleteHandler(selection, jobs, runner, config, clock);
  const getJob = new GetJobHandler(jobs);

  /** Stores live records of `count` labs on a worker, numbered from `from`; `over` changes each snapshot. */
  async function seedLabs(
    workerId: string,
    count: number,
    over: (i: number) => Partial<CmlLabSnapshot> = () => ({}),
    from = 0,
  ): Promise<string[]> {
    const series = workerId === WORKER_A ? '8a00' : '8b00';
    const records = Array.from({ length: count }, (_, k) => {
      const i = from + k;
      return LabRecord.discovered(workerId, { ...plainLabSnapshot(i, series), ...over(i) }, clock.now());
    });
    await labs.saveChanges(records, []);
    return records.map((r) => r.labId);
  }

  return {
    clock,
    workers,
    directory,
    config,
    labs,
    jobs,
    leases,
    commands,
    runner,
    newRunner,
    selection,
    start,
    getJob,
    seedLabs,
  };
}

/** A promise with its resolve and reject, for answers a spec hands out one at a time. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every promise callback queued so far run (a few turns of the microtask queue and one macrotask). */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
