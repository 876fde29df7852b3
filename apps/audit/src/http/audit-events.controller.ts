import { Controller, Get, Logger, Query, Res, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Page } from '@app/common';
import { ExportAuditEventsQuery } from '../application/queries/export-audit-events/export-audit-events.query';
import { AuditEventView } from '../application/queries/list-audit-events/audit-event.view';
import { ListAuditEventsQuery } from '../application/queries/list-audit-events/list-audit-events.query';
import { criteriaOf } from './audit-event-criteria.dto';
import { ViewerGuard } from './auth/viewer.guard';
import { ExportAuditEventsQueryDto } from './export-audit-events-query.dto';
import { ListAuditEventsQueryDto } from './list-audit-events-query.dto';

/** The audit trail, for viewers (the API's JWT with the viewer role), the export included. */
@Controller('api/audit-events')
@UseGuards(ViewerGuard)
export class AuditEventsController {
  private readonly logger = new Logger(AuditEventsController.name);

  constructor(private readonly queries: QueryBus) {}

  /** A page of stored events, newest `time` first; `nextCursor` (null on the last page) asks for the next. */
  @Get()
  list(@Query() query: ListAuditEventsQueryDto): Promise<Page<AuditEventView>> {
    return this.queries.execute(
      new ListAuditEventsQuery({ ...criteriaOf(query), cursor: query.cursor, limit: query.limit }),
    );
  }

  /**
   * Every matching event as a file, streamed from a database cursor: the cursor is read only as fast as the
   * client reads (back-pressure through the pipeline), and a client that goes away ends the pipeline, which
   * closes the cursor. An error before the first byte is a problem+json; after it, the response is cut off (a
   * chunked response without its last chunk), so a client never takes a truncated file for a whole one.
   */
  @Get('export')
  async export(@Query() query: ExportAuditEventsQueryDto, @Res() res: Response): Promise<void> {
    const file = await this.queries.execute(new ExportAuditEventsQuery(criteriaOf(query), query.format));
    const chunks = file.chunks[Symbol.asyncIterator]();
    const first = await chunks.next();
    res.status(200).set({
      'Content-Type': file.contentType,
      'Content-Disposition': `attachment; filename="${file.fileName}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    async function* all(): AsyncGenerator<string> {
      if (first.done) return;
      yield first.value;
      // Delegated, so that ending this generator early ends (and closes) the export's too.
      yield* { [Symbol.asyncIterator]: () => chunks };
    }
    try {
      // One chunk buffered at a time besides the socket's: memory stays flat whatever the export's size.
      await pipeline(Readable.from(all(), { highWaterMark: 1 }), res);
    } catch (error) {
      const gone = (error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE';
      if (gone) this.logger.log({ format: query.format }, 'audit export stopped: the client went away');
      else this.logger.error({ err: error, format: query.format }, 'audit export failed midway');
    }
  }
}
