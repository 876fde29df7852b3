import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOTIFICATION_ROUTES } from '../notification';
import { NOTIFICATION_PROVIDERS, NotificationProvider } from '../notification-provider';
import { HOSTILE_TITLE, SAMPLE_NOTIFICATIONS, withHostileTitle } from '../../testing/notification.fixtures';
import { renderNotification, RenderedNotification } from './render-notification';

const FIXTURES = join(__dirname, '__fixtures__');
const PUBLIC_URL = 'https://cml-labs.example.com';

/** The provider's payload as the fixture holds it (what goes over the wire, as JSON). */
function payloadOf(r: RenderedNotification): unknown {
  switch (r.provider) {
    case 'webex':
      return { markdown: r.markdown };
    case 'slack':
    case 'teams':
      return r.body;
    case 'email':
      return r.email;
  }
}

describe('renderNotification against the committed fixtures', () => {
  for (const route of NOTIFICATION_ROUTES) {
    for (const provider of NOTIFICATION_PROVIDERS) {
      it(`${route} on ${provider}`, () => {
        const file = join(FIXTURES, `${route}.${provider}.json`);
        const actual = payloadOf(renderNotification(provider, SAMPLE_NOTIFICATIONS[route], PUBLIC_URL));
        // UPDATE_FIXTURES=1 rewrites them; review the diff before committing it. A missing one fails.
        if (process.env.UPDATE_FIXTURES === '1') writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
        expect(existsSync(file)).toBe(true);
        expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
      });
    }
  }

  it('without PUBLIC_URL, no message has a link', () => {
    for (const route of NOTIFICATION_ROUTES) {
      for (const provider of NOTIFICATION_PROVIDERS) {
        expect(
          JSON.stringify(payloadOf(renderNotification(provider, SAMPLE_NOTIFICATIONS[route]))),
        ).not.toContain('https://');
      }
    }
  });
});

describe('a hostile lab title renders as text on every provider', () => {
  const hostile = (provider: NotificationProvider) =>
    renderNotification(provider, withHostileTitle('lab-deleted-by-other'));

  it('webex markdown: no link, emphasis, code span or HTML tag can form', () => {
    const r = hostile('webex');
    if (r.provider !== 'webex') throw new Error();
    expect(r.markdown).toContain('\\[click\\]\\(https\\[:\\]//evil\\[.\\]example\\)');
    expect(r.markdown).toContain('\\*\\*bold\\*\\*');
    expect(r.markdown).toContain('\\<img src=x onerror=alert\\(1\\)\\>');
    expect(r.markdown).not.toMatch(/[^\\]\[click\]/);
    // The title cannot start a line of its own (a heading, a list item).
    expect(r.markdown.split('\n').filter((l) => l.includes('Bcc'))).toHaveLength(2);
    expect(r.markdown).not.toMatch(/\nBcc/);
  });

  it('slack: the title is only ever in plain_text objects; the fallback text escapes <, > and &', () => {
    const r = hostile('slack');
    if (r.provider !== 'slack') throw new Error();
    const blocks = r.body.blocks as {
      type: string;
      text?: { type: string };
      fields?: { type: string; text: string }[];
    }[];
    const mrkdwn = JSON.stringify(blocks).match(/"type":"mrkdwn"/g);
    expect(mrkdwn).toBeNull();
    expect(r.body.text).toContain('&lt;!channel&gt;');
    expect(r.body.text).not.toContain('<!channel>');
    expect(r.body.text).toContain('&amp;amp;');
    expect(JSON.stringify(blocks)).not.toContain('https://evil');
  });

  it('teams: the card has no link but ours, and the title is markdown-escaped', () => {
    const r = hostile('teams');
    if (r.provider !== 'teams') throw new Error();
    const json = JSON.stringify(r.body);
    expect(json).not.toContain('https://evil');
    expect(json).toContain('\\\\[click\\\\]');
    expect(json).not.toContain('"Action.OpenUrl"');
  });

  it("teams: a title cannot call the card's {{DATE()}} and {{TIME()}} functions", () => {
    const n = {
      ...withHostileTitle('lab-deleted-by-other'),
      labTitle: '{{DATE(2017-02-14T06:00:00Z, SHORT)}} {{{TIME(x)}}}',
    };
    const json = JSON.stringify(renderNotification('teams', n));
    expect(json).not.toContain('{{');
    expect(json).toContain('{ {DATE');
  });

  it('email: the subject is one line (no header injection), the HTML escapes every tag', () => {
    const r = hostile('email');
    if (r.provider !== 'email') throw new Error();
    expect(r.email.subject).not.toMatch(/[\r\n]/);
    expect(r.email.subject.startsWith('[cml-labs] Lab <!channel>')).toBe(true);
    expect(r.email.html).not.toContain('<img');
    expect(r.email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(r.email.html).not.toContain('href="https://evil');
    expect(r.email.text).not.toContain('https://evil.example');
    expect(r.email.text.split('\n').some((l) => l.startsWith('Bcc:'))).toBe(false);
  });

  it('the hostile title is still there to read on every provider', () => {
    for (const provider of NOTIFICATION_PROVIDERS) {
      expect(JSON.stringify(payloadOf(hostile(provider)))).toContain('onerror=alert');
    }
    expect(HOSTILE_TITLE).toContain('\r\n');
  });
});
