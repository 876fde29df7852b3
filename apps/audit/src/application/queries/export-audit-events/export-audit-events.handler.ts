import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Clock } from '@app/common';
import { AuditEventCriteria, AuditEventRepository } from '../../ports/audit-event.repository';
import { AuditEventView, toAuditEventView } from '../list-audit-events/audit-event.view';
import { AUDIT_CSV_HEADER, auditEventCsvLine } from './audit-event-csv';
import { AuditExport } from './audit-export';
import { AuditExportFormat, ExportAuditEventsQuery } from './export-audit-events.query';

/** About how many characters a chunk holds: lines are written in pieces this big, not one write per event. */
export const EXPORT_CHUNK_CHARS = 64 * 1024;

const FORMATS: Record<
  AuditExportFormat,
  { contentType: string; header: string; line: (e: AuditEventView) => string }
> = {
  csv: {
    contentType: 'text/csv; charset=utf-8; header=present',
    header: AUDIT_CSV_HEADER,
    line: auditEventCsvLine,
  },
  ndjson: {
    contentType: 'application/x-ndjson; charset=utf-8',
    header: '',
    line: (e) => `${JSON.stringify(e)}\n`,
  },
};

/** `20261201T141122Z`: sortable, and no character a file system or a header would mind. */
function fileTime(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

@QueryHandler(ExportAuditEventsQuery)
export class ExportAuditEventsHandler implements IQueryHandler<ExportAuditEventsQuery, AuditExport> {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly clock: Clock,
  ) {}

  async execute({ criteria, format }: ExportAuditEventsQuery): Promise<AuditExport> {
    const { contentType, header, line } = FORMATS[format];
    return {
      contentType,
      fileName: `audit-events-${fileTime(this.clock.now())}.${format}`,
      chunks: this.chunks(criteria, header, line),
    };
  }

  /**
   * The header and the lines, gathered into chunks. The first chunk comes only after the first read from the
   * database, so that a database that is down is an error response, not a file cut after its header.
   */
  private async *chunks(
    criteria: AuditEventCriteria,
    header: string,
    line: (e: AuditEventView) => string,
  ): AsyncGenerator<string> {
    let chunk = header;
    for await (const event of this.events.stream(criteria)) {
      chunk += line(toAuditEventView(event));
      if (chunk.length >= EXPORT_CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk !== '') yield chunk;
  }
}
