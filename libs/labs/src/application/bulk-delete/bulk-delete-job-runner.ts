import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pLimit from 'p-limit';
import { AppConfig, Clock, NotFoundError } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import {
  BulkDeleteJob,
  BulkDeleteOutcome,
  PendingBulkDeleteItem,
} from '../../domain/bulk-delete/bulk-delete-job';
import { DeleteLabCommand } from '../commands/delete-lab/delete-lab.command';
import { BulkDeleteJobRepository } from '../ports/bulk-delete-job.repository';
import { ReconcileLease, ReconcileLeaseRepository } from '../ports/reconcile-lease.repository';
import { bulkDeleteFailureOf } from './bulk-delete-failure';
import { JobProgressWriter } from './job-progress-writer';

/** The lease of a job, in the leases collection beside the workers' reconciliation leases. */
export const jobLeaseKey = (jobId: string): string => `bulk-delete-job:${jobId}`;

/**
 * Runs bulk delete jobs: each pending item through Phase 1 (`DeleteLabCommand` on the command
 * bus, as the requester, with the job's `force`), at most BULK_DELETE_CONCURRENCY_PER_WORKER at a
 * time on one worker and the workers in parallel, each outcome recorded as it comes. A failed
 * delete is recorded and the others go on.
 *
 * Only the holder of a job's lease runs it. The lease (the reconciliation lease repository: a
 * unique-insert claim of each epoch, so of racing replicas exactly one wins, on FerretDB too) is
 * renewed every third of BULK_DELETE_JOB_LEASE_MS; a process that dies stops renewing it, and
 * `BulkDeleteResumeJob` on any process takes the job over once it has expired and runs the items
 * still pending. Progress writes carry the lease epoch, so a process that stalled past its lease
 * cannot write over its successor. Graceful shutdown stops starting deletes, lets the ones in
 * flight end, writes them, and releases the lease so that another process resumes at once.
 */
