/**
 * Issue 15 (items 1, 2, 4) in real Chromium against the real stack (./stack.ts): Preview shows what a refresh would
 * remove and why before anything is written; a lab CML hid once is removed, listed under Removed, and restored by
 * an admin; a run of all workers shows its progress until it ends.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { startWebStack, type WebStack } from './stack';

let stack: WebStack;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  stack = await startWebStack('web-restore-e2e');
  context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await stack?.close();
});

const labRow = (id: string) => page.locator(`tbody tr[data-lab-id="${id}"]`);

describe('preview, removed records and restore, run progress (Chromium, real stack)', () => {
  let ids: string[];
  let hidden: string;

  it('adds the simulator as a worker and syncs its labs', async () => {
    ids = stack.simulator.state.seedLabs({ count: 4, titlePrefix: 'Class lab' });
    hidden = stack.simulator.state.listLabs().map((l) => l.id)[3]!;
    await page.goto(stack.url);
    await page.getByRole('button', { name: 'Add worker' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a worker' });
    await dialog.getByLabel('Name', { exact: true }).fill('sim-restore');
    await dialog.getByLabel('Endpoint').fill(stack.simulator.url);
    await dialog.getByLabel('Username').fill('admin');
    await dialog.getByLabel('Password').fill('admin-password');
    await dialog.getByLabel(/CA certificate/).fill(stack.simulator.caCertPem);
    await dialog.getByRole('button', { name: 'Add worker' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'sim-restore' }).click();
    await page.getByRole('heading', { name: 'Labs on sim-restore' }).waitFor();
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await page.getByRole('region', { name: 'Refresh' }).waitFor();
    for (const id of ids) await labRow(id).waitFor();
  });

  it('previews the removal of a lab CML leaves out, with the decision and why, writing nothing', async () => {
    // CML leaves the lab out of its list and answers its own 404 for it, for the preview only.
    stack.simulator.state.addFault({ route: 'labs.list', kind: 'partial_list', keep: 3, times: 1 });
    stack.simulator.state.addFault({
      route: 'labs.get',
      kind: 'error',
      status: 404,
      labId: hidden,
      times: 1,
    });
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.waitFor();
    const candidate = preview.locator(`tr[data-candidate="${hidden}"]`);
    await candidate.waitFor();
    expect(await candidate.textContent()).toMatch(/Remove.*404/);
    await page.getByText('Nothing was written.', { exact: false }).waitFor();
    // Nothing was removed: the lab is still listed.
    await labRow(hidden).waitFor();
  });

  it('shows a lab removed on wrong evidence under Removed, and an admin restores it', async () => {
    stack.simulator.state.addFault({ route: 'labs.list', kind: 'partial_list', keep: 3, times: 1 });
    stack.simulator.state.addFault({
      route: 'labs.get',
      kind: 'error',
      status: 404,
      labId: hidden,
      times: 1,
    });
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await labRow(hidden).waitFor({ state: 'detached' });

    await page.getByRole('heading', { name: 'Removed' }).click();
    const removed = page.locator(`tr[data-removed-lab-id="${hidden}"]`);
    await removed.waitFor();
    expect(await removed.textContent()).toMatch(/orphan removed/);
    await removed.getByRole('button', { name: /^Restore / }).click();
    await page.getByText(/^Restored /).waitFor();
    await labRow(hidden).waitFor();
  });

  it('shows the progress of a run of all workers until it ends', async () => {
    stack.simulator.state.addFault({ route: 'labs.list', kind: 'latency', latencyMs: 2500, times: 1 });
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /Reconciliation/ })
      .click();
    await page.getByRole('button', { name: 'Reconcile all workers now' }).click();
    await page.getByText(/Running: 0 of 1 workers done/).waitFor();
    await page.getByText(/Ended \(succeeded\): 1 of 1 workers done/).waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
