import { Query } from '@nestjs/cqrs';
import { Page } from '@app/common';
import { AuditEventCriteria } from '../../ports/audit-event.repository';
import { AuditEventView } from './audit-event.view';

export type ListAuditEventsFilter = Omit<AuditEventCriteria, 'after'> & {
  /** `nextCursor` of the previous page; none for the first page. */
  cursor?: string;
  limit: number;
};

/** One page of the audit trail, newest first; `nextCursor` is null on the last page. */
export class ListAuditEventsQuery extends Query<Page<AuditEventView>> {
  constructor(readonly filter: ListAuditEventsFilter) {
    super();
  }
}
