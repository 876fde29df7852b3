import { Command } from '@nestjs/cqrs';
import { LabAuditEvent } from '../../../domain/lab-audit-event';

export interface RecordAuditEventResult {
  /** false when the event (same source + id) was stored before: a redelivery. */
  stored: boolean;
}

export class RecordAuditEventCommand extends Command<RecordAuditEventResult> {
  constructor(readonly event: LabAuditEvent) {
    super();
  }
}
