import { Query } from '@nestjs/cqrs';
import { Page } from '@app/common';
import { LabState } from '../../../domain/lab-state';
import { LabView } from '../../lab.view';

export class ListWorkerLabsQuery extends Query<Page<LabView>> {
  constructor(
    readonly workerId: string,
    readonly filter: { state?: LabState; owner?: string; limit: number; cursor?: string },
  ) {
    super();
  }
}
