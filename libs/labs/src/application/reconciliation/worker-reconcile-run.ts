import { Logger } from '@nestjs/common';
import { Clock } from '@app/common';
import {
  CmlContact,
  ReconcileRunMode,
  ReconcileSummary,
  ReconcileTrigger,
  Worker,
  WorkerRepository,
} from '@app/workers';
import { LabsMetrics } from '../ports/labs-metrics';

export type ReconcileCounts = Pick<
  ReconcileSummary,
  'created' | 'updated' | 'unchanged' | 'orphansRemoved' | 'orphansPending'
>;
export const ZERO: ReconcileCounts = {
  created: 0,
  updated: 0,
  unchanged: 0,
  orphansRemoved: 0,
  orphansPending: 0,
};

/** The summary, and for a run that could not trust CML, the error a manual caller answers with. */
export interface ReconcileOutcome {
  summary: ReconcileSummary;
  upstreamError?: Error;
}

/** Timing and bookkeeping of one worker's reconciliation. A dry run records nothing. */
export class WorkerReconcileRun {
  private readonly startedAt: Date;
  private contact: CmlContact | undefined;

  constructor(
    private readonly worker: Worker,
    readonly trigger: ReconcileTrigger,
    readonly reconciliationId: string,
    readonly mode: ReconcileRunMode,
    private readonly clock: Clock,
    private readonly workers: WorkerRepository,
    private readonly logger: Logger,
    private readonly metrics: LabsMetrics,
  ) {
    this.startedAt = clock.now();
  }

  /** What this contact learned of the controller, stored on the worker with the summary. */
  learned(contact: CmlContact | undefined): void {
    this.contact = contact;
  }

  /**
   * @param confirmedSync the run applied a trusted, complete view of CML to every record, so
   *   the worker's lastSuccessfulSyncAt moves (observe, dry-run, partial and approval runs: never).
   */
  async finish(
    status: ReconcileSummary['status'],
    counts: ReconcileCounts,
    reason?: string,
    upstreamError?: Error,
    confirmedSync = false,
  ): Promise<ReconcileOutcome> {
    const finishedAt = this.clock.now();
    const summary: ReconcileSummary = {
      reconciliationId: this.reconciliationId,
      workerId: this.worker.id,
      trigger: this.trigger,
      status,
      mode: this.mode,
      ...(reason ? { reason } : {}),
      ...counts,
      startedAt: this.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - this.startedAt.getTime(),
    };
    if (this.mode === 'dry-run') return { summary, upstreamError };
    await this.workers.recordReconcile(
      this.worker.id,
      summary,
      confirmedSync && status === 'succeeded' && this.mode === 'enforce' ? this.startedAt : null,
      this.contact,
    );
    this.metrics.reconcileFinished(summary);
    const line = { ...summary };
    if (status === 'failed')
      this.logger.error(line, `Reconciliation of worker ${this.worker.id} failed: ${reason}`);
    else this.logger.log(line, `Reconciliation of worker ${this.worker.id} ${status}`);
    return { summary, upstreamError };
  }
}
