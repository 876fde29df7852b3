import { NotificationProvider } from '../../domain/notification-provider';

/** Counters of delivery attempts, per provider. */
export abstract class NotificationMetrics {
  abstract sent(provider: NotificationProvider): void;
  abstract failed(provider: NotificationProvider): void;
  abstract dead(provider: NotificationProvider): void;
}
