export type ReconcileTrigger = 'manual' | 'scheduled';
export type ReconcileStatus = 'succeeded' | 'skipped' | 'failed';
/**
 * How the run applied what it found: `enforce` wrote it, `observe` (the worker's reconcileMode)
 * and `dry-run` (`refresh?dryRun=true`) wrote nothing. Only an enforce run can confirm a sync.
 */
export type ReconcileRunMode = 'enforce' | 'observe' | 'dry-run';

/** What the plan did with a record that CML's trusted list left out (a removal candidate). */
export type CandidateDecision = 'remove' | 'hold' | 'keep';

export interface ReconcileCandidate {
  labId: string;
  title: string;
  owner: string;
  decision: CandidateDecision;
  /** Why, for people: the evidence the decision rests on. */
  why: string;
}

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
  /** Removed records that CML showed again (listed, details 200): made live again (planned only, in observe and dry runs). */
  restored: number;
  /** Every removal candidate of the run, with the decision and why; empty when CML was not trusted. */
  candidates: ReconcileCandidate[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

/** A summary as stored before v1.2 had no restores and no candidates: read as none. */
export function withSummaryDefaults(
  stored: Omit<ReconcileSummary, 'restored' | 'candidates'> & Partial<ReconcileSummary>,
): ReconcileSummary {
  return { ...stored, restored: stored.restored ?? 0, candidates: stored.candidates ?? [] };
}

export type ReconcileCounts = Pick<
  ReconcileSummary,
  'created' | 'updated' | 'unchanged' | 'orphansRemoved' | 'orphansPending' | 'restored'
>;
