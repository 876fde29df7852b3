import { ReconcileSummary, ReconcileTrigger } from '../../domain/reconcile-summary';

/** `failed`: the run itself broke off (its workers' own failures are in their summaries). */
export type ReconciliationRunStatus = 'running' | 'succeeded' | 'failed';

export interface ReconciliationRun {
  id: string;
  trigger: ReconcileTrigger;
  status: ReconciliationRunStatus;
  startedAt: string;
  finishedAt: string | null;
  /** The enabled workers the run reconciles. */
  workersTotal: number;
  /** How many of them are done (their summary is in `workers`). */
  workersDone: number;
  workers: ReconcileSummary[];
}

/** History of reconciliation runs (all enabled workers at once), newest first. */
export abstract class ReconciliationRunRepository {
  /** Stores a new run as running, with no summary yet, whatever `run` says of those. */
  abstract create(run: ReconciliationRun): Promise<void>;
  /** Adds a worker's summary and counts the worker done, in one write. */
  abstract appendSummary(runId: string, summary: ReconcileSummary): Promise<void>;
  abstract finish(
    runId: string,
    finishedAt: Date,
    status: Exclude<ReconciliationRunStatus, 'running'>,
  ): Promise<void>;
  abstract list(limit: number): Promise<ReconciliationRun[]>;
  abstract get(id: string): Promise<ReconciliationRun | null>;
}
