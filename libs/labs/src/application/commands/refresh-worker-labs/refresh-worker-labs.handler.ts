import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { ReconcileSummary } from '@app/workers';
import { ReconcileOutcome, WorkerLabsReconciler } from '../../reconciliation/worker-labs-reconciler';
import { RefreshWorkerLabsCommand } from './refresh-worker-labs.command';

/**
 * Phase 2 for one worker, on demand or from the scheduled job. A manual refresh whose CML list
 * cannot be trusted answers 502/504 (nothing was removed); a scheduled one records the failure.
 *
 * Manual refreshes of one worker coalesce: a refresh asked for while one of the same kind is
 * running gets that run's answer instead of a "skipped" of its own (a user double-clicking, or
 * two operators at once, cost CML one reconciliation).
 */
@CommandHandler(RefreshWorkerLabsCommand)
export class RefreshWorkerLabsHandler implements ICommandHandler<RefreshWorkerLabsCommand, ReconcileSummary> {
  private readonly manualInFlight = new Map<string, Promise<ReconcileOutcome>>();

  constructor(private readonly reconciler: WorkerLabsReconciler) {}

  async execute(command: RefreshWorkerLabsCommand): Promise<ReconcileSummary> {
    const { summary, upstreamError } =
      command.trigger === 'manual' && command.reconciliationId === undefined
        ? await this.coalesced(command)
        : await this.run(command);
    if (upstreamError && command.trigger === 'manual') throw upstreamError;
    return summary;
  }

  private coalesced(command: RefreshWorkerLabsCommand): Promise<ReconcileOutcome> {
    const key = `${command.workerId}:${command.dryRun ? 'dry-run' : 'run'}`;
    const running = this.manualInFlight.get(key);
    if (running) return running;
    const run = this.run(command).finally(() => this.manualInFlight.delete(key));
    this.manualInFlight.set(key, run);
    return run;
  }

  private run(command: RefreshWorkerLabsCommand): Promise<ReconcileOutcome> {
    return this.reconciler.reconcile(
      command.workerId,
      command.trigger,
      command.reconciliationId ?? randomUUID(),
      { dryRun: command.dryRun },
    );
  }
}
