import { Notification } from '../../domain/notification';
import { NotificationProvider, ProviderCapability, Recipient } from '../../domain/notification-provider';

/** Sends one notification to one recipient over one provider; throws on anything but success. */
export abstract class ProviderSender {
  abstract readonly capability: ProviderCapability;
  abstract send(notification: Notification, recipient: Recipient, timeoutMs: number): Promise<void>;
}

/** The configured providers (none when notifications are off). */
export abstract class NotificationTransport {
  abstract readonly senders: readonly ProviderSender[];
  abstract senderFor(provider: NotificationProvider): ProviderSender | undefined;
}
