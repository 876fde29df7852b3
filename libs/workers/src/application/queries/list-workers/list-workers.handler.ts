import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeCursor, encodeCursor, Page } from '@app/common';
import { WorkerRepository } from '../../ports/worker.repository';
import { toWorkerView, WorkerView } from '../../worker.view';
import { ListWorkersQuery } from './list-workers.query';

@QueryHandler(ListWorkersQuery)
export class ListWorkersHandler implements IQueryHandler<ListWorkersQuery, Page<WorkerView>> {
  constructor(private readonly workers: WorkerRepository) {}

  async execute({ limit, cursor }: ListWorkersQuery): Promise<Page<WorkerView>> {
    const page = await this.workers.page(limit, decodeCursor(cursor));
    return {
      items: page.items.map(toWorkerView),
      nextCursor: page.nextCursor === null ? null : encodeCursor(page.nextCursor),
    };
  }
}
