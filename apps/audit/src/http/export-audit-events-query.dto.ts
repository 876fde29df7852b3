import { IsIn } from 'class-validator';
import {
  AUDIT_EXPORT_FORMATS,
  AuditExportFormat,
} from '../application/queries/export-audit-events/export-audit-events.query';
import { AuditEventCriteriaDto } from './audit-event-criteria.dto';

/** Query of `GET /api/audit-events/export`: the list's filters (no paging: the file has every match) and a format. */
export class ExportAuditEventsQueryDto extends AuditEventCriteriaDto {
  @IsIn(AUDIT_EXPORT_FORMATS, { message: 'format must be csv or ndjson' })
  format!: AuditExportFormat;
}
