import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/common';
import { BulkDeleteJobRunner } from '../bulk-delete/bulk-delete-job-runner';
import { BulkDeleteJobRepository } from '../ports/bulk-delete-job.repository';

const JOB = 'bulk-delete-resume';

/**
 * Picks up bulk delete jobs that a dead process left running: at start and every half
 * BULK_DELETE_JOB_LEASE_MS it lists the running jobs (an indexed equality on `status`; few
 * documents) and hands each that this process does not run to the runner, which takes it only
 * when its lease has expired (one round trip for a job another live process holds).
 */
@Injectable()
export class BulkDeleteResumeJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BulkDeleteResumeJob.name);
  private sweeping: Promise<void> | null = null;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly jobs: BulkDeleteJobRepository,
    private readonly runner: BulkDeleteJobRunner,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(
      () => void this.tick(),
      Math.max(500, Math.floor(this.config.bulkDelete.jobLeaseMs / 2)),
    );
    timer.unref();
    this.registry.addInterval(JOB, timer);
    void this.tick();
  }

  /** One sweep; a tick while the previous sweep runs is skipped. */
  async tick(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = this.sweep()
      .catch((error: unknown) =>
        this.logger.warn({ err: (error as Error).message }, 'bulk delete resume sweep failed'),
      )
      .finally(() => (this.sweeping = null));
    await this.sweeping;
  }

  private async sweep(): Promise<void> {
    for (const jobId of await this.jobs.findRunningIds()) {
      // Not awaited: a resumed job runs for as long as its deletes take.
      if (!this.runner.isRunning(jobId)) void this.runner.run(jobId);
    }
  }

  beforeApplicationShutdown(): Promise<void> | void {
    if (this.registry.doesExist('interval', JOB)) this.registry.deleteInterval(JOB);
    return this.sweeping ?? undefined;
  }
}
