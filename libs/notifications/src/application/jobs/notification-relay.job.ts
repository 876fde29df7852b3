import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import pLimit from 'p-limit';
import { AppConfig, Clock } from '@app/common';
import { NotificationDeliverer } from '../notification-deliverer';
import { NotificationIntake } from '../ports/notification-intake';
import { NotificationOutbox } from '../ports/notification-outbox';

const JOB = 'notification-relay';
/** Purge about every hour at the default interval: the purge scans the collection on FerretDB. */
const PURGE_EVERY_TICKS = 720;
const SWEEP_LIMIT = 200;

/**
 * Sends the due notifications every NOTIFY_RELAY_INTERVAL_MS and purges the delivered ones after
 * NOTIFY_RETENTION_SECONDS. Not started when no provider is configured.
 */
@Injectable()
export class NotificationRelayJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationRelayJob.name);
  private running: Promise<void> | null = null;
  private ticks = 0;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly intake: NotificationIntake,
    private readonly outbox: NotificationOutbox,
    private readonly deliverer: NotificationDeliverer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.intake.enabled) return;
    const timer = setInterval(() => void this.tick(), this.config.notifications.relayIntervalMs);
    timer.unref();
    this.registry.addInterval(JOB, timer);
  }

  /** One sweep; a tick while the previous sweep runs is skipped. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.sweep()
      .catch((error: unknown) =>
        this.logger.error({ err: (error as Error).message }, 'notification sweep failed'),
      )
      .finally(() => {
        this.running = null;
      });
    await this.running;
  }

  private async sweep(): Promise<void> {
    const due = await this.outbox.findDue(this.clock.now(), SWEEP_LIMIT);
    if (due.length > 0) {
      const limit = pLimit(4);
      await Promise.all(due.map((d) => limit(() => this.deliverer.deliver(d))));
    }
    if (++this.ticks % PURGE_EVERY_TICKS === 0) await this.purge();
  }

  async purge(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.config.notifications.retentionSeconds * 1000);
    const purged = await this.outbox.purgeDelivered(before);
    if (purged > 0) this.logger.log({ purged }, 'delivered notifications purged');
    return purged;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('interval', JOB)) this.registry.deleteInterval(JOB);
    if (this.running) await this.running;
    await this.deliverer.flush();
  }
}
