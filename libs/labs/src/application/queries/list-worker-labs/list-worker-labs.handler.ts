import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeCursor, encodeCursor, Page } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { LabRecordRepository } from '../../ports/lab-record.repository';
import { WorkerSyncStateRepository } from '../../ports/worker-sync-state.repository';
import { LabView, toLabView } from '../../lab.view';
import { ListWorkerLabsQuery } from './list-worker-labs.query';

@QueryHandler(ListWorkerLabsQuery)
export class ListWorkerLabsHandler implements IQueryHandler<ListWorkerLabsQuery, Page<LabView>> {
  constructor(
    private readonly directory: WorkerDirectory,
    private readonly labs: LabRecordRepository,
    private readonly syncStates: WorkerSyncStateRepository,
  ) {}

  async execute({ workerId, filter }: ListWorkerLabsQuery): Promise<Page<LabView>> {
    const afterLabId = decodeCursor(filter.cursor);
    await this.directory.require(workerId);
    const page = await this.labs.page(workerId, {
      state: filter.state,
      owner: filter.owner,
      limit: filter.limit,
      afterLabId,
    });
    const { lastSuccessfulSyncAt: syncedAt } = await this.syncStates.find(workerId);
    return {
      items: page.items.map((r) => toLabView(r, syncedAt)),
      nextCursor: page.nextCursor === null ? null : encodeCursor(page.nextCursor),
    };
  }
}
