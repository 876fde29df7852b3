/**
 * Outbox retry from the console, in real Chromium against the real stack (./stack.ts): the API's only CloudEvents
 * sink is a local HTTP server that first answers 500; with OUTBOX_MAX_ATTEMPTS=1 the event of a deleted lab goes
 * dead at once. It shows under Outbox > Dead; the sink is switched to 202, Retry is clicked, the event leaves the
 * dead list and the sink receives it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { startWebStack, type WebStack } from './stack';

interface Received {
  id: string;
  type: string;
  answered: number;
  body: string;
}

/** A CloudEvents sink (binary mode: ce-* headers) that answers `status` and remembers every request. */
class FakeSink {
  status = 500;
  readonly received: Received[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answered = this.status;
        this.received.push({
          id: String(req.headers['ce-id'] ?? ''),
          type: String(req.headers['ce-type'] ?? ''),
          answered,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const sink = new FakeSink();
let stack: WebStack;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

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
  const sinkUrl = await sink.start();
  stack = await startWebStack({
    label: 'web-e2e-outbox',
    env: { CLOUDEVENTS_SINK_URL: sinkUrl, OUTBOX_MAX_ATTEMPTS: '1', OUTBOX_RELAY_INTERVAL_MS: '200' },
  });
  context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
}, 180_000);

afterAll(async () => {
  await context?.close();
  await stack?.close();
  await sink.close();
});

const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

describe('outbox retry from the console (Chromium, real stack)', () => {
  let labId: string;
  let title: string;
  let eventId: string;

  it('deletes a lab while the sink answers 500: its event goes dead', async () => {
    [labId] = stack.simulator.state.seedLabs({ count: 2, titlePrefix: 'Outbox lab' });
    title = stack.simulator.state.listLabs().find((l) => l.id === labId)!.lab_title;
    const res = await fetch(`${stack.url}/api/workers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'sim-outbox',
        endpoint: stack.simulator.url,
        username: 'admin',
        password: 'admin-password',
        caCertPem: stack.simulator.caCertPem,
      }),
    });
    expect(res.status).toBe(201);
    const { id: workerId } = (await res.json()) as { id: string };
    expect((await fetch(`${stack.url}/api/workers/${workerId}/labs/refresh`, { method: 'POST' })).ok).toBe(
      true,
    );

    await page.goto(`${stack.url}/#/workers/${workerId}`);
    await page.getByRole('heading', { name: 'Labs on sim-outbox' }).waitFor();
    await page.getByRole('button', { name: `Delete ${title}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete lab' }).click();
    await dialog.getByText('Lab deleted successfully').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();

    const refused = await until('the sink to be tried', () =>
      sink.received.find((r) => r.answered === 500 && r.body.includes(labId)),
    );
    eventId = refused.id;
    expect(refused.type).toMatch(/lab\.deleted/);
  });

  it('shows the dead event under Outbox > Dead with its error', async () => {
    await nav('Outbox').click();
    await page.getByRole('heading', { name: 'Outbox', level: 1 }).waitFor();
    await page.getByRole('radio', { name: 'Dead' }).check();
    const row = page.getByRole('row').filter({ hasText: eventId });
    const deadline = Date.now() + 20_000;
    while ((await row.count()) === 0) {
      if (Date.now() > deadline) throw new Error('the event never showed as dead');
      await page.waitForTimeout(200);
      await page.getByRole('button', { name: 'Reload' }).click();
    }
    expect(await row.textContent()).toMatch(/Lab deleted/);
    expect(await row.textContent()).toMatch(/sink answered HTTP 500/);
    expect(await row.locator('td.num').textContent()).toBe('1');
    // Not delivered, and not retried behind the user's back either.
    expect(sink.received.filter((r) => r.id === eventId).map((r) => r.answered)).toEqual([500]);
  });

  it('retries it once the sink answers 202: it leaves the dead list and the sink receives it', async () => {
    sink.status = 202;
    await page.getByRole('button', { name: `Retry ${eventId}` }).click();
    await page.getByText(`Event ${eventId} queued for redelivery.`).waitFor();
    await page.getByRole('row').filter({ hasText: eventId }).waitFor({ state: 'detached' });
    await page.getByText('Nothing dead').waitFor();

    const delivered = await until('the sink to receive the retried event', () =>
      sink.received.find((r) => r.id === eventId && r.answered === 202),
    );
    expect(JSON.parse(delivered.body)).toMatchObject({ labId, labTitle: title });

    // Delivered, so nothing is pending either.
    await page.getByRole('radio', { name: 'Pending' }).check();
    const deadline = Date.now() + 20_000;
    while ((await page.getByText('Nothing pending').count()) === 0) {
      if (Date.now() > deadline) throw new Error('the event stayed pending');
      await page.waitForTimeout(200);
      await page.getByRole('button', { name: 'Reload' }).click();
    }
  });

  it('threw no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
