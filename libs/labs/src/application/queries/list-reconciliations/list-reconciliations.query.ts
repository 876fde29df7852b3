import { Query } from '@nestjs/cqrs';
import { ReconciliationRun } from '../../ports/reconciliation-run.repository';

export class ListReconciliationsQuery extends Query<{ items: ReconciliationRun[] }> {
  constructor(readonly limit = 50) {
    super();
  }
}
