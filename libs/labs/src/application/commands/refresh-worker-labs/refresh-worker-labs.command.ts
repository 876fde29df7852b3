import { Command } from '@nestjs/cqrs';
import { ReconcileSummary, ReconcileTrigger } from '../../../domain/reconcile-summary';

export interface RefreshWorkerLabsOptions {
  /** Who asked: a person or the schedule. Recorded, nothing else. */
  trigger?: ReconcileTrigger;
  /** Groups the workers of one run (POST /api/reconciliations, the scheduled job). */
  reconciliationId?: string;
  /** `refresh?dryRun=true`: compute the reconciliation, write and emit nothing, record no run. */
  dryRun?: boolean;
  /**
   * A person waits for this answer (POST .../labs/refresh): a CML that cannot be trusted is an
   * error (502/504) rather than a summary. Runs of all workers record the summary instead.
   */
  failWhenCmlUntrusted?: boolean;
}

/** Phase 2 for one worker: compare CML with the worker's records and repair the difference. */
export class RefreshWorkerLabsCommand extends Command<ReconcileSummary> {
  readonly trigger: ReconcileTrigger;
  readonly reconciliationId: string | undefined;
  readonly dryRun: boolean;
  readonly failWhenCmlUntrusted: boolean;

  constructor(
    readonly workerId: string,
    options: RefreshWorkerLabsOptions = {},
  ) {
    super();
    this.trigger = options.trigger ?? 'manual';
    this.reconciliationId = options.reconciliationId;
    this.dryRun = options.dryRun ?? false;
    this.failWhenCmlUntrusted = options.failWhenCmlUntrusted ?? false;
  }
}
