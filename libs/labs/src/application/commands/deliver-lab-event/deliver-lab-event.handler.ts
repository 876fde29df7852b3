import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { LabEventDeliverer } from '../../outbox/lab-event-deliverer';
import { LabEventOutbox } from '../../ports/lab-event-outbox';
import { DeliverLabEventCommand } from './deliver-lab-event.command';

@CommandHandler(DeliverLabEventCommand)
export class DeliverLabEventHandler implements ICommandHandler<DeliverLabEventCommand, void> {
  private readonly logger = new Logger(DeliverLabEventHandler.name);

  constructor(
    private readonly outbox: LabEventOutbox,
    private readonly deliverer: LabEventDeliverer,
  ) {}

  /** Never throws: saga-dispatched commands are not awaited, and the relay retries whatever is left. */
  async execute({ recordId }: DeliverLabEventCommand): Promise<void> {
    try {
      const entry = await this.outbox.findByRecordId(recordId);
      if (entry) await this.deliverer.deliver(entry);
    } catch (error) {
      this.logger.warn(
        { recordId, err: (error as Error).message },
        'fast-path delivery failed; the relay will retry',
      );
    }
  }
}
