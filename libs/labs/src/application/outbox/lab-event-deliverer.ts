import { Injectable, Logger, Optional } from '@nestjs/common';
import { HttpCloudEventSender, retryDelayMs } from '@app/cloud-events';
import { AppConfig, Clock, InFlightWork } from '@app/common';
import { INTERNAL_NOTIFICATIONS_SINK, NotificationIntake } from '@app/notifications';
import { withStoredTraceContext } from '@app/telemetry';
import { LabEventOutbox, OutboxDelivery, OutboxEntry } from '../ports/lab-event-outbox';
import { labCloudEvent } from './lab-cloud-event';

/**
 * Sends the due deliveries of one outbox entry, one sink at a time per claim, all sinks in
 * parallel. Failures are retried with exponential backoff and jitter until OUTBOX_MAX_ATTEMPTS,
 * then the delivery is dead (replayable through POST /api/outbox/:eventId/retry).
 *
 * The delivery to INTERNAL_NOTIFICATIONS_SINK is no CloudEvent: its "send" is the idempotent enqueue of the
 * removal's notifications (NotificationIntake), with this outbox's retries, dead letters and replay.
 */
@Injectable()
export class LabEventDeliverer {
  private readonly logger = new Logger(LabEventDeliverer.name);
  private readonly inFlight = new InFlightWork();

  constructor(
    private readonly outbox: LabEventOutbox,
    private readonly sender: HttpCloudEventSender,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Optional() private readonly notifications?: NotificationIntake,
  ) {}

  deliver(entry: OutboxEntry): Promise<void> {
    // The sends and the writes of their outcomes join the trace of the request or the reconciliation
    // that made the removal, however much later they run.
    return this.inFlight.track(withStoredTraceContext(entry.event.traceparent, () => this.deliverAll(entry)));
  }

  /** Resolves when no delivery is in flight (graceful shutdown). */
  flush(): Promise<void> {
    return this.inFlight.flush();
  }

  private async deliverAll(entry: OutboxEntry): Promise<void> {
    const now = this.clock.now();
    // Found due with nothing due in it: fix the stored due time instead of sending nothing forever.
    if (!entry.deliveries.some((d) => d.status === 'pending' && d.nextAttemptAt <= now)) {
      await this.outbox.resettle(entry.recordId);
      return;
    }
    const claimTtlMs = 2 * this.config.outbox.sendTimeoutMs + 5000;
    // Sends run in parallel (a slow sink holds back no other); the writes to the one document run
    // one after the other, since FerretDB would let concurrent updates of one document overwrite
    // each other.
    let writes = Promise.resolve();
    await Promise.all(
      entry.deliveries.map(async (delivery, index) => {
        if (delivery.status !== 'pending' || delivery.nextAttemptAt > now) return;
        const claimKey = `${entry.event.eventId}#${index}#${delivery.replays}#${delivery.attempts}`;
        if (!(await this.outbox.claim(claimKey, now, claimTtlMs))) return;
        // The view may be old (a long relay sweep): if the attempt was made meanwhile, leave it.
        if (!(await this.stillDue(entry, index, delivery))) return;
        const outcome = await this.attempt(entry, delivery);
        writes = writes.then(() =>
          this.outbox.recordAttempt(entry.recordId, index, outcome, entry.event.eventId),
        );
        await writes;
      }),
    );
  }

  private async attempt(entry: OutboxEntry, delivery: OutboxDelivery): Promise<OutboxDelivery> {
    const { event } = entry;
    const log = { eventId: event.eventId, workerId: event.workerId, labId: event.labId, sink: delivery.sink };
    const cloudEvent = labCloudEvent(event, {
      source: this.config.cloudEventsSource,
      typePrefix: this.config.cloudEventsTypePrefix,
    });
    const attempts = delivery.attempts + 1;
    const internal = delivery.sink === INTERNAL_NOTIFICATIONS_SINK;
    try {
      if (internal) {
        await this.queueNotifications(entry);
        this.logger.log({ ...log, attempts, type: event.type }, 'Removal notifications queued');
      } else {
        await this.sender.send(delivery.sink, cloudEvent, this.config.outbox.sendTimeoutMs);
        this.logger.log({ ...log, attempts, type: cloudEvent.type }, 'CloudEvent delivered');
      }
      return { ...delivery, status: 'delivered', attempts, lastError: null, deliveredAt: this.clock.now() };
    } catch (error) {
      const lastError = (error as Error).message;
      if (attempts >= this.config.outbox.maxAttempts) {
        this.logger.error(
          { ...log, attempts, err: lastError },
          'CloudEvent delivery failed for good; kept as dead',
        );
        // Told to people, except for the notifications' own delivery: its enqueue is what failed.
        if (!internal) await this.notifyDead(entry, delivery, attempts, lastError);
        return { ...delivery, status: 'dead', attempts, lastError };
      }
      const delay = retryDelayMs(attempts, this.config.outbox.retryBaseMs);
      this.logger.warn(
        { ...log, attempts, retryInMs: delay, err: lastError },
        'CloudEvent delivery failed; will retry',
      );
      return {
        ...delivery,
        attempts,
        lastError,
        nextAttemptAt: new Date(this.clock.now().getTime() + delay),
      };
    }
  }

  private async queueNotifications(entry: OutboxEntry): Promise<void> {
    if (!this.notifications) throw new Error('notifications are not available in this process');
    const { event, owner } = entry;
    // A restore's event has no notifications delivery; one stored by an older version tells nobody.
    if (event.type === 'lab.restored') return;
    await this.notifications.labRemoved({
      eventId: event.eventId,
      type: event.type,
      workerId: event.workerId,
      labId: event.labId,
      labTitle: event.labTitle,
      owner: event.owner,
      occurredAt: event.occurredAt,
      ...(event.type === 'lab.deleted'
        ? {
            deletedBy: event.deletedBy,
            ...(event.deletedByUsername ? { deletedByUsername: event.deletedByUsername } : {}),
            alreadyAbsentInCml: event.alreadyAbsentInCml,
          }
        : { trigger: event.trigger, reconciliationId: event.reconciliationId }),
      ownerId: owner.id,
      ownerUsername: owner.username,
    });
  }

  private async notifyDead(
    entry: OutboxEntry,
    delivery: OutboxDelivery,
    attempts: number,
    lastError: string,
  ): Promise<void> {
    if (!this.notifications?.enabled) return;
    await this.notifications.labEventDead({
      eventId: entry.event.eventId,
      eventType: entry.event.type,
      workerId: entry.event.workerId,
      labId: entry.event.labId,
      sink: delivery.sink,
      replays: delivery.replays,
      attempts,
      lastError,
      occurredAt: this.clock.now().toISOString(),
    });
  }

  private async stillDue(entry: OutboxEntry, index: number, seen: OutboxDelivery): Promise<boolean> {
    const stored = await this.outbox.findEntriesOf(entry.recordId);
    const current = stored.find((e) => e.event.eventId === entry.event.eventId)?.deliveries[index];
    return (
      current !== undefined &&
      current.status === 'pending' &&
      current.attempts === seen.attempts &&
      current.replays === seen.replays
    );
  }
}
