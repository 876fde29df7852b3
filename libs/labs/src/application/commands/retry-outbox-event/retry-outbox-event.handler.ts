import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock, NotFoundError } from '@app/common';
import { LabEventOutbox } from '../../ports/lab-event-outbox';
import { DeliverLabEventCommand } from '../deliver-lab-event/deliver-lab-event.command';
import { RetryOutboxEventCommand } from './retry-outbox-event.command';

/** Replays a dead event: its dead deliveries start again from attempt 0, and are tried at once. */
@CommandHandler(RetryOutboxEventCommand)
export class RetryOutboxEventHandler implements ICommandHandler<RetryOutboxEventCommand, void> {
  constructor(
    private readonly outbox: LabEventOutbox,
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  async execute({ eventId }: RetryOutboxEventCommand): Promise<void> {
    const entry = await this.outbox.findByEventId(eventId);
    if (!entry) throw new NotFoundError(`Event ${eventId} not found in the outbox`);
    await this.outbox.retry(eventId, this.clock.now());
    void this.commands.execute(new DeliverLabEventCommand(entry.recordId));
  }
}
