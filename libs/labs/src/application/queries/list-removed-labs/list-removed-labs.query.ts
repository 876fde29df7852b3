import { Query } from '@nestjs/cqrs';
import { RemovedLabView } from '../../lab.view';

/** GET /api/workers/:workerId/labs?removed=true: the worker's removed records, newest removal first. */
export class ListRemovedLabsQuery extends Query<{ items: RemovedLabView[]; nextCursor: null }> {
  constructor(
    readonly workerId: string,
    readonly limit: number,
  ) {
    super();
  }
}
