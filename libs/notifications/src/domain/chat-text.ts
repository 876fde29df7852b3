/**
 * Text that came from CML (lab titles, user names: anything any CML user typed), made safe to put in a chat
 * message. Without this, a lab titled `<!channel> click <https://evil|your CML login>` pings a whole Slack
 * channel and shows a disguised link, and `[text](url)` does the same in Teams, Webex or Mattermost.
 */

/** The syntax the webhook's chat renders: Slack mrkdwn, or markdown (Teams, Webex, Mattermost). */
export type ChatFormat = 'slack' | 'markdown';

/** The longest a field may be, in characters (code points), ellipsis included. */
export const CHAT_FIELD_MAX_LENGTH = 120;

// Control characters (C0, C1), format characters (bidi overrides and isolates that reorder what is shown,
// zero-width spaces and joiners that hide inside words), lone surrogates, and line and paragraph separators.
const LINE_BREAKS = /[\r\n\t\v\f\u2028\u2029]+/gu;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}]/gu;
// What chats turn into links by themselves: a scheme (`https://`) and a dot inside a word (`evil.example`,
// `www.evil.example`, `a@evil.example`). Defanged as security notices do: `https[:]//evil[.]example`.
// Fullwidth and ideographic full stops count: browsers read them as dots in host names.
const SCHEME_SEPARATOR = /:\/\//g;
const INNER_DOT = /(?<=[\p{L}\p{N}])[.\u3002\uff0e\uff61](?=[\p{L}\p{N}])/gu;
// Every character that means something in markdown inline syntax, HTML included.
const MARKDOWN_SPECIAL = /[\\`*_~[\]()<>#|&]/g;

/**
 * Strips control and invisible characters, puts a space for line breaks and tabs (a title cannot start a
 * new line of the message, e.g. a heading), collapses runs of spaces, and cuts to `maxLength` characters
 * with an ellipsis. Nothing is escaped yet.
 */
export function cleanChatField(value: string, maxLength = CHAT_FIELD_MAX_LENGTH): string {
  const clean = value.replace(LINE_BREAKS, ' ').replace(INVISIBLE, '').replace(/ {2,}/g, ' ').trim();
  const chars = Array.from(clean);
  if (chars.length <= maxLength) return clean;
  return `${chars
    .slice(0, maxLength - 1)
    .join('')
    .trimEnd()}…`;
}

/** Breaks what a chat would link by itself: `https://` and dots inside words. */
export function defang(value: string): string {
  return value.replace(SCHEME_SEPARATOR, '[:]//').replace(INNER_DOT, '[.]');
}

/**
 * One CML-provided field, cleaned (see cleanChatField), defanged, and escaped for `format`:
 * - slack: `&`, `<` and `>` as entities (Slack's own rule), which also makes `<!channel>`, `<@U…>`,
 *   `<#C…>` and `<url|text>` plain text;
 * - markdown: a backslash before every character of markdown inline syntax (`\ ` * _ ~ [ ] ( ) < > # | &`), so
 *   no link, image, emphasis, code span, HTML tag or entity can form.
 */
export function chatField(value: string, format: ChatFormat, maxLength = CHAT_FIELD_MAX_LENGTH): string {
  const text = defang(cleanChatField(value, maxLength));
  if (format === 'slack') return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return text.replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
}
