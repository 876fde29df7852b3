import { Query } from '@nestjs/cqrs';
import { AuditEventCriteria } from '../../ports/audit-event.repository';
import { AuditExport } from './audit-export';

export const AUDIT_EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

/** Every matching event, newest first, as a file: CSV for spreadsheets, NDJSON (the API's JSON) for programs. */
export class ExportAuditEventsQuery extends Query<AuditExport> {
  constructor(
    readonly criteria: Omit<AuditEventCriteria, 'after'>,
    readonly format: AuditExportFormat,
  ) {
    super();
  }
}