@Injectable()
export class BulkDeleteJobRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BulkDeleteJobRunner.name);
  /** Lease holder name of this process for jobs. */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly active = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly commands: CommandBus,
    private readonly jobs: BulkDeleteJobRepository,
    private readonly leases: ReconcileLeaseRepository,
    private readonly directory: WorkerDirectory,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Whether this process is running the job now. */
  isRunning(jobId: string): boolean {
    return this.active.has(jobId);
  }

  /**
   * Runs the job here unless this process runs it already or another holds its lease; resolves when
   * it has ended here (finished, lost, or stopped for shutdown). Never rejects: failures are logged,
   * and the job is left to be resumed.
   */
  run(jobId: string): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const running = this.active.get(jobId);
    if (running) return running;
    const run = this.runLeased(jobId)
      .catch((error: unknown) =>
        this.logger.error(
          { jobId, err: (error as Error).message },
          `Bulk delete job ${jobId} stopped: ${(error as Error).message}; it will be resumed`,
        ),
      )
      .finally(() => this.active.delete(jobId));
    this.active.set(jobId, run);
    return run;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()]);
  }

  private async runLeased(jobId: string): Promise<void> {
    const ttlMs = this.config.bulkDelete.jobLeaseMs;
    const lease = await this.leases.acquire(jobLeaseKey(jobId), this.holder, ttlMs, this.clock.now());
    if (!lease) return;
    let held: ReconcileLease | null = lease;
    const renewal = setInterval(
      () => {
        if (!held) return;
        this.leases.renew(held, ttlMs, this.clock.now()).then(
          (renewed) => {
            if (held && !renewed) {
              this.logger.warn(
                { jobId },
                `Bulk delete job ${jobId}: its lease was lost; no more deletes start here`,
              );
            }
            held = renewed ?? null;
          },
          // The database is away: the next renewal tries again (fencing covers a lease that ran out).
          (error: unknown) =>
            this.logger.warn(
              { jobId, err: (error as Error).message },
              `Could not renew the lease of bulk delete job ${jobId}`,
            ),
        );
      },
      Math.max(100, Math.floor(ttlMs / 3)),
    );
    renewal.unref();
    try {
      const job = await this.jobs.findById(jobId);
      if (!job || job.status !== 'running') return;
      await this.execute(job, lease.epoch, () => held !== null && !this.stopping);
    } finally {
      clearInterval(renewal);
      const last = held as ReconcileLease | null;
      held = null;
      if (last) await this.leases.release(last).catch(() => undefined);
    }
  }

  private async execute(job: BulkDeleteJob, fence: number, mayStart: () => boolean): Promise<void> {
    const pending = job.pendingItems();
    const log = { jobId: job.id };
    this.logger.log(
      { ...log, total: job.total, done: job.done, pending: pending.length },
      job.done > 0
        ? `Bulk delete job ${job.id} resumed: ${pending.length} of ${job.total} labs left`
        : `Bulk delete job ${job.id} started: ${job.total} labs`,
    );
    const progress = new JobProgressWriter(this.jobs, job, fence);
    const perWorker = new Map<string, pLimit.Limit>();
    const limitOf = (workerId: string): pLimit.Limit => {
      let limit = perWorker.get(workerId);
      if (!limit) perWorker.set(workerId, (limit = pLimit(this.config.bulkDelete.concurrencyPerWorker)));
      return limit;
    };
    const missingWorkers = await this.missingWorkers(pending);
    await Promise.all(
      pending.map((item) =>
        limitOf(item.workerId)(async () => {
          if (!mayStart() || progress.lost) return;
          const outcome = missingWorkers.has(item.workerId)
            ? ({ kind: 'failed', status: 404, detail: `Worker ${item.workerId} not found` } as const)
            : await this.deleteOne(job, item);
          if (!job.record(item.index, outcome, this.clock.now())) return;
          this.logOutcome(job, item, outcome);
          progress.note(item.index);
        }),
      ),
    );
    await progress.flush();
    const status = job.status;
    if (status === 'running') {
      this.logger.log(
        { ...log, done: job.done, total: job.total },
        `Bulk delete job ${job.id} paused at ${job.done} of ${job.total} labs; it will be resumed`,
      );
    } else {
      const failed = job.failed.length;
      this.logger.log(
        { ...log, status, total: job.total, failed },
        `Bulk delete job ${job.id} ${status}: ${job.total - failed} of ${job.total} labs deleted or already gone, ${failed} failed`,
      );
    }
  }

  /** Workers of the job that no longer exist: their labs are failed at once (no record, no credentials). */
  private async missingWorkers(items: readonly PendingBulkDeleteItem[]): Promise<Set<string>> {
    const ids = [...new Set(items.map((i) => i.workerId))];
    const missing = new Set<string>();
    await Promise.all(
      ids.map((id) =>
        this.directory.require(id).catch((error: unknown) => {
          if (!(error instanceof NotFoundError)) throw error;
          missing.add(id);
        }),
      ),
    );
    return missing;
  }

  private async deleteOne(job: BulkDeleteJob, item: PendingBulkDeleteItem): Promise<BulkDeleteOutcome> {
    try {
      await this.commands.execute(
        new DeleteLabCommand(item.workerId, item.labId, job.force, job.requestedBy),
      );
      return { kind: 'deleted' };
    } catch (error) {
      // Absent in CML and locally: another delete or Phase 2 removed it, or this job did before a crash.
      if (error instanceof NotFoundError) return { kind: 'already_gone' };
      const failure = bulkDeleteFailureOf(error);
      if (
        failure.status >= 500 &&
        failure.status !== 502 &&
        failure.status !== 503 &&
        failure.status !== 504
      ) {
        this.logger.error(
          { jobId: job.id, workerId: item.workerId, labId: item.labId, err: error },
          `Bulk delete job ${job.id}: lab ${item.labId} failed unexpectedly`,
        );
      }
      return { kind: 'failed', ...failure };
    }
  }

  private logOutcome(job: BulkDeleteJob, item: PendingBulkDeleteItem, outcome: BulkDeleteOutcome): void {
    const fields = {
      jobId: job.id,
      workerId: item.workerId,
      labId: item.labId,
      outcome: outcome.kind,
      done: job.done,
      total: job.total,
    };
    const where = `lab ${item.labId} on worker ${item.workerId}`;
    const count = `(${job.done}/${job.total})`;
    if (outcome.kind === 'failed') {
      this.logger.warn(
        { ...fields, status: outcome.status, detail: outcome.detail },
        `Bulk delete job ${job.id}: ${where} failed with ${outcome.status}: ${outcome.detail} ${count}`,
      );
    } else {
      this.logger.log(
        fields,
        `Bulk delete job ${job.id}: ${where} ${outcome.kind.replace('_', ' ')} ${count}`,
      );
    }
  }
}
