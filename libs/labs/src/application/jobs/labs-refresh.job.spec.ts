import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { FakeSecretCipher } from '@app/workers/testing/fake-secret-cipher';
import { InMemoryWorkerRepository } from '@app/workers/testing/in-memory-worker.repository';
import { ManualClock } from '@app/workers/testing/manual-clock';
import { aWorker } from '@app/workers/testing/worker.fixture';
import { RefreshWorkerLabsCommand } from '../commands/refresh-worker-labs/refresh-worker-labs.command';
import { StartReconciliationCommand } from '../commands/start-reconciliation/start-reconciliation.command';
import { StartReconciliationHandler } from '../commands/start-reconciliation/start-reconciliation.handler';
import { ReconciliationRunner } from '../reconciliation/reconciliation-runner';
import { InMemoryReconciliationRunRepository } from '../../testing/in-memory-reconciliation-run.repository';
import { RecordingCommandBus } from '../../testing/recording-command-bus';
import { aReconcileSummary } from '../../testing/reconcile-summary.fixture';
import { LabsRefreshJob } from './labs-refresh.job';

const W = '11111111-1111-4111-8111-111111111111';

describe('LabsRefreshJob', () => {
  let runs: InMemoryReconciliationRunRepository;
  let bus: RecordingCommandBus;
  let runner: ReconciliationRunner;
  let registry: SchedulerRegistry;
  /** Opens the reconciliation of the worker; until then a run stays busy. */
  let finishWorker: () => void;

  function jobWith(intervalSeconds: number): LabsRefreshJob {
    return new LabsRefreshJob(registry, bus, runner, {
      labsRefreshIntervalSeconds: intervalSeconds,
    } as AppConfig);
  }

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    const workers = new InMemoryWorkerRepository();
    workers.seed(aWorker({ id: W }));
    runs = new InMemoryReconciliationRunRepository();
    bus = new RecordingCommandBus();
    runner = new ReconciliationRunner(
      bus,
      new WorkerDirectory(workers, new FakeSecretCipher()),
      runs,
      { reconcileConcurrency: 1 } as AppConfig,
      new ManualClock(),
    );
    const start = new StartReconciliationHandler(runner);
    const finished = new Promise<void>((resolve) => (finishWorker = resolve));
    bus
      .answer(StartReconciliationCommand, (c) => start.execute(c))
      .answer(RefreshWorkerLabsCommand, async (c) => {
        await finished;
        return aReconcileSummary(c.workerId, { reconciliationId: c.reconciliationId });
      });
    registry = new SchedulerRegistry();
  });
  afterEach(() => {
    if (registry.doesExist('interval', 'labs-refresh')) registry.deleteInterval('labs-refresh');
  });

  it('starts a scheduled reconciliation of the workers on a tick', async () => {
    await jobWith(60).tick();
    finishWorker();
    await runner.whenIdle();
    const [run] = await runs.list(10);
    expect(run).toMatchObject({ trigger: 'scheduled', workers: [{ workerId: W, trigger: 'scheduled' }] });
    expect(run.finishedAt).not.toBeNull();
  });

  it('skips a tick while a run is going: runs never overlap, and no run is asked for', async () => {
    const job = jobWith(60);
    await job.tick();
    await job.tick();
    finishWorker();
    await runner.whenIdle();
    expect(bus.executedOf(StartReconciliationCommand)).toHaveLength(1);
    expect(await runs.list(10)).toHaveLength(1);
  });

  it('survives a run that cannot start: the tick resolves and the next one starts it', async () => {
    jest.spyOn(runs, 'create').mockRejectedValueOnce(new Error('database down'));
    const job = jobWith(60);
    await expect(job.tick()).resolves.toBeUndefined();
    expect(await runs.list(10)).toEqual([]);
    await job.tick();
    finishWorker();
    await runner.whenIdle();
    expect(await runs.list(10)).toHaveLength(1);
  });

  it('schedules nothing when the interval is 0', () => {
    jobWith(0).onApplicationBootstrap();
    expect(registry.getIntervals()).toEqual([]);
  });

  it('on shutdown stops its interval and waits for the running reconciliation', async () => {
    const job = jobWith(60);
    job.onApplicationBootstrap();
    expect(registry.getIntervals()).toEqual(['labs-refresh']);
    await job.tick();

    let stopped = false;
    const shutdown = job.beforeApplicationShutdown().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(registry.getIntervals()).toEqual([]);
    expect(stopped).toBe(false);

    finishWorker();
    await shutdown;
    expect((await runs.list(10))[0].finishedAt).not.toBeNull();
  });
});
