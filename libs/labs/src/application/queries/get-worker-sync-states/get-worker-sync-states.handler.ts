import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { WorkerSyncState } from '../../../domain/worker-sync-state';
import { WorkerSyncStateRepository } from '../../ports/worker-sync-state.repository';
import { GetWorkerSyncStatesQuery } from './get-worker-sync-states.query';

@QueryHandler(GetWorkerSyncStatesQuery)
export class GetWorkerSyncStatesHandler implements IQueryHandler<
  GetWorkerSyncStatesQuery,
  Map<string, WorkerSyncState>
> {
  constructor(private readonly syncStates: WorkerSyncStateRepository) {}

  execute({ workerIds }: GetWorkerSyncStatesQuery): Promise<Map<string, WorkerSyncState>> {
    return this.syncStates.findMany(workerIds);
  }
}
