import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ReconciliationRunner } from '../../reconciliation/reconciliation-runner';
import { StartReconciliationCommand } from './start-reconciliation.command';

@CommandHandler(StartReconciliationCommand)
export class StartReconciliationHandler implements ICommandHandler<
  StartReconciliationCommand,
  { reconciliationId: string }
> {
  constructor(private readonly runner: ReconciliationRunner) {}

  async execute({ trigger }: StartReconciliationCommand): Promise<{ reconciliationId: string }> {
    const { reconciliationId } = await this.runner.start(trigger);
    return { reconciliationId };
  }
}
