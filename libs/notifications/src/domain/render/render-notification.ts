import { Notification } from '../notification';
import { NotificationProvider } from '../notification-provider';
import { EmailContent, emailMessage } from './email-message';
import { notificationMessage } from './notification-message';
import { slackMessage } from './slack-message';
import { teamsMessage } from './teams-message';
import { webexMarkdown } from './webex-message';

export type RenderedNotification =
  | { provider: 'webex'; markdown: string }
  | { provider: 'slack'; body: Record<string, unknown> }
  | { provider: 'teams'; body: Record<string, unknown> }
  | { provider: 'email'; email: EmailContent };

/** A notification written in one provider's format. */
export function renderNotification(
  provider: NotificationProvider,
  n: Notification,
  publicUrl?: string,
): RenderedNotification {
  const message = notificationMessage(n, publicUrl);
  switch (provider) {
    case 'webex':
      return { provider, markdown: webexMarkdown(message) };
    case 'slack':
      return { provider, body: slackMessage(message) };
    case 'teams':
      return { provider, body: teamsMessage(message) };
    case 'email':
      return { provider, email: emailMessage(message) };
  }
}
