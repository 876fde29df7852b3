import { Injectable, Logger } from '@nestjs/common';
import { HttpCloudEventSender, retryDelayMs } from '@app/cloud-events';
import { AppConfig, Clock } from '@app/common';
import { withStoredTraceContext } from '@app/telemetry';
import { LabEventOutbox, OutboxDelivery, OutboxEntry } from '../ports/lab-event-outbox';
import { labCloudEvent } from './lab-cloud-event';

/**
 * Sends the due deliveries of one outbox entry, one sink at a time per claim, all sinks in
 * parallel. Failures are retried with exponential backoff and jitter until OUTBOX_MAX_ATTEMPTS,
 * then the delivery is dead (replayable through POST /api/outbox/:eventId/retry).
 */
@Injectable()
export class LabEventDeliverer {
  private readonly logger = new Logger(LabEventDeliverer.name);
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly outbox: LabEventOutbox,
    private readonly sender: HttpCloudEventSender,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async deliver(entry: OutboxEntry): Promise<void> {
    // The sends and the writes of their outcomes join the trace of the request or the reconciliation
    // that made the removal, however much later they run.
    const work = withStoredTraceContext(entry.event.traceparent, () => this.deliverAll(entry));
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  /** Resolves when no delivery is in flight (graceful shutdown). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
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
    try {
      await this.sender.send(delivery.sink, cloudEvent, this.config.outbox.sendTimeoutMs);
      this.logger.log({ ...log, attempts, type: cloudEvent.type }, 'CloudEvent delivered');
      return { ...delivery, status: 'delivered', attempts, lastError: null, deliveredAt: this.clock.now() };
    } catch (error) {
      const lastError = (error as Error).message;
      if (attempts >= this.config.outbox.maxAttempts) {
        this.logger.error(
          { ...log, attempts, err: lastError },
          'CloudEvent delivery failed for good; kept as dead',
        );
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
