import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import pLimit from 'p-limit';
import { LabEventDeliverer } from '../../outbox/lab-event-deliverer';
import { LabEventOutbox } from '../../ports/lab-event-outbox';
import { DeliverLabEventCommand } from './deliver-lab-event.command';

/**
 * How many removals the fast path sends at once, and how many may wait for it. A bulk of 10,000
 * removals (a class's labs, an approval) must not open 10,000 sink connections nor hold 10,000
 * pending sends in memory: beyond the queue, the fast path steps aside and the outbox relay, which
 * sends in bounded sweeps, delivers them (they are stored in their tombstones either way).
 */
export const FAST_PATH_CONCURRENCY = 8;
export const FAST_PATH_MAX_QUEUED = 1000;

@CommandHandler(DeliverLabEventCommand)
export class DeliverLabEventHandler implements ICommandHandler<DeliverLabEventCommand, void> {
  private readonly logger = new Logger(DeliverLabEventHandler.name);
  private readonly limit = pLimit(FAST_PATH_CONCURRENCY);

  constructor(
    private readonly outbox: LabEventOutbox,
    private readonly deliverer: LabEventDeliverer,
  ) {}

  /** Never throws: saga-dispatched commands are not awaited, and the relay retries whatever is left. */
  async execute({ recordId }: DeliverLabEventCommand): Promise<void> {
    if (this.limit.pendingCount >= FAST_PATH_MAX_QUEUED) return;
    await this.limit(async () => {
      try {
        // Every event the record stores, oldest first: after a restore, the removal it undid may
        // still be pending beside the restore's own event.
        for (const entry of await this.outbox.findEntriesOf(recordId)) {
          // No sink was configured when the event was stored: there is nothing to send, and the
          // relay never finds such an entry due (its due time is null), so nothing to settle either.
          // A settled one has nothing to send either.
          if (entry.deliveries.some((d) => d.status === 'pending')) await this.deliverer.deliver(entry);
        }
      } catch (error) {
        this.logger.warn(
          { recordId, err: (error as Error).message },
          'fast-path delivery failed; the relay will retry',
        );
      }
    });
  }
}
