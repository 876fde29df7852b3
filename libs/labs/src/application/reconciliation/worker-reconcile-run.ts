import { Injectable, Logger, Optional } from '@nestjs/common';
import { Clock } from '@app/common';
import { NotificationIntake, PendingOrphanFact } from '@app/notifications';
import { CmlContact } from '../../domain/cml-contact';
import {
  ReconcileCandidate,
  ReconcileCounts,
  ReconcileRunMode,
  ReconcileSummary,
  ReconcileTrigger,
} from '../../domain/reconcile-summary';
import { LabsMetrics } from '../ports/labs-metrics';
import { WorkerSyncStateRepository } from '../ports/worker-sync-state.repository';

export const ZERO: ReconcileCounts = {
  created: 0,
  updated: 0,
  unchanged: 0,
  orphansRemoved: 0,
  orphansPending: 0,
  restored: 0,
};

/** The summary, and for a run that could not trust CML, the error a manual caller answers with. */
export interface ReconcileOutcome {
  summary: ReconcileSummary;
  upstreamError?: Error;
}

/** Timing and bookkeeping of one worker's reconciliation: its sync state, metrics, log. A dry run records nothing. */
export class WorkerReconcileRun {
  private readonly startedAt: Date;
  private contact: CmlContact | undefined;
  private candidates: ReconcileCandidate[] = [];
  private pending: PendingOrphanFact[] = [];

  constructor(
    private readonly workerId: string,
    readonly trigger: ReconcileTrigger,
    readonly reconciliationId: string,
    readonly mode: ReconcileRunMode,
    private readonly clock: Clock,
    private readonly syncStates: WorkerSyncStateRepository,
    private readonly logger: Logger,
    private readonly metrics: LabsMetrics,
    private readonly notifications?: NotificationIntake,
    private readonly workerName?: string,
  ) {
    this.startedAt = clock.now();
  }

  /** The orphans this run holds back for approval (named in the orphans-pending notification). */
  heldBack(records: readonly { labId: string; title: string; owner: string }[]): void {
    this.pending = records.map(({ labId, title, owner }) => ({ labId, title, owner }));
  }

  /** What this contact learned of the controller, stored on the worker with the summary. */
  learned(contact: CmlContact | undefined): void {
    this.contact = contact;
  }

  /** The removal candidates the plan decided on, listed in the summary. */
  considered(candidates: ReconcileCandidate[]): void {
    this.candidates = candidates;
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
      workerId: this.workerId,
      trigger: this.trigger,
      status,
      mode: this.mode,
      ...(reason ? { reason } : {}),
      ...counts,
      candidates: this.candidates,
      startedAt: this.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - this.startedAt.getTime(),
    };
    if (this.mode === 'dry-run') return { summary, upstreamError };
    await this.syncStates.record(
      this.workerId,
      summary,
      confirmedSync && status === 'succeeded' && this.mode === 'enforce' ? this.startedAt : null,
      this.contact,
    );
    this.metrics.reconcileFinished(summary);
    const line = { ...summary };
    if (status === 'failed')
      this.logger.error(line, `Reconciliation of worker ${this.workerId} failed: ${reason}`);
    else this.logger.log(line, `Reconciliation of worker ${this.workerId} ${status}`);
    // Nothing to gather, no round trip, when notifications are off; otherwise one insert per notification.
    if (this.notifications?.enabled && (status === 'failed' || summary.orphansPending > 0))
      await this.notifications.reconciled(summary, this.pending, this.workerName);
    return { summary, upstreamError };
  }
}

/** Starts the bookkeeping of a worker's run; one per process, shared by refresh and approval. */
@Injectable()
export class WorkerReconcileRuns {
  private readonly logger = new Logger('WorkerReconciliation');

  constructor(
    private readonly clock: Clock,
    private readonly syncStates: WorkerSyncStateRepository,
    private readonly metrics: LabsMetrics,
    @Optional() private readonly notifications?: NotificationIntake,
  ) {}

  start(
    workerId: string,
    trigger: ReconcileTrigger,
    reconciliationId: string,
    mode: ReconcileRunMode,
    workerName?: string,
  ): WorkerReconcileRun {
    return new WorkerReconcileRun(
      workerId,
      trigger,
      reconciliationId,
      mode,
      this.clock,
      this.syncStates,
      this.logger,
      this.metrics,
      this.notifications,
      workerName,
    );
  }
}
