import { Command } from '@nestjs/cqrs';
import { ReconcileSummary } from '../../../domain/reconcile-summary';

export class ApproveOrphansCommand extends Command<ReconcileSummary> {
  constructor(
    readonly workerId: string,
    /** All pending orphans of the worker when absent. */
    readonly labIds?: string[],
  ) {
    super();
  }
}
