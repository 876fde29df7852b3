import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigValidationError, loadAppConfig } from './app-config';
import { NOTIFICATION_ROUTES } from './notification-settings';

const key = Buffer.alloc(32, 7).toString('base64');
const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/cml', SECRETS_KEY: key, AUTH_DISABLED: 'true' };
const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadAppConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('NOTIFY_* settings', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'notify-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults: off, every route, the documented timings', () => {
    const n = loadAppConfig(base).notifications;
    expect(n).toMatchObject({
      enabled: false,
      routes: [...NOTIFICATION_ROUTES],
      webexApiUrl: 'https://webexapis.com/v1',
      emailTo: [],
      ownerAddresses: {},
      maxAttempts: 8,
      retryBaseMs: 5000,
      relayIntervalMs: 5000,
      sendTimeoutMs: 10_000,
      retentionSeconds: 7 * 24 * 3600,
    });
    expect(n.publicUrl).toBeUndefined();
  });

  it('one provider turns notifications on; its URL is never printed', () => {
    const c = loadAppConfig({
      ...base,
      NOTIFY_SLACK_WEBHOOK_URL: SLACK,
      PUBLIC_URL: 'https://labs.example.com/',
    });
    expect(c.notifications.enabled).toBe(true);
    expect(c.notifications.secrets.slackWebhookUrl).toBe(SLACK);
    expect(c.notifications.publicUrl).toBe('https://labs.example.com');
    expect(JSON.stringify(c)).not.toContain('XXXXSECRET');
    expect(inspect(c, { depth: 10 })).not.toContain('XXXXSECRET');
  });

  it('reads a webhook URL from NAME_FILE', () => {
    const file = join(dir, 'slack');
    writeFileSync(file, `${SLACK}\n`);
    expect(
      loadAppConfig({ ...base, NOTIFY_SLACK_WEBHOOK_URL_FILE: file }).notifications.secrets.slackWebhookUrl,
    ).toBe(SLACK);
  });

  it('webhooks must be https, except to a loopback host; the problem never echoes the URL', () => {
    expect(
      loadAppConfig({ ...base, NOTIFY_TEAMS_WORKFLOW_URL: 'http://127.0.0.1:9/hook' }).notifications.enabled,
    ).toBe(true);
    const problems = problemsOf({
      NOTIFY_TEAMS_WORKFLOW_URL: 'http://teams.example/SECRETPATH',
      NOTIFY_WEBEX_WEBHOOK_URL: 'nope',
    });
    expect(problems).toEqual([
      'NOTIFY_WEBEX_WEBHOOK_URL must be an https:// URL',
      'NOTIFY_TEAMS_WORKFLOW_URL must be an https:// URL (http only to a loopback host)',
    ]);
    expect(problems.join()).not.toContain('SECRETPATH');
  });

  it('reports the rules between the variables, all at once', () => {
    expect(
      problemsOf({
        NOTIFY_WEBEX_WEBHOOK_URL: 'https://webexapis.com/v1/webhooks/incoming/X',
        NOTIFY_WEBEX_BOT_TOKEN: 'token',
        NOTIFY_SMTP_URL: 'smtp://mail.example:587',
        NOTIFY_ROUTES: 'dead-letter,everything',
        NOTIFY_EMAIL_TO: 'ops@example.com, not-an-address',
      }),
    ).toEqual([
      'NOTIFY_EMAIL_TO must be comma-separated email addresses',
      `NOTIFY_ROUTES must be comma-separated routes of ${NOTIFICATION_ROUTES.join(', ')}`,
    ]);
    expect(
      problemsOf({
        NOTIFY_WEBEX_WEBHOOK_URL: 'https://webexapis.com/v1/webhooks/incoming/X',
        NOTIFY_WEBEX_BOT_TOKEN: 'token',
        NOTIFY_SMTP_URL: 'http://mail.example',
        NOTIFY_WEBEX_ROOM_ID: 'room',
      }),
    ).toEqual([
      'NOTIFY_SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://...',
      'NOTIFY_WEBEX_WEBHOOK_URL and NOTIFY_WEBEX_BOT_TOKEN are both set: set one',
      'NOTIFY_EMAIL_FROM is required with NOTIFY_SMTP_URL',
    ]);
    expect(problemsOf({ NOTIFY_WEBEX_ROOM_ID: 'room', NOTIFY_EMAIL_TO: 'ops@example.com' })).toEqual([
      'NOTIFY_WEBEX_ROOM_ID needs NOTIFY_WEBEX_BOT_TOKEN (a webhook posts to its own space)',
      'NOTIFY_EMAIL_TO and NOTIFY_EMAIL_FROM need NOTIFY_SMTP_URL',
    ]);
  });

  it('email: SMTP URL with credentials, sender, channel, routes chosen', () => {
    const n = loadAppConfig({
      ...base,
      NOTIFY_SMTP_URL: 'smtps://mailer:p%40ss@mail.example:465',
      NOTIFY_EMAIL_FROM: 'cml-labs@example.com',
      NOTIFY_EMAIL_TO: 'ops@example.com,noc@example.com',
      NOTIFY_ROUTES: 'lab-deleted-by-other, dead-letter',
    }).notifications;
    expect(n).toMatchObject({
      enabled: true,
      emailFrom: 'cml-labs@example.com',
      emailTo: ['ops@example.com', 'noc@example.com'],
      routes: ['lab-deleted-by-other', 'dead-letter'],
    });
    expect(JSON.stringify(n)).not.toContain('p%40ss');
  });

  it('reads the owner mapping from a JSON file, and says what is wrong with a bad one', () => {
    const good = join(dir, 'owners.json');
    writeFileSync(good, JSON.stringify({ alice: 'alice@example.com', 'u-42': 'bob@example.com' }));
    expect(
      loadAppConfig({ ...base, NOTIFY_OWNER_ADDRESSES_FILE: good }).notifications.ownerAddresses,
    ).toEqual({
      alice: 'alice@example.com',
      'u-42': 'bob@example.com',
    });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ alice: 'not an address' }));
    expect(problemsOf({ NOTIFY_OWNER_ADDRESSES_FILE: bad })[0]).toMatch(
      /^NOTIFY_OWNER_ADDRESSES_FILE must hold a JSON object of owner .* to email address: alice /,
    );
    expect(problemsOf({ NOTIFY_OWNER_ADDRESSES_FILE: join(dir, 'missing.json') })).toEqual([
      `NOTIFY_OWNER_ADDRESSES_FILE cannot be read: ${join(dir, 'missing.json')} (ENOENT)`,
    ]);
  });
});
