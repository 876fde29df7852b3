import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@app/common';
import { ReconciliationRun, ReconciliationRunRepository } from '../../ports/reconciliation-run.repository';
import { GetReconciliationQuery } from './get-reconciliation.query';

@QueryHandler(GetReconciliationQuery)
export class GetReconciliationHandler implements IQueryHandler<GetReconciliationQuery, ReconciliationRun> {
  constructor(private readonly runs: ReconciliationRunRepository) {}

  async execute({ id }: GetReconciliationQuery): Promise<ReconciliationRun> {
    const run = await this.runs.get(id);
    if (!run) throw new NotFoundError(`Reconciliation ${id} not found`);
    return run;
  }
}
