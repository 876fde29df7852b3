import { Logger } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { FakeSecretCipher } from '@app/workers/testing/fake-secret-cipher';
import { InMemoryWorkerRepository } from '@app/workers/testing/in-memory-worker.repository';
import { ManualClock } from '@app/workers/testing/manual-clock';
import { aWorker } from '@app/workers/testing/worker.fixture';
import { ReconciliationRunner } from '../../reconciliation/reconciliation-runner';
import { InMemoryReconciliationRunRepository } from '../../../testing/in-memory-reconciliation-run.repository';
import { RecordingCommandBus } from '../../../testing/recording-command-bus';
import { aReconcileSummary } from '../../../testing/reconcile-summary.fixture';
import { RefreshWorkerLabsCommand } from '../refresh-worker-labs/refresh-worker-labs.command';
import { StartReconciliationCommand } from './start-reconciliation.command';
import { StartReconciliationHandler } from './start-reconciliation.handler';

const A = 'aaaaaaaa-0000-4000-8000-000000000000';
const B = 'bbbbbbbb-0000-4000-8000-000000000000';
const C = 'cccccccc-0000-4000-8000-000000000000';

/** A promise the spec settles, for work that must still be running when it looks. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('StartReconciliationHandler (with a real ReconciliationRunner)', () => {
  let clock: ManualClock;
  let workers: InMemoryWorkerRepository;
  let runs: InMemoryReconciliationRunRepository;
  let bus: RecordingCommandBus;
  let runner: ReconciliationRunner;
  let handler: StartReconciliationHandler;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    clock = new ManualClock('2026-03-01T00:00:00Z');
    workers = new InMemoryWorkerRepository();
    workers.seed(
      aWorker({ id: A }),
      aWorker({ id: B, reconcileMode: 'observe' }),
      aWorker({ id: C, enabled: false }),
    );
    runs = new InMemoryReconciliationRunRepository();
    bus = new RecordingCommandBus().answer(RefreshWorkerLabsCommand, (c) =>
      aReconcileSummary(c.workerId, { reconciliationId: c.reconciliationId, trigger: c.trigger }),
    );
    runner = new ReconciliationRunner(
      bus,
      new WorkerDirectory(workers, new FakeSecretCipher()),
      runs,
      { reconcileConcurrency: 2 } as AppConfig,
      clock,
    );
    handler = new StartReconciliationHandler(runner);
  });

  const start = (trigger: 'manual' | 'scheduled' = 'manual') =>
    handler.execute(new StartReconciliationCommand(trigger));
  const refreshed = () => bus.executedOf(RefreshWorkerLabsCommand);

  it('answers with the id of a run it has recorded, before any worker is reconciled', async () => {
    const held = gate();
    bus.answer(RefreshWorkerLabsCommand, async (c) => {
      await held.opened;
      return aReconcileSummary(c.workerId, { reconciliationId: c.reconciliationId });
    });

    const { reconciliationId } = await start('manual');

    expect(reconciliationId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(runs.get(reconciliationId)).resolves.toEqual({
      id: reconciliationId,
      trigger: 'manual',
      status: 'running',
      startedAt: '2026-03-01T00:00:00.000Z',
      finishedAt: null,
      workersTotal: 2,
      workersDone: 0,
      workers: [],
    });
    held.open();
    await runner.whenIdle();
  });

  it('reconciles every enabled worker once under the run, records each summary and finishes the run', async () => {
    const { reconciliationId } = await start('scheduled');
    clock.advance(5000);
    await runner.whenIdle();

    expect(
      refreshed()
        .map((c) => [c.workerId, c.trigger, c.reconciliationId])
        .sort(),
    ).toEqual([
      [A, 'scheduled', reconciliationId],
      [B, 'scheduled', reconciliationId],
    ]);
    const run = (await runs.get(reconciliationId))!;
    expect(run.finishedAt).toBe('2026-03-01T00:00:05.000Z');
    expect(run.workers.map((s) => [s.workerId, s.status, s.reconciliationId]).sort()).toEqual([
      [A, 'succeeded', reconciliationId],
      [B, 'succeeded', reconciliationId],
    ]);
  });

  it('records a failed summary for a worker whose reconciliation throws, and reconciles the others', async () => {
    bus.answer(RefreshWorkerLabsCommand, (c) => {
      if (c.workerId === B) throw new Error(`Worker ${B} not found`);
      return aReconcileSummary(c.workerId, { reconciliationId: c.reconciliationId });
    });
    const { reconciliationId } = await start('scheduled');
    await runner.whenIdle();

    const run = (await runs.get(reconciliationId))!;
    expect(run.finishedAt).not.toBeNull();
    expect(run.workers.find((s) => s.workerId === A)).toMatchObject({ status: 'succeeded' });
    expect(run.workers.find((s) => s.workerId === B)).toEqual({
      reconciliationId,
      workerId: B,
      trigger: 'scheduled',
      status: 'failed',
      mode: 'observe',
      reason: `Worker ${B} not found`,
      created: 0,
      updated: 0,
      unchanged: 0,
      orphansRemoved: 0,
      orphansPending: 0,
      restored: 0,
      candidates: [],
      startedAt: '2026-03-01T00:00:00.000Z',
      finishedAt: '2026-03-01T00:00:00.000Z',
      durationMs: 0,
    });
    expect(run).toMatchObject({ status: 'succeeded', workersTotal: 2, workersDone: 2 });
  });

  it('joins the run going instead of starting a second one', async () => {
    const held = gate();
    bus.answer(RefreshWorkerLabsCommand, async (c) => {
      await held.opened;
      return aReconcileSummary(c.workerId, { reconciliationId: c.reconciliationId });
    });
    const first = await start('scheduled');
    const second = await start('manual');
    held.open();
    await runner.whenIdle();

    expect(second).toEqual(first);
    expect(await runs.list(10)).toHaveLength(1);
    expect(
      refreshed()
        .map((c) => c.workerId)
        .sort(),
    ).toEqual([A, B]);
  });

  it('starts a new run once the last one has finished', async () => {
    const first = await start();
    await runner.whenIdle();
    clock.advance(60_000);
    const second = await start();
    await runner.whenIdle();

    expect(second.reconciliationId).not.toBe(first.reconciliationId);
    expect((await runs.list(10)).map((r) => r.id)).toEqual([second.reconciliationId, first.reconciliationId]);
    expect(refreshed()).toHaveLength(4);
  });

  it('reconciles at most RECONCILE_CONCURRENCY workers at once', async () => {
    const many = ['d', 'e', 'f', '1', '2'].map((c) =>
      aWorker({ id: `${c.repeat(8)}-0000-4000-8000-000000000000` }),
    );
    workers.seed(...many);
    let running = 0;
    let most = 0;
    bus.answer(RefreshWorkerLabsCommand, async (c) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return aReconcileSummary(c.workerId, { reconciliationId: c.reconciliationId });
    });

    const { reconciliationId } = await start();
    await runner.whenIdle();

    expect(most).toBe(2);
    expect((await runs.get(reconciliationId))!.workers).toHaveLength(7);
  });

  it('goes on with every worker and finishes the run when the history cannot record a summary', async () => {
    runs.failAppends = new Error('database down');
    const { reconciliationId } = await start();
    await runner.whenIdle();

    expect(
      refreshed()
        .map((c) => c.workerId)
        .sort(),
    ).toEqual([A, B]);
    expect((await runs.get(reconciliationId))!.finishedAt).not.toBeNull();
  });

  it('fails to start when the run cannot be recorded, reconciles nothing, and lets the next start run', async () => {
    jest.spyOn(runs, 'create').mockRejectedValueOnce(new Error('database down'));
    await expect(start()).rejects.toThrow('database down');
    expect(refreshed()).toEqual([]);
    expect(runner.busy).toBe(false);

    const { reconciliationId } = await start();
    await runner.whenIdle();
    expect((await runs.get(reconciliationId))!.workers).toHaveLength(2);
  });

  it('finishes a run at once when no worker is enabled', async () => {
    const only = new InMemoryWorkerRepository();
    only.seed(aWorker({ id: C, enabled: false }));
    const idle = new ReconciliationRunner(
      bus,
      new WorkerDirectory(only, new FakeSecretCipher()),
      runs,
      { reconcileConcurrency: 2 } as AppConfig,
      clock,
    );
    const { reconciliationId } = await new StartReconciliationHandler(idle).execute(
      new StartReconciliationCommand('scheduled'),
    );
    await idle.whenIdle();

    expect(refreshed()).toEqual([]);
    expect(await runs.get(reconciliationId)).toMatchObject({
      workers: [],
      finishedAt: '2026-03-01T00:00:00.000Z',
    });
  });

  /** Two defects of ReconciliationRunner these specs found (both failed before the fix). */
  describe('when the database fails', () => {
    it('finishes the run in the history when the workers cannot be read (else it runs forever)', async () => {
      workers.failWith = new Error('database down');
      const { reconciliationId } = await start();
      await runner.whenIdle();
      expect((await runs.get(reconciliationId))!.finishedAt).not.toBeNull();
      expect((await runs.get(reconciliationId))!.status).toBe('failed');
    });

    it('never answers a start that joined with the id of a run whose creation then failed', async () => {
      let failCreate!: (error: Error) => void;
      jest
        .spyOn(runs, 'create')
        .mockImplementationOnce(() => new Promise<void>((_resolve, reject) => (failCreate = reject)));
      const first = start();
      const joined = start();
      await new Promise((resolve) => setImmediate(resolve));
      failCreate(new Error('database down'));
      await expect(first).rejects.toThrow('database down');
      // Either the joiner fails too, or the id it got names a run that exists.
      const outcome = await joined.then(
        ({ reconciliationId }) => runs.get(reconciliationId),
        () => 'failed as the first start did',
      );
      expect(outcome).not.toBeNull();
    });
  });
});
