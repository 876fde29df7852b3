import { Query } from '@nestjs/cqrs';
import { WorkerView } from '../../worker.view';

export class GetWorkerQuery extends Query<WorkerView> {
  constructor(readonly workerId: string) {
    super();
  }
}
