import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReconciliationRun, ReconciliationRunRepository } from '../../ports/reconciliation-run.repository';
import { ListReconciliationsQuery } from './list-reconciliations.query';

@QueryHandler(ListReconciliationsQuery)
export class ListReconciliationsHandler implements IQueryHandler<
  ListReconciliationsQuery,
  { items: ReconciliationRun[] }
> {
  constructor(private readonly runs: ReconciliationRunRepository) {}

  async execute({ limit }: ListReconciliationsQuery): Promise<{ items: ReconciliationRun[] }> {
    return { items: await this.runs.list(limit) };
  }
}
