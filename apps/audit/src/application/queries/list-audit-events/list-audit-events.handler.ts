import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AuditEventRepository } from '../../ports/audit-event.repository';
import { AuditEventView } from './audit-event.view';
import { ListAuditEventsQuery } from './list-audit-events.query';

@QueryHandler(ListAuditEventsQuery)
export class ListAuditEventsHandler implements IQueryHandler<
  ListAuditEventsQuery,
  { items: AuditEventView[] }
> {
  constructor(private readonly events: AuditEventRepository) {}

  async execute({ filter }: ListAuditEventsQuery): Promise<{ items: AuditEventView[] }> {
    const events = await this.events.find(filter);
    return {
      items: events.map((e) => ({
        source: e.source,
        id: e.id,
        type: e.type,
        subject: e.subject,
        time: e.time,
        workerId: e.workerId,
        labId: e.labId,
        data: { ...e.data },
        receivedAt: e.receivedAt,
      })),
    };
  }
}
