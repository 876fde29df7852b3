import { Command } from '@nestjs/cqrs';
import { ReconcileSummary, ReconcileTrigger } from '@app/workers';

export class RefreshWorkerLabsCommand extends Command<ReconcileSummary> {
  constructor(
    readonly workerId: string,
    readonly trigger: ReconcileTrigger = 'manual',
    /** Groups the workers of one run (POST /api/reconciliations, the scheduled job). */
    readonly reconciliationId?: string,
    /**
     * `refresh?dryRun=true`: compute the reconciliation, write and emit nothing, record no run.
     * Implemented by WorkerLabsReconciler (mode `dry-run`).
     */
    readonly dryRun: boolean = false,
  ) {
    super();
  }
}
