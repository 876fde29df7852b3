import { chatField } from '../chat-text';
import { NotificationMessage, textOf } from './notification-message';

const md = (value: string) => chatField(value, 'markdown');

/** Webex markdown (incoming webhook `{markdown}`; the bot API adds roomId or toPersonEmail). */
export function webexMarkdown(m: NotificationMessage): string {
  const lines = [
    `**${textOf(m.headline, md)}**`,
    '',
    ...m.facts.map((f) => `- **${f.label}:** ${textOf(f.value, md)}`),
  ];
  if (m.link) lines.push('', `[${m.link.label}](${m.link.url})`);
  return lines.join('\n');
}
