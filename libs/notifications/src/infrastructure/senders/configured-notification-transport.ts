import { NotificationSettings } from '@app/common';
import { NotificationProvider } from '../../domain/notification-provider';
import { NotificationTransport, ProviderSender } from '../../application/ports/notification-transport';
import { SmtpEmailSender } from './smtp-email-sender';
import { WebexBotSender, WebhookSender } from './webhook-senders';

/** The providers NOTIFY_* configures, one sender each. */
export class ConfiguredNotificationTransport extends NotificationTransport {
  readonly senders: readonly ProviderSender[];

  constructor(settings: NotificationSettings) {
    super();
    const s = settings.secrets;
    const link = settings.publicUrl;
    const senders: ProviderSender[] = [];
    if (s.webexWebhookUrl) senders.push(new WebhookSender('webex', s.webexWebhookUrl, link));
    if (s.webexBotToken)
      senders.push(new WebexBotSender(settings.webexApiUrl, s.webexBotToken, settings.webexRoomId, link));
    if (s.slackWebhookUrl) senders.push(new WebhookSender('slack', s.slackWebhookUrl, link));
    if (s.teamsWorkflowUrl) senders.push(new WebhookSender('teams', s.teamsWorkflowUrl, link));
    if (s.smtpUrl && settings.emailFrom)
      senders.push(new SmtpEmailSender(s.smtpUrl, settings.emailFrom, settings.emailTo, link));
    this.senders = senders;
  }

  senderFor(provider: NotificationProvider): ProviderSender | undefined {
    return this.senders.find((s) => s.capability.provider === provider);
  }

  close(): void {
    for (const s of this.senders) if (s instanceof SmtpEmailSender) s.close();
  }
}
