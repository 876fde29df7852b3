import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { AppConfig, Clock, isDatabaseUnavailableError } from '@app/common';
import { Worker, WorkerDirectory } from '@app/workers';
import { ReconcileSummary, ReconcileTrigger } from '../../domain/reconcile-summary';
import { RefreshWorkerLabsCommand } from '../commands/refresh-worker-labs/refresh-worker-labs.command';
import { ReconciliationRunRepository } from '../ports/reconciliation-run.repository';

/**
 * Runs Phase 2 for every enabled worker, RECONCILE_CONCURRENCY at a time, and keeps the history.
 * One run at a time per process: a run asked for while one is going joins it instead of starting a
 * second one (across replicas, the per-worker lease does the same job).
 */
@Injectable()
export class ReconciliationRunner {
  private readonly logger = new Logger(ReconciliationRunner.name);
  private current: { id: string; created: Promise<void>; done: Promise<void> } | null = null;

  constructor(
    private readonly commands: CommandBus,
    private readonly directory: WorkerDirectory,
    private readonly runs: ReconciliationRunRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  get busy(): boolean {
    return this.current !== null;
  }

  /** Starts a run (or joins the one going) and returns its id at once. */
  async start(trigger: ReconcileTrigger): Promise<{ reconciliationId: string; joined: boolean }> {
    if (this.current) {
      // A run whose history document is still being created is joined only once it exists.
      const joining = this.current;
      await joining.created;
      return { reconciliationId: joining.id, joined: true };
    }
    const id = randomUUID();
    // The workers are read before the run is stored, so that its progress has a total from the
    // start. A run whose workers cannot be read is still recorded, and finished as failed; but
    // not when the database itself is away: the run could not be stored either, and waiting for
    // it a second time would double the time the caller waits for its 503.
    const workers = this.directory.all().then(
      (all) => all.filter((w) => w.enabled),
      (error: unknown) => {
        if (isDatabaseUnavailableError(error)) throw error;
        return error instanceof Error ? error : new Error(String(error));
      },
    );
    const created = workers.then((enabled) =>
      this.runs.create({
        id,
        trigger,
        status: 'running',
        startedAt: this.clock.now().toISOString(),
        finishedAt: null,
        workersTotal: Array.isArray(enabled) ? enabled.length : 0,
        workersDone: 0,
        workers: [],
      }),
    );
    const slot = { id, created, done: Promise.resolve() };
    this.current = slot;
    try {
      await created;
    } catch (error) {
      this.current = null;
      throw error;
    }
    slot.done = this.runAll(id, trigger, await workers)
      .catch((error: unknown) =>
        this.logger.error({ reconciliationId: id, err: (error as Error).message }, 'run failed'),
      )
      .finally(() => {
        this.current = null;
      });
    return { reconciliationId: id, joined: false };
  }

  /** Resolves when no run is going (for shutdown and tests). */
  async whenIdle(): Promise<void> {
    while (this.current) await this.current.done;
  }

  /** Runs every worker, and finishes the run in the history whatever happened (else it looks running forever). */
  private async runAll(id: string, trigger: ReconcileTrigger, workers: Worker[] | Error): Promise<void> {
    let status: 'succeeded' | 'failed' = 'failed';
    try {
      if (workers instanceof Error) throw workers;
      await this.runEveryWorker(id, trigger, workers);
      status = 'succeeded';
    } finally {
      await this.runs
        .finish(id, this.clock.now(), status)
        .catch((error: unknown) =>
          this.logger.error(
            { reconciliationId: id, err: (error as Error).message },
            'could not mark the run finished in the history',
          ),
        );
    }
    this.logger.log({ reconciliationId: id, trigger }, 'reconciliation run finished');
  }

  private async runEveryWorker(id: string, trigger: ReconcileTrigger, workers: Worker[]): Promise<void> {
    const limit = pLimit(this.config.reconcileConcurrency);
    this.logger.log({ reconciliationId: id, trigger, workers: workers.length }, 'reconciliation run started');
    await Promise.all(
      workers.map((worker) =>
        limit(async () => {
          let summary: ReconcileSummary;
          try {
            summary = await this.commands.execute(
              new RefreshWorkerLabsCommand(worker.id, { trigger, reconciliationId: id }),
            );
          } catch (error) {
            // A worker removed during the run, or a database error: the run goes on with the others.
            this.logger.error(
              { reconciliationId: id, workerId: worker.id, err: (error as Error).message },
              'worker reconciliation failed',
            );
            const now = this.clock.now().toISOString();
            summary = {
              reconciliationId: id,
              workerId: worker.id,
              trigger,
              status: 'failed',
              mode: worker.reconcileMode === 'observe' ? 'observe' : 'enforce',
              reason: (error as Error).message,
              created: 0,
              updated: 0,
              unchanged: 0,
              orphansRemoved: 0,
              orphansPending: 0,
              restored: 0,
              candidates: [],
              startedAt: now,
              finishedAt: now,
              durationMs: 0,
            };
          }
          // A history write that fails must not end the run early: the other workers go on.
          await this.runs
            .appendSummary(id, summary)
            .catch((error: unknown) =>
              this.logger.error(
                { reconciliationId: id, workerId: worker.id, err: (error as Error).message },
                'could not record the summary in the run history',
              ),
            );
        }),
      ),
    );
  }
}
