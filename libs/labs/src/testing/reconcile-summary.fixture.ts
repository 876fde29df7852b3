import { ReconcileSummary } from '../domain/reconcile-summary';

/** A succeeded enforce run of one worker that changed nothing, for specs that need any summary. */
export function aReconcileSummary(workerId: string, over: Partial<ReconcileSummary> = {}): ReconcileSummary {
  return {
    reconciliationId: 'r-1',
    workerId,
    trigger: 'scheduled',
    status: 'succeeded',
    mode: 'enforce',
    created: 0,
    updated: 0,
    unchanged: 1,
    orphansRemoved: 0,
    orphansPending: 0,
    restored: 0,
    candidates: [],
    startedAt: '2026-02-05T00:00:00.000Z',
    finishedAt: '2026-02-05T00:00:01.000Z',
    durationMs: 1000,
    ...over,
  };
}
