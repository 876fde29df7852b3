export type ReconcileTrigger = 'manual' | 'scheduled';
export type ReconcileStatus = 'succeeded' | 'skipped' | 'failed';
/**
 * How the run applied what it found: `enforce` wrote it, `observe` (the worker's reconcileMode)
 * and `dry-run` (`refresh?dryRun=true`) wrote nothing. Only an enforce run can confirm a sync.
 */
export type ReconcileRunMode = 'enforce' | 'observe' | 'dry-run';

/** What one reconciliation of one worker did; kept as the worker's sync state and in the run history. */
export interface ReconcileSummary {
  reconciliationId: string;
  workerId: string;
  trigger: ReconcileTrigger;
  status: ReconcileStatus;
  mode: ReconcileRunMode;
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

export type ReconcileCounts = Pick<
  ReconcileSummary,
  'created' | 'updated' | 'unchanged' | 'orphansRemoved' | 'orphansPending'
>;
