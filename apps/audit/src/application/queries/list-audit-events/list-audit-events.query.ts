import { Query } from '@nestjs/cqrs';
import { AuditEventFilter } from '../../ports/audit-event.repository';
import { AuditEventView } from './audit-event.view';

export class ListAuditEventsQuery extends Query<{ items: AuditEventView[] }> {
  constructor(readonly filter: AuditEventFilter) {
    super();
  }
}
