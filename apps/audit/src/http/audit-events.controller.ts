import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { AuditEventView } from '../application/queries/list-audit-events/audit-event.view';
import { ListAuditEventsQuery } from '../application/queries/list-audit-events/list-audit-events.query';
import { ListAuditEventsQueryDto } from './list-audit-events-query.dto';

@Controller('api/audit-events')
export class AuditEventsController {
  constructor(private readonly queries: QueryBus) {}

  /** Stored events, newest `time` first. */
  @Get()
  list(@Query() query: ListAuditEventsQueryDto): Promise<{ items: AuditEventView[] }> {
    return this.queries.execute(
      new ListAuditEventsQuery({
        workerId: query.workerId,
        labId: query.labId,
        type: query.type,
        since: query.since === undefined ? undefined : new Date(query.since),
        limit: query.limit,
      }),
    );
  }
}
