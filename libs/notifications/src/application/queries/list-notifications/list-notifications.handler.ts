import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { recipientKey } from '../../../domain/notification-provider';
import { NotificationOutbox } from '../../ports/notification-outbox';
import { ListNotificationsQuery, NotificationView } from './list-notifications.query';

export const LIST_NOTIFICATIONS_LIMIT = 1000;

@QueryHandler(ListNotificationsQuery)
export class ListNotificationsHandler implements IQueryHandler<
  ListNotificationsQuery,
  { items: NotificationView[] }
> {
  constructor(private readonly outbox: NotificationOutbox) {}

  async execute({ status }: ListNotificationsQuery): Promise<{ items: NotificationView[] }> {
    const deliveries = await this.outbox.list(status, LIST_NOTIFICATIONS_LIMIT);
    return {
      items: deliveries.map((d) => ({
        id: d.id,
        route: d.route,
        provider: d.provider,
        recipient: recipientKey(d.recipient),
        workerId: d.notification.workerId,
        labId: 'labId' in d.notification ? d.notification.labId : null,
        status: d.status,
        attempts: d.attempts,
        replays: d.replays,
        nextAttemptAt: d.nextAttemptAt.toISOString(),
        lastError: d.lastError,
        createdAt: d.createdAt.toISOString(),
      })),
    };
  }
}
