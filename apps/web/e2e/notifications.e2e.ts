/**
 * The Notifications page in real Chromium against the real stack (./stack.ts, authentication on): the API's
 * only notification provider is a Slack webhook on a local HTTP server that first answers 500; with
 * NOTIFY_MAX_ATTEMPTS=1 the notification of a lab deleted by someone other than its owner goes dead at once.
 * A viewer has no Notifications entry; an operator sees the dead one without Replay; an admin replays it once
 * the webhook answers 200: it leaves the dead list and the webhook receives it. The webhook's secret path is
 * never shown.
 */
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { BrowserContext, Page } from 'playwright-core';
import { WebhookTestServer } from '@app/notifications/testing/webhook-test-server';
import { startWebStack, TOKEN_AUDIENCE, TOKEN_ISSUER, type WebStack } from './stack';

const SECRET = randomBytes(32).toString('hex');
const SLACK_PATH = '/services/T0/B0/SLACKSECRET';
const slack = new WebhookTestServer();

let stack: WebStack;
let context: BrowserContext;
let page: Page;
let title: string;
const pageErrors: string[] = [];

function token(claims: object): string {
  return jwt.sign(claims, SECRET, {
    algorithm: 'HS256',
    issuer: TOKEN_ISSUER,
    audience: TOKEN_AUDIENCE,
    expiresIn: '10m',
  });
}

const ADMIN = token({ sub: 'ada', roles: ['admin'] });

/** Setup goes straight to the API, as an admin would with curl. */
async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${ADMIN}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  await slack.start();
  slack.status = 500;
  stack = await startWebStack({
    label: 'web-e2e-notifications',
    jwtSecret: SECRET,
    env: {
      NOTIFY_SLACK_WEBHOOK_URL: slack.url(SLACK_PATH),
      NOTIFY_MAX_ATTEMPTS: '1',
      NOTIFY_RELAY_INTERVAL_MS: '200',
    },
  });
  stack.simulator.state.addUser({ username: 'carol', password: 'carol-password' });
  const [labId] = stack.simulator.state.seedLabs({ count: 1, owner: 'carol', titlePrefix: 'Notify lab' });
  title = stack.simulator.state.listLabs().find((l) => l.id === labId)!.lab_title;
  const worker = await api<{ id: string }>('POST', '/api/workers', {
    name: 'sim-notify',
    endpoint: stack.simulator.url,
    username: 'admin',
    password: 'admin-password',
    caCertPem: stack.simulator.caCertPem,
  });
  await api('POST', `/api/workers/${worker.id}/labs/refresh`);
  // ada deletes carol's lab: carol is told, here on the Slack channel, which refuses it.
  await api('DELETE', `/api/workers/${worker.id}/labs/${labId}`);
  await slack.waitFor(1);
  context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
}, 180_000);

afterAll(async () => {
  await context?.close();
  await stack?.close();
  await slack.stop();
});

const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
const button = (name: string) => page.getByRole('button', { name, exact: true });

async function signIn(jwtToken: string): Promise<void> {
  await page.goto(stack.url);
  await page.getByRole('heading', { name: 'Sign in to cml-labs' }).waitFor();
  await page.getByLabel('Bearer token (JWT)').fill(jwtToken);
  await button('Use this token').click();
  await page.getByRole('heading', { name: 'Workers', level: 1 }).waitFor();
}

async function signOut(): Promise<void> {
  await button('Sign out').click();
  await page.getByRole('heading', { name: 'Sign in to cml-labs' }).waitFor();
}

/** Notifications > Dead, reloaded until a row of the route shows (the relay sweeps). */
async function deadList(): Promise<void> {
  await nav('Notifications').click();
  await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
  await page.getByRole('radio', { name: 'Dead' }).check();
  const row = page.getByRole('row').filter({ hasText: 'lab-deleted-by-other' });
  const deadline = Date.now() + 20_000;
  while ((await row.count()) === 0) {
    if (Date.now() > deadline) throw new Error('the notification never showed as dead');
    await page.waitForTimeout(200);
    await button('Reload').click();
  }
}

describe('notifications from the console (Chromium, real stack)', () => {
  it('a viewer has no Notifications entry', async () => {
    await signIn(token({ sub: 'vera', roles: ['viewer'] }));
    await nav('Audit trail').waitFor();
    expect(await nav('Notifications').count()).toBe(0);
    await signOut();
  });

  it('an operator sees the dead notification with its error, without Replay', async () => {
    await signIn(token({ sub: 'otto', realm_access: { roles: ['operator'] } }));
    await nav('Notifications').click();
    await page.getByText('Nothing pending: every notification was delivered.').waitFor();
    await deadList();
    const row = page.getByRole('row').filter({ hasText: 'lab-deleted-by-other' });
    expect(await row.count()).toBe(1);
    const text = (await row.textContent()) ?? '';
    expect(text).toMatch(/slack/);
    expect(text).toMatch(/channel/);
    expect(text).toMatch(/Slack webhook answered HTTP 500/);
    expect(await row.locator('td.num').textContent()).toBe('1');
    expect(await page.locator('main').textContent()).not.toContain('SLACKSECRET');
    expect(await row.getByRole('button').count()).toBe(0);
    // Dead, so not tried again behind the user's back.
    expect(slack.received).toHaveLength(1);
    await signOut();
  });

  it('an admin replays it once the webhook answers 200: it leaves the dead list and Slack receives it', async () => {
    await signIn(ADMIN);
    await deadList();
    slack.status = 200;
    const row = page.getByRole('row').filter({ hasText: 'lab-deleted-by-other' });
    const replay = row.getByRole('button', { name: /^Replay [0-9a-f]{32}$/ });
    const id = ((await replay.getAttribute('aria-label')) ?? '').replace('Replay ', '');
    await replay.click();
    await page.getByText(`Notification ${id} queued for delivery again.`).waitFor();
    const [, post] = await slack.waitFor(2);
    expect(post.path).toBe(SLACK_PATH);
    expect(JSON.stringify(post.body)).toContain(title.split(' ')[0]);
    const deadline = Date.now() + 20_000;
    while ((await page.getByText('Nothing dead: every notification was delivered.').count()) === 0) {
      if (Date.now() > deadline) throw new Error('the notification stayed dead');
      await page.waitForTimeout(200);
      await button('Reload').click();
    }
    await until('nothing pending', async () =>
      (await api<{ items: unknown[] }>('GET', '/api/notifications?status=pending')).items.length === 0
        ? true
        : undefined,
    );
  });

  it('threw no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
