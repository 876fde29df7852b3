import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { ReconcileSummary } from '@app/workers';
import { WorkerLabsReconciler } from '../../reconciliation/worker-labs-reconciler';
import { ApproveOrphansCommand } from './approve-orphans.command';

/** An admin approves orphans the delete-ratio guard held back; each is checked in CML again first. */
@CommandHandler(ApproveOrphansCommand)
export class ApproveOrphansHandler implements ICommandHandler<ApproveOrphansCommand, ReconcileSummary> {
  constructor(private readonly reconciler: WorkerLabsReconciler) {}

  async execute({ workerId, labIds }: ApproveOrphansCommand): Promise<ReconcileSummary> {
    const { summary, upstreamError } = await this.reconciler.approveOrphans(workerId, labIds, randomUUID());
    if (upstreamError) throw upstreamError;
    return summary;
  }
}
