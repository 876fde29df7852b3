import { chatField, ChatFormat } from '@app/notifications/domain/chat-text';
import { LabOrphanRemovedData } from './lab-orphan-removed-data';

/**
 * The chat message (Slack/Teams `text`) that tells an owner their lab vanished behind our back. Every field
 * is escaped for the chat's format (chat-text.ts): title and owner come from CML, so from any CML user.
 */
export function ownerNotificationText(data: LabOrphanRemovedData, format: ChatFormat): string {
  const field = (value: string, empty: string) => chatField(value, format) || empty;
  return (
    `lab ${field(data.labTitle, '(untitled)')} of ${field(data.owner, '(unknown)')} ` +
    `on ${field(data.workerId, '(unknown)')} was deleted outside cml-labs`
  );
}
