/**
 * `cml-labs notifications` as a process of its own (node bin/cml-labs.js) against the real API on FerretDB,
 * with a Slack webhook (real HTTP server) and SMTP (real server, given a wrong password) configured: a lab
 * deleted by someone other than its owner makes one notification per provider, both go dead; the CLI lists
 * them (table and --json, no webhook URL or SMTP password), replays the Slack one and maps refusals to its
 * exit codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmtpTestServer } from '@app/notifications/testing/smtp-test-server';
import { WebhookTestServer } from '@app/notifications/testing/webhook-test-server';
import { ListeningApi, ROLE_TOKENS, startListeningApi } from './support/cli-process';

interface Item {
  id: string;
  route: string;
  provider: string;
  recipient: string;
  status: string;
  attempts: number;
  lastError: string | null;
}

describe('cml-labs notifications (CLI e2e)', () => {
  jest.setTimeout(120_000);

  const slack = new WebhookTestServer();
  const smtp = new SmtpTestServer();
  const SLACK_PATH = '/services/T0/B0/SLACKSECRET';
  const { admin, operator, viewer } = ROLE_TOKENS;
  let dir: string;
  let api: ListeningApi;
  let dead: Item[] = [];
  const cli = (token: string, ...args: string[]) => api.cli(token, ...args);
  const deadOne = (provider: string) => dead.find((i) => i.provider === provider)!;

  beforeAll(async () => {
    await Promise.all([slack.start(), smtp.start()]);
    slack.status = 500;
    dir = mkdtempSync(join(tmpdir(), 'cli-notify-e2e-'));
    const owners = join(dir, 'owners.json');
    writeFileSync(owners, JSON.stringify({ carol: 'carol@example.com' }));
    api = await startListeningApi('cli_notifications_e2e', {
      NOTIFY_SLACK_WEBHOOK_URL: slack.url(SLACK_PATH),
      // The wrong password: the server refuses the login, so the e-mail goes dead too.
      NOTIFY_SMTP_URL: smtp.url('not-the-password'),
      NOTIFY_EMAIL_FROM: 'cml-labs@example.com',
      NOTIFY_OWNER_ADDRESSES_FILE: owners,
      NOTIFY_RELAY_INTERVAL_MS: '200',
      NOTIFY_MAX_ATTEMPTS: '1',
      OUTBOX_RELAY_INTERVAL_MS: '200',
    });
    api.h.simulator.state.addUser({ username: 'carol', password: 'carol-password' });
    const workerId = await api.registerSimulator();
    const [labId] = api.h.simulator.state.seedLabs({ count: 1, owner: 'carol' });
    const as = { Authorization: `Bearer ${admin}` };
    await api.h.http().post(`/api/workers/${workerId}/labs/refresh`).set(as).expect(200);
    await api.h.http().delete(`/api/workers/${workerId}/labs/${labId}`).set(as).expect(200);
    for (let i = 0; i < 100 && dead.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      dead = (await api.h.http().get('/api/notifications?status=dead').set(as).expect(200)).body.items;
    }
    expect(dead.map((i) => i.provider).sort()).toEqual(['email', 'slack']);
  });
  afterAll(async () => {
    await api?.h.close();
    await Promise.all([slack.stop(), smtp.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ls --dead prints the table, the e-mail address shown, no webhook URL or password', async () => {
    const run = await cli(operator, 'notifications', 'ls', '--dead');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    expect(header).toMatch(
      /^ID\s+ROUTE\s+PROVIDER\s+RECIPIENT\s+STATUS\s+ATTEMPTS\s+NEXT ATTEMPT\s+LAST ERROR$/,
    );
    expect(rows).toHaveLength(2);
    const slackRow = rows.find((r) => r.startsWith(deadOne('slack').id));
    const emailRow = rows.find((r) => r.startsWith(deadOne('email').id));
    expect(slackRow).toMatch(
      /^[0-9a-f]{32}\s+lab-deleted-by-other\s+slack\s+channel\s+dead\s+1\s+Slack webhook answered HTTP 500$/,
    );
    expect(emailRow).toMatch(
      /^[0-9a-f]{32}\s+lab-deleted-by-other\s+email\s+person:carol@example\.com\s+dead\s+1\s+\S/,
    );
    expect(run.stdout).not.toContain('SLACKSECRET');
    expect(run.stdout).not.toContain(smtp.password);
    expect(run.stdout).not.toContain('not-the-password');
  });

  it("ls --dead --json prints the API's answer", async () => {
    const run = await cli(operator, '--json', 'notifications', 'ls', '--dead');
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as { items: Item[] };
    expect(body.items.map((i) => i.id).sort()).toEqual(dead.map((i) => i.id).sort());
    expect(body.items.find((i) => i.provider === 'email')).toMatchObject({
      recipient: 'person:carol@example.com',
      status: 'dead',
    });
  });

  it('ls (pending, the default) has nothing waiting', async () => {
    const run = await cli(operator, 'notifications', 'ls');
    expect(run).toMatchObject({ code: 0, stdout: 'No pending notifications.\n' });
  });

  it('a viewer may not list them (exit 3), an operator may not replay (exit 3)', async () => {
    expect((await cli(viewer, 'notifications', 'ls')).code).toBe(3);
    expect((await cli(operator, 'notifications', 'retry', deadOne('slack').id)).code).toBe(3);
  });

  it('retry replays the dead Slack one (exit 0); once delivered, a second retry is refused (exit 5)', async () => {
    slack.received.length = 0;
    slack.status = 200;
    const { id } = deadOne('slack');
    const run = await cli(admin, 'notifications', 'retry', id);
    expect(run).toMatchObject({ code: 0, stdout: `Notification ${id} is queued for delivery again.\n` });
    const [post] = await slack.waitFor(1);
    expect(post.path).toBe(SLACK_PATH);
    let listed = '';
    for (let i = 0; i < 50; i++) {
      listed = (await cli(operator, 'notifications', 'ls', '--dead')).stdout;
      if (!listed.includes(id)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).not.toContain(id);
    expect(listed).toContain(deadOne('email').id);
    const again = await cli(admin, 'notifications', 'retry', id);
    expect(again.code).toBe(5);
    expect(again.stderr).toContain('409');
  });

  it('retry of an unknown id exits 4, of a malformed one 2', async () => {
    const unknown = await cli(admin, 'notifications', 'retry', '0'.repeat(32));
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('404');
    expect((await cli(admin, 'notifications', 'retry', 'not-an-id')).code).toBe(2);
  });
});
