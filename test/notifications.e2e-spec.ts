/**
 * Notifications through the API (issue 15, item 3): a lab deleted by someone other than its owner reaches the
 * owner by email (real SMTP server) and the channel on Slack (real HTTP server); failures go dead and are
 * replayed through the API; nothing secret is ever shown. FerretDB, the CML simulator over HTTPS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmtpTestServer } from '@app/notifications/testing/smtp-test-server';
import { WebhookTestServer } from '@app/notifications/testing/webhook-test-server';
import { ApiHarness, startApiHarness } from './support/api-harness';

interface Item {
  id: string;
  route: string;
  provider: string;
  recipient: string;
  status: string;
  attempts: number;
  replays: number;
  lastError: string | null;
}

describe('notifications (e2e)', () => {
  const slack = new WebhookTestServer();
  const smtp = new SmtpTestServer();
  let dir: string;
  let h: ApiHarness;
  let workerId: string;
  const SLACK_PATH = '/services/T0/B0/SLACKSECRET';

  beforeAll(async () => {
    await Promise.all([slack.start(), smtp.start()]);
    dir = mkdtempSync(join(tmpdir(), 'notify-e2e-'));
    const owners = join(dir, 'owners.json');
    writeFileSync(owners, JSON.stringify({ carol: 'carol@example.com' }));
    h = await startApiHarness('notifications_e2e', {
      NOTIFY_SLACK_WEBHOOK_URL: slack.url(SLACK_PATH),
      NOTIFY_SMTP_URL: smtp.url(),
      NOTIFY_EMAIL_FROM: 'cml-labs@example.com',
      NOTIFY_OWNER_ADDRESSES_FILE: owners,
      NOTIFY_RELAY_INTERVAL_MS: '200',
      NOTIFY_MAX_ATTEMPTS: '1',
      OUTBOX_RELAY_INTERVAL_MS: '200',
      PUBLIC_URL: 'https://cml-labs.example.com',
    });
    h.simulator.state.addUser({ username: 'carol', password: 'carol-password' });
    h.simulator.state.addUser({ username: 'dave', password: 'dave-password' });
    workerId = await h.registerSimulatorWorker('cml-east');
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([slack.stop(), smtp.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const listed = async (status: 'pending' | 'dead') =>
    (await h.http().get('/api/notifications').query({ status }).expect(200)).body.items as Item[];

  it("deleting carol's lab (as someone else) emails carol and posts to the Slack channel", async () => {
    const [labId] = h.simulator.state.seedLabs({ count: 1, owner: 'carol', titlePrefix: 'BGP <b>lab</b>' });
    await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
    await h.http().delete(`/api/workers/${workerId}/labs/${labId}`).expect(200);

    const [mail] = await smtp.waitFor(1);
    expect(mail.mailFrom).toBe('cml-labs@example.com');
    expect(mail.rcptTo).toEqual(['carol@example.com']);
    expect(mail.headers.subject).toMatch(/^\[cml-labs\] Lab BGP <b>lab<\/b>.* was deleted by anonymous$/);
    expect(mail.text).toContain('Owner: carol');
    expect(mail.text).toContain('Worker: cml-east');
    expect(mail.text).toContain(`https://cml-labs.example.com/#/audit?workerId=${workerId}&labId=${labId}`);
    expect(mail.html).toContain('BGP &lt;b&gt;lab&lt;/b&gt;');

    const [post] = await slack.waitFor(1);
    expect(post.path).toBe(SLACK_PATH);
    const body = post.body as { text: string; blocks: unknown[] };
    expect(body.text).toMatch(/^Lab BGP &lt;b&gt;lab&lt;\/b&gt;.* was deleted by anonymous$/);
    expect(body.blocks.length).toBeGreaterThan(1);

    // The lab outbox shows the internal delivery (delivered, so not in the backlog); nothing waits.
    await expect(listed('pending')).resolves.toEqual([]);
    await expect(listed('dead')).resolves.toEqual([]);
    // A second relay sweep later sends nothing again.
    await new Promise((r) => setTimeout(r, 600));
    expect(smtp.received).toHaveLength(1);
    expect(slack.received).toHaveLength(1);
    const metrics = (await h.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/cml_labs_notifications_sent_total\{provider="slack"\} 1/);
    expect(metrics).toMatch(/cml_labs_notifications_sent_total\{provider="email"\} 1/);
    expect(metrics).toMatch(/cml_labs_notifications_backlog 0/);
  });

  it('a Slack failure goes dead (shown without the URL) and an admin replays it', async () => {
    slack.received.length = 0;
    slack.status = 500;
    const [labId] = h.simulator.state.seedLabs({ count: 1, owner: 'dave' });
    await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
    await h.http().delete(`/api/workers/${workerId}/labs/${labId}`).expect(200);
    await slack.waitFor(1);
    let dead: Item[] = [];
    for (let i = 0; i < 50 && dead.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      dead = await listed('dead');
    }
    expect(dead).toEqual([
      expect.objectContaining({
        route: 'lab-deleted-by-other',
        provider: 'slack',
        recipient: 'channel',
        status: 'dead',
        attempts: 1,
        lastError: 'Slack webhook answered HTTP 500',
      }),
    ]);
    const raw = JSON.stringify((await h.http().get('/api/notifications?status=dead').expect(200)).body);
    expect(raw).not.toContain('SLACKSECRET');
    expect(raw).not.toContain(smtp.password);

    slack.status = 200;
    await h.http().post(`/api/notifications/${dead[0].id}/retry`).expect(202);
    await slack.waitFor(2);
    for (let i = 0; i < 50 && (await listed('dead')).length > 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    await expect(listed('dead')).resolves.toEqual([]);
    // Replaying it again: it is not dead any more.
    const again = await h.http().post(`/api/notifications/${dead[0].id}/retry`).expect(409);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('bad input is a 400 problem, an unknown notification a 404', async () => {
    const bad = await h.http().get('/api/notifications?status=delivered').expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    await h.http().post('/api/notifications/not-an-id/retry').expect(400);
    await h
      .http()
      .post(`/api/notifications/${'0'.repeat(32)}/retry`)
      .expect(404);
    await h
      .http()
      .post(`/api/notifications/${'0'.repeat(32)}/retry`)
      .send({ x: 1 })
      .expect(400);
  });
});
