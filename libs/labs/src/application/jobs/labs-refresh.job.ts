import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/common';
import { StartReconciliationCommand } from '../commands/start-reconciliation/start-reconciliation.command';
import { ReconciliationRunner } from '../reconciliation/reconciliation-runner';

const JOB = 'labs-refresh';

/**
 * The scheduled Phase 2: every LABS_REFRESH_INTERVAL seconds (0 disables). A tick while a run is
 * still going is skipped, so runs never overlap; errors are caught here because @nestjs/schedule
 * does not catch them for dynamic intervals.
 */
@Injectable()
export class LabsRefreshJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LabsRefreshJob.name);

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly commands: CommandBus,
    private readonly runner: ReconciliationRunner,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.labsRefreshIntervalSeconds;
    if (seconds === 0) {
      this.logger.log('scheduled reconciliation disabled (LABS_REFRESH_INTERVAL=0)');
      return;
    }
    const timer = setInterval(() => void this.tick(), seconds * 1000);
    timer.unref();
    this.registry.addInterval(JOB, timer);
    this.logger.log({ intervalSeconds: seconds }, 'scheduled reconciliation enabled');
  }

  async tick(): Promise<void> {
    if (this.runner.busy) {
      this.logger.warn('previous reconciliation still running; this tick is skipped');
      return;
    }
    try {
      await this.commands.execute(new StartReconciliationCommand('scheduled'));
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'scheduled reconciliation could not start');
    }
  }

  /** Before the database closes: no new runs, and the running one finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('interval', JOB)) this.registry.deleteInterval(JOB);
    await this.runner.whenIdle();
  }
}
