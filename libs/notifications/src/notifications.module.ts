import { Module, OnApplicationShutdown } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AppConfig } from '@app/common';
import { WorkersModule } from '@app/workers';
import { RetryNotificationHandler } from './application/commands/retry-notification/retry-notification.handler';
import { NotificationRelayJob } from './application/jobs/notification-relay.job';
import { NotificationDeliverer } from './application/notification-deliverer';
import { NotificationEnqueuer } from './application/notification-enqueuer';
import { NotificationIntake } from './application/ports/notification-intake';
import { NotificationMetrics } from './application/ports/notification-metrics';
import { NotificationOutbox } from './application/ports/notification-outbox';
import { NotificationTransport } from './application/ports/notification-transport';
import { ListNotificationsHandler } from './application/queries/list-notifications/list-notifications.handler';
import { PrometheusNotificationMetrics } from './infrastructure/metrics/prometheus-notification-metrics';
import { MongoNotificationOutbox } from './infrastructure/persistence/mongo/mongo-notification-outbox';
import {
  NotificationDocument,
  NotificationSchema,
} from './infrastructure/persistence/mongo/notification.schema';
import { ConfiguredNotificationTransport } from './infrastructure/senders/configured-notification-transport';

/**
 * The notifications context: notifications to people (Webex, Slack, Teams, email) through their own outbox.
 * Other contexts hand it facts through NotificationIntake.
 */
@Module({
  imports: [
    WorkersModule,
    MongooseModule.forFeature([{ name: NotificationDocument.name, schema: NotificationSchema }]),
  ],
  providers: [
    {
      provide: NotificationTransport,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new ConfiguredNotificationTransport(config.notifications),
    },
    { provide: NotificationOutbox, useClass: MongoNotificationOutbox },
    { provide: NotificationMetrics, useClass: PrometheusNotificationMetrics },
    { provide: NotificationIntake, useClass: NotificationEnqueuer },
    NotificationDeliverer,
    NotificationRelayJob,
    ListNotificationsHandler,
    RetryNotificationHandler,
  ],
  exports: [NotificationIntake],
})
export class NotificationsModule implements OnApplicationShutdown {
  constructor(private readonly transport: NotificationTransport) {}

  /** After the relay's last sends (beforeApplicationShutdown): SMTP connections close. */
  onApplicationShutdown(): void {
    if (this.transport instanceof ConfiguredNotificationTransport) this.transport.close();
  }
}
