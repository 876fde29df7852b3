import { ReconcileSummary, ReconcileTrigger } from '../../domain/reconcile-summary';

export interface ReconciliationRun {
  id: string;
  trigger: ReconcileTrigger;
  startedAt: string;
  finishedAt: string | null;
  workers: ReconcileSummary[];
}

/** History of reconciliation runs (all enabled workers at once), newest first. */
export abstract class ReconciliationRunRepository {
  abstract create(run: ReconciliationRun): Promise<void>;
  abstract appendSummary(runId: string, summary: ReconcileSummary): Promise<void>;
  abstract finish(runId: string, finishedAt: Date): Promise<void>;
  abstract list(limit: number): Promise<ReconciliationRun[]>;
  abstract get(id: string): Promise<ReconciliationRun | null>;
}
