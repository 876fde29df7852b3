import { chatField, cleanChatField, defang } from '../chat-text';
import { NotificationMessage, textOf } from './notification-message';

/** Slack's limits: a header's text, a section field's text, the number of fields in a section. */
const HEADER_MAX = 150;
const FIELDS_MAX = 10;

/** Cleaned and defanged: Slack turns bare URLs and host names into links even in plain_text. */
const plain = (value: string) => defang(cleanChatField(value));

/**
 * A Slack incoming-webhook body: `text` (the notification fallback, escaped as Slack asks) and Block Kit
 * `blocks`. Everything that carries an untrusted value is a `plain_text` object, which Slack never parses
 * for formatting, mentions or links.
 */
export function slackMessage(m: NotificationMessage): Record<string, unknown> {
  const headline = textOf(m.headline, plain);
  const fields = m.facts.slice(0, FIELDS_MAX).map((f) => ({
    type: 'plain_text',
    text: `${f.label}: ${textOf(f.value, plain)}`,
    emoji: false,
  }));
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: cleanChatField(headline, HEADER_MAX), emoji: false },
    },
    { type: 'section', fields },
  ];
  if (m.link) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: m.link.label }, url: m.link.url }],
    });
  }
  return { text: textOf(m.headline, (value) => chatField(value, 'slack')), blocks };
}
