import { cleanChatField, defang } from '../chat-text';
import { NotificationMessage, textOf } from './notification-message';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const SUBJECT_MAX = 200;

function html(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Untrusted values lose control characters and line breaks (no header injection through the subject), and are
 * defanged: mail clients link bare URLs and host names by themselves.
 */
const plain = (value: string) => defang(cleanChatField(value, 500));

/** An email: plain-text subject and body, and an HTML body in which every value is HTML-escaped. */
export function emailMessage(m: NotificationMessage): EmailContent {
  const subject = cleanChatField(`[cml-labs] ${textOf(m.headline, plain)}`, SUBJECT_MAX);
  const facts = m.facts.map((f) => ({ label: f.label, value: textOf(f.value, plain) }));
  const text = [
    textOf(m.headline, plain),
    '',
    ...facts.map((f) => `${f.label}: ${f.value}`),
    ...(m.link ? ['', `${m.link.label}: ${m.link.url}`] : []),
    '',
  ].join('\n');
  const rows = facts.map((f) => `<tr><th align="left">${html(f.label)}</th><td>${html(f.value)}</td></tr>`);
  const htmlBody = [
    '<!doctype html>',
    '<html><body>',
    `<p><strong>${html(textOf(m.headline, plain))}</strong></p>`,
    `<table>${rows.join('')}</table>`,
    ...(m.link ? [`<p><a href="${html(m.link.url)}">${html(m.link.label)}</a></p>`] : []),
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html: htmlBody };
}
