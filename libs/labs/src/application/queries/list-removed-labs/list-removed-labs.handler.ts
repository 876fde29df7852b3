import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { WorkerDirectory } from '@app/workers';
import { LabRecordRepository } from '../../ports/lab-record.repository';
import { RemovedLabView, toRemovedLabView } from '../../lab.view';
import { ListRemovedLabsQuery } from './list-removed-labs.query';

/**
 * The removed records of a worker (tombstones, kept until TOMBSTONE_RETENTION_SECONDS after their
 * events are delivered), newest removal first, up to `limit`: one page, no cursor.
 */
@QueryHandler(ListRemovedLabsQuery)
export class ListRemovedLabsHandler implements IQueryHandler<
  ListRemovedLabsQuery,
  { items: RemovedLabView[]; nextCursor: null }
> {
  constructor(
    private readonly directory: WorkerDirectory,
    private readonly labs: LabRecordRepository,
  ) {}

  async execute({
    workerId,
    limit,
  }: ListRemovedLabsQuery): Promise<{ items: RemovedLabView[]; nextCursor: null }> {
    await this.directory.require(workerId);
    const records = await this.labs.findRemoved(workerId, limit);
    return { items: records.map(toRemovedLabView), nextCursor: null };
  }
}
