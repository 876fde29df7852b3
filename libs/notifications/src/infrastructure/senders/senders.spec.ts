/**
 * Each sender against a real server on loopback: HTTP for Webex, Slack and Teams, smtp-server for email.
 * What arrives is what the renderers' fixtures hold; failures name the provider, never the URL or a secret.
 */
import { renderNotification } from '../../domain/render/render-notification';
import { SAMPLE_NOTIFICATIONS } from '../../testing/notification.fixtures';
import { SmtpTestServer } from '../../testing/smtp-test-server';
import { WebhookTestServer } from '../../testing/webhook-test-server';
import { SmtpEmailSender } from './smtp-email-sender';
import { WebexBotSender, WebhookSender } from './webhook-senders';

const n = SAMPLE_NOTIFICATIONS['lab-deleted-by-other'];
const LINK = 'https://cml-labs.example.com';
const channel = { kind: 'channel' } as const;
const person = { kind: 'person', address: 'carol@example.com' } as const;

describe('webhook senders (real HTTP server on loopback)', () => {
  const server = new WebhookTestServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    server.received.length = 0;
    server.status = 200;
    server.delayMs = 0;
  });

  it('Webex webhook: POST {markdown}', async () => {
    await new WebhookSender('webex', server.url('/webex/KEY'), LINK).send(n, channel, 2000);
    const [req] = server.received;
    expect(req).toMatchObject({ method: 'POST', path: '/webex/KEY' });
    expect(req.headers['content-type']).toBe('application/json');
    const rendered = renderNotification('webex', n, LINK);
    expect(req.body).toEqual({ markdown: rendered.provider === 'webex' ? rendered.markdown : '' });
  });

  it('Webex bot: POST /messages with its bearer token, to the room or to the owner', async () => {
    const bot = new WebexBotSender(server.url('/v1'), 'bot-token-123', 'room-1', LINK);
    expect(bot.capability).toEqual({ provider: 'webex', hasChannel: true, canAddressPerson: true });
    await bot.send(n, channel, 2000);
    await bot.send(n, person, 2000);
    expect(server.received.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/v1/messages', 'Bearer bot-token-123'],
      ['/v1/messages', 'Bearer bot-token-123'],
    ]);
    expect(server.received[0].body).toMatchObject({
      roomId: 'room-1',
      markdown: expect.stringContaining('deleted by dave'),
    });
    expect(server.received[1].body).toMatchObject({ toPersonEmail: 'carol@example.com' });
    expect(server.received[1].body).not.toHaveProperty('roomId');
    expect(new WebexBotSender(server.url('/v1'), 't', undefined).capability.hasChannel).toBe(false);
  });

  it('Slack: the Block Kit body of the fixture', async () => {
    await new WebhookSender('slack', server.url('/services/T/B/X'), LINK).send(n, channel, 2000);
    const rendered = renderNotification('slack', n, LINK);
    expect(server.received[0].body).toEqual(rendered.provider === 'slack' ? rendered.body : null);
    expect(server.received[0].body).toMatchObject({ text: expect.any(String), blocks: expect.any(Array) });
  });

  it('Teams: a message with an Adaptive Card attachment', async () => {
    await new WebhookSender('teams', server.url('/workflows/abc?sig=SECRET'), LINK).send(n, channel, 2000);
    expect(server.received[0].body).toMatchObject({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: { type: 'AdaptiveCard', version: '1.4' },
        },
      ],
    });
  });

  it('a refusal names the provider and the status, never the URL', async () => {
    server.status = 500;
    const url = server.url('/workflows/abc?sig=SECRET');
    const error = await new WebhookSender('teams', url).send(n, channel, 2000).catch((e: Error) => e);
    expect((error as Error).message).toBe('Teams workflow answered HTTP 500');
  });

  it('a webhook that does not answer in time fails after the send timeout', async () => {
    server.delayMs = 2000;
    const started = Date.now();
    const error = await new WebhookSender('slack', server.url('/slow'))
      .send(n, channel, 200)
      .catch((e: Error) => e);
    expect((error as Error).message).toBe('Slack webhook unreachable: no answer within 200 ms');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('an unreachable webhook and a bot token never show in the error', async () => {
    const closed = new WebhookTestServer();
    await closed.start();
    const url = closed.url('/hook/SECRET');
    await closed.stop();
    const e1 = await new WebhookSender('slack', url).send(n, channel, 2000).catch((e: Error) => e);
    expect((e1 as Error).message).toBe('Slack webhook unreachable: ECONNREFUSED');
    const e2 = await new WebexBotSender(url, 'bot-token-123', 'r')
      .send(n, channel, 2000)
      .catch((e: Error) => e);
    expect((e2 as Error).message).not.toMatch(/SECRET|bot-token-123|127\.0\.0\.1/);
  });
});

describe('SMTP email sender (real smtp-server on loopback)', () => {
  const smtp = new SmtpTestServer();
  beforeAll(() => smtp.start());
  afterAll(() => smtp.stop());
  beforeEach(() => {
    smtp.received.length = 0;
  });

  it('sends to the owner: from, to, subject, text and HTML as rendered', async () => {
    const sender = new SmtpEmailSender(smtp.url(), 'cml-labs@example.com', ['ops@example.com'], LINK);
    try {
      await sender.send(n, person, 5000);
    } finally {
      sender.close();
    }
    const [mail] = await smtp.waitFor(1);
    const rendered = renderNotification('email', n, LINK);
    if (rendered.provider !== 'email') throw new Error();
    expect(mail.mailFrom).toBe('cml-labs@example.com');
    expect(mail.rcptTo).toEqual(['carol@example.com']);
    expect(mail.headers.from).toBe('cml-labs@example.com');
    expect(mail.headers.to).toBe('carol@example.com');
    expect(mail.headers.subject).toBe(rendered.email.subject);
    expect(mail.text.replace(/\r\n/g, '\n').trim()).toBe(rendered.email.text.trim());
    expect(mail.html).toContain('<strong>Lab DMVPN lab was deleted by dave</strong>');
  });

  it('sends channel notifications to NOTIFY_EMAIL_TO', async () => {
    const sender = new SmtpEmailSender(smtp.url(), 'cml-labs@example.com', [
      'ops@example.com',
      'noc@example.com',
    ]);
    try {
      await sender.send(SAMPLE_NOTIFICATIONS['reconciliation-failed'], channel, 5000);
    } finally {
      sender.close();
    }
    const [mail] = await smtp.waitFor(1);
    expect(mail.rcptTo).toEqual(['ops@example.com', 'noc@example.com']);
    expect(mail.headers.subject).toBe('[cml-labs] Reconciliation of cml-east failed');
  });

  it('a refused login fails without the password in the error', async () => {
    const wrong = 'wr0ng-p@ssword';
    const sender = new SmtpEmailSender(smtp.url(wrong), 'cml-labs@example.com', ['ops@example.com']);
    const error = await sender.send(n, channel, 5000).catch((e: Error) => e);
    sender.close();
    expect((error as Error).message).toMatch(/^SMTP send failed: EAUTH 535/);
    expect((error as Error).message).not.toContain(wrong);
    expect((error as Error).message).not.toContain(encodeURIComponent(wrong));
    expect(smtp.received).toHaveLength(0);
  });

  it('no recipient at all is an error, not a message to nobody', async () => {
    const sender = new SmtpEmailSender(smtp.url(), 'cml-labs@example.com', []);
    expect(sender.capability.hasChannel).toBe(false);
    await expect(sender.send(n, channel, 5000)).rejects.toThrow('no recipient');
    sender.close();
  });
});
