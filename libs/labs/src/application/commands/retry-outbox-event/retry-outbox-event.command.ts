import { Command } from '@nestjs/cqrs';

export class RetryOutboxEventCommand extends Command<void> {
  constructor(readonly eventId: string) {
    super();
  }
}
