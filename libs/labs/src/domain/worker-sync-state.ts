import { CmlContact } from './cml-contact';
import { ReconcileSummary } from './reconcile-summary';

/**
 * What Phase 2 knows of one worker's controller and of its last reconciliation. It belongs to the
 * labs context, which produces it; the API shows it on the worker (`lastReconcile`, `cml`).
 */
export interface WorkerSyncState {
  workerId: string;
  lastReconcile: ReconcileSummary | null;
  /** Start of the last run that confirmed every record against a trusted, complete list. */
  lastSuccessfulSyncAt: Date | null;
  cml: CmlContact | null;
}

export function emptySyncState(workerId: string): WorkerSyncState {
  return { workerId, lastReconcile: null, lastSuccessfulSyncAt: null, cml: null };
}

/**
 * When a record's lab was last known to exist: its own last sync, or the worker's last complete
 * sync if later (that run saw every lab, this one included).
 */
export function lastSeenAt(recordSyncedAt: Date, workerSyncedAt: Date | null): Date {
  return workerSyncedAt && workerSyncedAt > recordSyncedAt ? workerSyncedAt : recordSyncedAt;
}
