import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock, ConflictError, NotFoundError } from '@app/common';
import { NotificationRelayJob } from '../../jobs/notification-relay.job';
import { NotificationOutbox } from '../../ports/notification-outbox';
import { RetryNotificationCommand } from './retry-notification.command';

/** Replays a dead notification: from attempt 0, sent by the next sweep (started at once). */
@CommandHandler(RetryNotificationCommand)
export class RetryNotificationHandler implements ICommandHandler<RetryNotificationCommand, void> {
  constructor(
    private readonly outbox: NotificationOutbox,
    private readonly relay: NotificationRelayJob,
    private readonly clock: Clock,
  ) {}

  async execute({ id }: RetryNotificationCommand): Promise<void> {
    const result = await this.outbox.retry(id, this.clock.now());
    if (result === 'not-found') throw new NotFoundError(`Notification ${id} not found`);
    if (result === 'not-dead')
      throw new ConflictError(`Notification ${id} is not dead: only a dead one is replayed`);
    void this.relay.tick();
  }
}
