import { Injectable, Logger } from '@nestjs/common';
import { retryDelayMs } from '@app/cloud-events';
import { AppConfig, Clock, InFlightWork } from '@app/common';
import { attemptOutcome, NotificationDelivery } from '../domain/notification-delivery';
import { recipientKey } from '../domain/notification-provider';
import { NotificationMetrics } from './ports/notification-metrics';
import { NotificationOutbox } from './ports/notification-outbox';
import { NotificationTransport } from './ports/notification-transport';

/**
 * Makes one attempt of one due delivery: claims it (one sender per attempt across replicas), sends it, records
 * the outcome. Failures are retried with exponential backoff and jitter up to NOTIFY_MAX_ATTEMPTS, then the
 * delivery is dead (replayable). A dead notification notifies nobody: that would be a loop.
 */
@Injectable()
export class NotificationDeliverer {
  private readonly logger = new Logger(NotificationDeliverer.name);
  private readonly inFlight = new InFlightWork();

  constructor(
    private readonly outbox: NotificationOutbox,
    private readonly transport: NotificationTransport,
    private readonly metrics: NotificationMetrics,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  deliver(delivery: NotificationDelivery): Promise<void> {
    return this.inFlight.track(this.attempt(delivery));
  }

  /** Resolves when no attempt is in flight (graceful shutdown). */
  flush(): Promise<void> {
    return this.inFlight.flush();
  }

  private async attempt(delivery: NotificationDelivery): Promise<void> {
    const settings = this.config.notifications;
    const claimTtlMs = 2 * settings.sendTimeoutMs + 5000;
    const claimKey = `${delivery.id}#${delivery.replays}#${delivery.attempts}`;
    if (!(await this.outbox.claim(claimKey, this.clock.now(), claimTtlMs))) return;
    // The relay's view may be old: if another replica made this attempt meanwhile, leave it.
    const current = await this.outbox.findById(delivery.id);
    if (
      !current ||
      current.status !== 'pending' ||
      current.attempts !== delivery.attempts ||
      current.replays !== delivery.replays
    )
      return;
    const n = current.notification;
    const log = {
      notificationId: current.id,
      route: current.route,
      provider: current.provider,
      recipient: recipientKey(current.recipient),
      workerId: n.workerId,
      ...('labId' in n ? { labId: n.labId } : {}),
      attempts: current.attempts + 1,
    };
    const sender = this.transport.senderFor(current.provider);
    let error: string | null = null;
    try {
      if (!sender) throw new Error(`provider ${current.provider} is no longer configured`);
      await sender.send(n, current.recipient, settings.sendTimeoutMs);
    } catch (e) {
      error = (e as Error).message;
    }
    const outcome = attemptOutcome(current, error, this.clock.now(), settings.maxAttempts, (attempt) =>
      retryDelayMs(attempt, settings.retryBaseMs),
    );
    await this.outbox.record(current, outcome);
    if (outcome.status === 'delivered') {
      this.metrics.sent(current.provider);
      this.logger.log(log, 'Notification delivered');
    } else if (outcome.status === 'dead') {
      this.metrics.failed(current.provider);
      this.metrics.dead(current.provider);
      this.logger.error({ ...log, err: error }, 'Notification failed for good; kept as dead');
    } else {
      this.metrics.failed(current.provider);
      this.logger.warn(
        { ...log, err: error, retryAt: outcome.nextAttemptAt.toISOString() },
        'Notification failed; will retry',
      );
    }
  }
}
