import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { AuditEventView } from '../application/queries/list-audit-events/audit-event.view';
import { ListAuditEventsQuery } from '../application/queries/list-audit-events/list-audit-events.query';
import { ViewerGuard } from './auth/viewer.guard';
import { ListAuditEventsQueryDto } from './list-audit-events-query.dto';

/** The audit trail, for viewers (the API's JWT with the viewer role). */
@Controller('api/audit-events')
@UseGuards(ViewerGuard)
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
