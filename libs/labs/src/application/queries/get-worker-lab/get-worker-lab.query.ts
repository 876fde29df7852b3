import { Query } from '@nestjs/cqrs';
import { LabView } from '../../lab.view';

export class GetWorkerLabQuery extends Query<LabView> {
  constructor(
    readonly workerId: string,
    readonly labId: string,
  ) {
    super();
  }
}
