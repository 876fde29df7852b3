import { CmlContact } from '../../domain/cml-contact';
import { ReconcileSummary } from '../../domain/reconcile-summary';
import { WorkerSyncState } from '../../domain/worker-sync-state';

/** The sync state of each worker, one document a worker, keyed by its id. */
export abstract class WorkerSyncStateRepository {
  /** The worker's state; an empty one when it was never reconciled. */
  abstract find(workerId: string): Promise<WorkerSyncState>;
  /** The states of these workers, in one read; workers never reconciled get an empty one. */
  abstract findMany(workerIds: readonly string[]): Promise<Map<string, WorkerSyncState>>;
  /**
   * Records the outcome of a reconciliation, in one write.
   * @param successfulSyncAt set only by a run that confirmed every record against a trusted list.
   * @param cml what the run learned of the controller; the stored one is kept when absent.
   */
  abstract record(
    workerId: string,
    summary: ReconcileSummary,
    successfulSyncAt: Date | null,
    cml?: CmlContact,
  ): Promise<void>;
  abstract remove(workerId: string): Promise<void>;
}
