import { Notification } from '../domain/notification';
import { NotificationProvider, ProviderCapability, Recipient } from '../domain/notification-provider';
import { NotificationTransport, ProviderSender } from '../application/ports/notification-transport';

/** A sender that keeps what it was given, and fails while `failWith` is set. */
export class RecordingProviderSender extends ProviderSender {
  readonly sent: { notification: Notification; recipient: Recipient }[] = [];
  failWith: string | null = null;

  constructor(readonly capability: ProviderCapability) {
    super();
  }

  async send(notification: Notification, recipient: Recipient): Promise<void> {
    if (this.failWith !== null) throw new Error(this.failWith);
    this.sent.push({ notification, recipient });
  }
}

export class StaticNotificationTransport extends NotificationTransport {
  constructor(readonly senders: readonly ProviderSender[]) {
    super();
  }

  senderFor(provider: NotificationProvider): ProviderSender | undefined {
    return this.senders.find((s) => s.capability.provider === provider);
  }
}
