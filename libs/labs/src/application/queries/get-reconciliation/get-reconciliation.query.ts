import { Query } from '@nestjs/cqrs';
import { ReconciliationRun } from '../../ports/reconciliation-run.repository';

export class GetReconciliationQuery extends Query<ReconciliationRun> {
  constructor(readonly id: string) {
    super();
  }
}
