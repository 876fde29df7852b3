/**
 * Bulk delete from the console, in real Chromium against the real stack (./stack.ts): labs of the simulator are
 * previewed by title prefix (the dry run deletes nothing), then deleted as a job whose progress the page polls until
 * it ends; the started lab, without force, is listed as failed with CML's reason, the others are gone from CML.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { startWebStack, type WebStack } from './stack';

let stack: WebStack;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  stack = await startWebStack({ label: 'web-e2e-bulk', env: { BULK_DELETE_CONCURRENCY_PER_WORKER: '2' } });
  context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
}, 180_000);

afterAll(async () => {
  await context?.close();
  await stack?.close();
});

const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

describe('bulk delete from the console (Chromium, real stack)', () => {
  let wiped: string[];
  let started: string;
  let kept: string[];

  it('previews the labs a title prefix selects, and deletes nothing', async () => {
    wiped = stack.simulator.state.seedLabs({ count: 3, titlePrefix: 'Class 7' });
    [started] = stack.simulator.state.seedLabs({ count: 1, titlePrefix: 'Class 7', state: 'STARTED' });
    kept = stack.simulator.state.seedLabs({ count: 2, titlePrefix: 'Keep' });
    const res = await fetch(`${stack.url}/api/workers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'sim-bulk',
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

    await page.goto(`${stack.url}/#/workers`);
    await nav('Bulk delete').click();
    await page.getByRole('heading', { name: 'Bulk delete', level: 1 }).waitFor();
    await page.getByLabel('Title starts with').fill('Class 7');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('heading', { name: 'Preview: 4 labs' }).waitFor();
    const rows = page.getByRole('table', { name: 'Labs the bulk delete would delete' }).getByRole('row');
    expect(await rows.count()).toBe(5);
    for (const id of [...wiped, started]) expect(await rows.filter({ hasText: id }).count()).toBe(1);
    expect(stack.simulator.state.listLabs()).toHaveLength(6);
  });

  it('deletes them as a job, shows its progress until it ends, and the running lab as failed with why', async () => {
    await page.getByRole('button', { name: 'Delete 4 labs' }).click();
    await page.getByText('4 of 4 done, 1 failed').waitFor({ timeout: 30_000 });
    const failed = page.getByRole('table', { name: 'Labs that could not be deleted' });
    const row = failed.getByRole('row').filter({ hasText: started });
    expect(await row.textContent()).toMatch(/409/);
    expect(await row.textContent()).toMatch(/STARTED/);
    expect(await page.getByText('failed', { exact: true }).count()).toBeGreaterThan(0);
    expect(
      stack.simulator.state
        .listLabs()
        .map((l) => l.id)
        .sort(),
    ).toEqual([started, ...kept].sort());
  });

  it('threw no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
