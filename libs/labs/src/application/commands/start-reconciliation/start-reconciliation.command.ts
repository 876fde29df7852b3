import { Command } from '@nestjs/cqrs';
import { ReconcileTrigger } from '@app/workers';

export class StartReconciliationCommand extends Command<{ reconciliationId: string }> {
  constructor(readonly trigger: ReconcileTrigger) {
    super();
  }
}
