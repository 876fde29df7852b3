import { Command } from '@nestjs/cqrs';

export class RetryNotificationCommand extends Command<void> {
  constructor(readonly id: string) {
    super();
  }
}
