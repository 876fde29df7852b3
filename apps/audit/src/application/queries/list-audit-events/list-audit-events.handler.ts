import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Page } from '@app/common';
import { positionOf } from '../../../domain/audit-event-position';
import { AuditEventRepository } from '../../ports/audit-event.repository';
import { decodeAuditEventCursor, encodeAuditEventCursor } from './audit-event-cursor';
import { AuditEventView, toAuditEventView } from './audit-event.view';
import { ListAuditEventsQuery } from './list-audit-events.query';

@QueryHandler(ListAuditEventsQuery)
export class ListAuditEventsHandler implements IQueryHandler<ListAuditEventsQuery, Page<AuditEventView>> {
  constructor(private readonly events: AuditEventRepository) {}

  /**
   * Keyset paging: the cursor is the position of the page's last event, the next page is what comes after it
   * in the total order. One more than `limit` is read to know whether there is a next page, so the last page
   * says so (nextCursor null) instead of leading to an empty one.
   */
  async execute({ filter }: ListAuditEventsQuery): Promise<Page<AuditEventView>> {
    const { cursor, limit, ...criteria } = filter;
    const after = decodeAuditEventCursor(cursor);
    const events = await this.events.find({ ...criteria, after, limit: limit + 1 });
    const items = events.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toAuditEventView),
      nextCursor: events.length > limit && last ? encodeAuditEventCursor(positionOf(last)) : null,
    };
  }
}
