import { Query } from '@nestjs/cqrs';
import { WorkerSyncState } from '../../../domain/worker-sync-state';

/** The sync state of each of these workers (what the API shows as `lastReconcile` and `cml`). */
export class GetWorkerSyncStatesQuery extends Query<Map<string, WorkerSyncState>> {
  constructor(readonly workerIds: readonly string[]) {
    super();
  }
}
