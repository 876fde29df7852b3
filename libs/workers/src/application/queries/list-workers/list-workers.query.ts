import { Query } from '@nestjs/cqrs';
import { Page } from '@app/common';
import { WorkerView } from '../../worker.view';

export class ListWorkersQuery extends Query<Page<WorkerView>> {
  constructor(
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
