import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { ReconcileSummary } from '@app/workers';
import { WorkerLabsReconciler } from '../../reconciliation/worker-labs-reconciler';
import { RefreshWorkerLabsCommand } from './refresh-worker-labs.command';

/**
 * Phase 2 for one worker, on demand or from the scheduled job. A manual refresh whose CML list
 * cannot be trusted answers 502/504 (nothing was removed); a scheduled one records the failure.
 */
@CommandHandler(RefreshWorkerLabsCommand)
export class RefreshWorkerLabsHandler implements ICommandHandler<RefreshWorkerLabsCommand, ReconcileSummary> {
  constructor(private readonly reconciler: WorkerLabsReconciler) {}

  async execute(command: RefreshWorkerLabsCommand): Promise<ReconcileSummary> {
    const { summary, upstreamError } = await this.reconciler.reconcile(
      command.workerId,
      command.trigger,
      command.reconciliationId ?? randomUUID(),
      { dryRun: command.dryRun },
    );
    if (upstreamError && command.trigger === 'manual') throw upstreamError;
    return summary;
  }
}
