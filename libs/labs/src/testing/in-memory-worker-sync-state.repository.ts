import { WorkerSyncStateRepository } from '../application/ports/worker-sync-state.repository';
import { CmlContact } from '../domain/cml-contact';
import { ReconcileSummary } from '../domain/reconcile-summary';
import { emptySyncState, WorkerSyncState } from '../domain/worker-sync-state';

/**
 * WorkerSyncStateRepository without a database, as the Mongo one keeps it: one state a worker,
 * a recorded summary replaces the last one, lastSuccessfulSyncAt and the contact change only when
 * given. Every read returns a fresh copy.
 */
export class InMemoryWorkerSyncStateRepository extends WorkerSyncStateRepository {
  private readonly states = new Map<string, WorkerSyncState>();

  async find(workerId: string): Promise<WorkerSyncState> {
    return structuredClone(this.states.get(workerId) ?? emptySyncState(workerId));
  }

  async findMany(workerIds: readonly string[]): Promise<Map<string, WorkerSyncState>> {
    return new Map(await Promise.all(workerIds.map(async (id) => [id, await this.find(id)] as const)));
  }

  async record(
    workerId: string,
    summary: ReconcileSummary,
    successfulSyncAt: Date | null,
    cml?: CmlContact,
  ): Promise<void> {
    const state = this.states.get(workerId) ?? emptySyncState(workerId);
    state.lastReconcile = structuredClone(summary);
    if (successfulSyncAt) state.lastSuccessfulSyncAt = new Date(successfulSyncAt);
    if (cml) state.cml = structuredClone(cml);
    this.states.set(workerId, state);
  }

  async remove(workerId: string): Promise<void> {
    this.states.delete(workerId);
  }
}
