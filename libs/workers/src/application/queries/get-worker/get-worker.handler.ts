import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@app/common';
import { WorkerRepository } from '../../ports/worker.repository';
import { toWorkerView, WorkerView } from '../../worker.view';
import { GetWorkerQuery } from './get-worker.query';

@QueryHandler(GetWorkerQuery)
export class GetWorkerHandler implements IQueryHandler<GetWorkerQuery, WorkerView> {
  constructor(private readonly workers: WorkerRepository) {}

  async execute({ workerId }: GetWorkerQuery): Promise<WorkerView> {
    const worker = await this.workers.findById(workerId);
    if (!worker) throw new NotFoundError(`Worker ${workerId} not found`);
    return toWorkerView(worker);
  }
}
