import { Command } from '@nestjs/cqrs';
import { ReconcileTrigger } from '../../../domain/reconcile-summary';

export class StartReconciliationCommand extends Command<{ reconciliationId: string }> {
  constructor(readonly trigger: ReconcileTrigger) {
    super();
  }
}
