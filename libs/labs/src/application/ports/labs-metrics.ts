import { ReconcileSummary } from '../../domain/reconcile-summary';

export type LabDeleteOutcome =
  | 'deleted'
  | 'already_absent'
  | 'not_found'
  | 'forbidden'
  | 'conflict'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'local_write_failed'
  | 'error';

/** What the labs context reports for monitoring (the seed note's "metrics to monitor"). */
export abstract class LabsMetrics {
  abstract labDeleteFinished(outcome: LabDeleteOutcome): void;
  abstract reconcileFinished(summary: ReconcileSummary): void;
}
