import { QueryBus } from '@nestjs/cqrs';
import { GetWorkerSyncStatesQuery, WorkerSyncState } from '@app/labs';
import { WorkerView } from '@app/workers';

/**
 * The Worker of the HTTP contract: the workers context's settings, with the labs context's sync
 * state of that worker (its last reconciliation, and what the last contact with CML learned).
 */
export type WorkerResponse = WorkerView & Pick<WorkerSyncState, 'lastReconcile' | 'cml'>;

/** Adds the sync states to the views, in one read for all of them. */
export async function withSyncStates(queries: QueryBus, views: WorkerView[]): Promise<WorkerResponse[]> {
  const states = await queries.execute(new GetWorkerSyncStatesQuery(views.map((v) => v.id)));
  return views.map((view) => {
    const state = states.get(view.id);
    return { ...view, lastReconcile: state?.lastReconcile ?? null, cml: state?.cml ?? null };
  });
}
