export type ReconcileTrigger = 'manual' | 'scheduled';
export type ReconcileStatus = 'succeeded' | 'skipped' | 'failed';

/** What one reconciliation of one worker did; kept on the worker and in the run history. */
export interface ReconcileSummary {
  reconciliationId: string;
  workerId: string;
  trigger: ReconcileTrigger;
  status: ReconcileStatus;
  reason?: string;
  created: number;
  updated: number;
  unchanged: number;
  orphansRemoved: number;
  orphansPending: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}
