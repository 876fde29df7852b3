import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { LabEventOutbox } from '../../ports/lab-event-outbox';
import { ListOutboxQuery, OutboxItemView } from './list-outbox.query';

/** One item per undelivered (event, sink): the backlog and the dead letters of the audit trail. */
@QueryHandler(ListOutboxQuery)
export class ListOutboxHandler implements IQueryHandler<ListOutboxQuery, { items: OutboxItemView[] }> {
  constructor(private readonly outbox: LabEventOutbox) {}

  async execute({ status }: ListOutboxQuery): Promise<{ items: OutboxItemView[] }> {
    const entries = await this.outbox.list(status, 1000);
    const items = entries.flatMap((entry) =>
      entry.deliveries.map((d) => ({
        eventId: entry.event.eventId,
        type: entry.event.type,
        workerId: entry.event.workerId,
        labId: entry.event.labId,
        sink: d.sink,
        status: d.status,
        attempts: d.attempts,
        nextAttemptAt: d.nextAttemptAt.toISOString(),
        lastError: d.lastError,
      })),
    );
    return { items };
  }
}
