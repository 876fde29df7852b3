import { chatField } from '../chat-text';
import { NotificationMessage, textOf } from './notification-message';

/**
 * Markdown-escaped, and `{{` broken up: Adaptive Cards evaluate `{{DATE(...)}}` and `{{TIME(...)}}` in a
 * TextBlock's text, which a title must not be able to do.
 */
const md = (value: string) => chatField(value, 'markdown').replace(/\{(?=\{)/g, '{ ');

/**
 * A Teams Workflows webhook body ("Post to a channel when a webhook request is received"): a message with one
 * Adaptive Card 1.4. TextBlocks and FactSet values render markdown, so untrusted values are escaped for it.
 */
export function teamsMessage(m: NotificationMessage): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: textOf(m.headline, md), weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'FactSet', facts: m.facts.map((f) => ({ title: f.label, value: textOf(f.value, md) })) },
  ];
  const card: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    ...(m.link ? { actions: [{ type: 'Action.OpenUrl', title: m.link.label, url: m.link.url }] } : {}),
  };
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
}
