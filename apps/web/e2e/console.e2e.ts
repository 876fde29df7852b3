/**
 * The console in real Chromium against the real API, FerretDB, apps/audit and the CML simulator (./stack.ts):
 * add a worker, refresh, delete a stopped lab and a started one (force + typed title), watch them disappear and
 * their audit events appear, then approve orphans the delete-ratio guard held back.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { startWebStack, type WebStack } from './stack';

let stack: WebStack;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  stack = await startWebStack('web-e2e');
  context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('console', (m) => {
    // The one refused request the tests provoke (a delete on a disabled worker) is logged by Chromium itself.
    if (m.type() === 'error' && !/status of 409/.test(m.text())) consoleErrors.push(m.text());
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await stack?.close();
});

const titleOf = (id: string) => knownTitles.get(id)!;
const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
const labRow = (id: string) => page.locator(`tbody tr[data-lab-id="${id}"]`);

/** Clicks Reload until `text` shows up in the audit table: delivery to apps/audit is asynchronous. */
async function waitForAuditRow(text: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if ((await page.getByRole('row').filter({ hasText: text }).count()) > 0) return;
    if (Date.now() > deadline) throw new Error(`no audit event for ${text}`);
    await page.waitForTimeout(300);
    await page.getByRole('button', { name: 'Reload' }).click();
  }
}

describe('web console (Chromium, real stack)', () => {
  let wiped: string[];
  let stopped: string[];
  let started: string[];

  it('shows the AUTH_DISABLED banner and the workers page', async () => {
    wiped = stack.simulator.state.seedLabs({ count: 4, titlePrefix: 'Wiped lab' });
    stopped = stack.simulator.state.seedLabs({ count: 2, state: 'STOPPED', titlePrefix: 'Stopped lab' });
    started = stack.simulator.state.seedLabs({ count: 2, state: 'STARTED', titlePrefix: 'Running lab' });
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Workers', level: 1 }).waitFor();
    await page.getByText('Authentication is disabled (AUTH_DISABLED=true).').waitFor();
    await page.getByText('No workers yet.').waitFor();
  });

  it('adds the simulator as a worker and refreshes it', async () => {
    await page.getByRole('button', { name: 'Add worker' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a worker' });
    await dialog.waitFor();
    // Focus moved into the dialog.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('wf-name');
    await dialog.getByLabel('Name', { exact: true }).fill('sim-e2e');
    await dialog.getByLabel('Endpoint').fill(stack.simulator.url);
    await dialog.getByLabel('Username').fill('admin');
    await dialog.getByLabel('Password').fill('admin-password');
    await dialog.getByLabel(/CA certificate/).fill(stack.simulator.caCertPem);
    await dialog.getByRole('button', { name: 'Add worker' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'sim-e2e' }).waitFor();

    await page.getByRole('button', { name: 'Refresh sim-e2e now' }).click();
    const summary = page.getByRole('region', { name: 'Refresh of sim-e2e' });
    await summary.waitFor();
    expect(await summary.locator('.count', { hasText: 'Created' }).locator('dd').textContent()).toBe('8');
    expect(await summary.getByText('succeeded').count()).toBeGreaterThan(0);
  });

  it('lists the labs with state badges and filters them', async () => {
    await page.getByRole('link', { name: 'sim-e2e' }).click();
    await page.getByRole('heading', { name: 'Labs on sim-e2e' }).waitFor();
    await labRow(started[0]).waitFor();
    expect(await page.locator('tbody tr[data-lab-id]').count()).toBe(8);
    expect(await labRow(started[0]).getByText('Started').count()).toBe(1);

    await page.getByLabel('State').selectOption('STOPPED');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-lab-id]').length === 2);
    await page.getByLabel('State').selectOption('');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-lab-id]').length === 8);
    await page.getByLabel('Search title (this page)').fill('Running');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-lab-id]').length === 2);
    await page.getByLabel('Search title (this page)').fill('');
  });

  it('deletes a stopped lab (force: wipe first): it disappears from the table and from CML', async () => {
    const title = titleOf(stopped[0]);
    await page.getByRole('button', { name: `Delete ${title}` }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Wipe and delete' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Force: wipe the stopped lab first').check();
    await confirm.click();
    await dialog.getByText('Lab deleted successfully').waitFor();
    await dialog.getByText('The local record was removed.').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await labRow(stopped[0]).waitFor({ state: 'detached' });
    expect(stack.simulator.state.listLabs().some((l) => l.id === stopped[0])).toBe(false);
  });

  it('deletes a started lab only with force and its title typed', async () => {
    const title = titleOf(started[0]);
    await page.getByRole('button', { name: `Delete ${title}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete lab “${title}”` });
    const confirm = dialog.getByRole('button', { name: 'Stop, wipe and delete' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Force: stop and wipe the running lab first').check();
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type the lab title/).fill(title.slice(0, -1));
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type the lab title/).fill(title);
    expect(await dialog.getByRole('list', { name: 'Steps' }).textContent()).toMatch(
      /Stop the lab.*Wipe the lab.*Delete the lab/,
    );
    await confirm.click();
    await dialog.getByText('Lab deleted successfully').waitFor();
    expect(await dialog.locator('.step-done').count()).toBe(4);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await labRow(started[0]).waitFor({ state: 'detached' });
    expect(stack.simulator.state.listLabs().some((l) => l.id === started[0])).toBe(false);
    expect(await page.locator('tbody tr[data-lab-id]').count()).toBe(6);
  });

  it('shows both deletes in the audit trail from apps/audit', async () => {
    const deletedTitles = [titleOf(stopped[0]), titleOf(started[0])];
    await nav('Audit trail').click();
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    for (const t of deletedTitles) await waitForAuditRow(t);
    expect(await page.getByRole('row').filter({ hasText: 'Lab deleted' }).count()).toBe(2);
    // Filter by type: no orphan removal yet.
    await page.getByLabel('Type').selectOption({ label: 'Orphan removed' });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No events match.').waitFor();
  });

  it('holds mass orphans back for approval and removes them once approved', async () => {
    // 4 of the 6 remaining labs vanish behind the service's back: 67 % > RECONCILE_MAX_DELETE_RATIO 0.5.
    const gone = [wiped[0], wiped[1], wiped[2], stopped[1]];
    for (const id of gone) expect(stack.simulator.state.deleteLab(id)).toBe(true);
    await nav('Workers').click();
    await page.getByRole('link', { name: 'sim-e2e' }).click();
    await page.getByRole('button', { name: 'Refresh now' }).click();
    const summary = page.getByRole('region', { name: 'Refresh' });
    await summary.waitFor();
    expect(await summary.locator('.count', { hasText: 'Pending approval' }).locator('dd').textContent()).toBe(
      '4',
    );
    const panel = page.getByRole('region', { name: /Pending orphans/ });
    await panel.getByRole('heading', { name: 'Pending orphans (4)' }).waitFor();
    // Still listed: nothing was removed on this evidence alone.
    expect(await page.locator('tbody tr[data-lab-id]').count()).toBe(6);

    await panel.getByRole('button', { name: 'Approve all 4' }).click();
    await panel.waitFor({ state: 'detached' });
    expect(await summary.locator('.count', { hasText: 'Removed' }).locator('dd').textContent()).toBe('4');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-lab-id]').length === 2);

    await nav('Audit trail').click();
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    await waitForAuditRow('Orphan removed');
    const deadline = Date.now() + 20_000;
    while ((await page.getByRole('row').filter({ hasText: 'Orphan removed' }).count()) < 4) {
      if (Date.now() > deadline) throw new Error('not all orphan removals reached the audit trail');
      await page.getByRole('button', { name: 'Reload' }).click();
      await page.waitForTimeout(300);
    }
  });

  it('refuses a delete on a disabled worker and shows the problem, then edits the worker', async () => {
    await nav('Workers').click();
    await page.getByRole('button', { name: 'Disable sim-e2e' }).click();
    await page.getByRole('button', { name: 'Enable sim-e2e' }).waitFor();
    await page.getByRole('link', { name: 'sim-e2e' }).click();
    await page.getByText('This worker is disabled').waitFor();
    await page.getByRole('button', { name: `Delete ${titleOf(wiped[3])}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete lab' }).click();
    const alert = dialog.getByRole('alert');
    await alert.getByText('(HTTP 409)').waitFor();
    expect(await alert.textContent()).toMatch(/disabled/i);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Focus went back to the button that opened the dialog.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      `Delete ${titleOf(wiped[3])}`,
    );
    await labRow(wiped[3]).waitFor();

    await nav('Workers').click();
    await page.getByRole('button', { name: 'Edit sim-e2e' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit worker sim-e2e' });
    await edit.getByLabel('Reconcile mode').selectOption('observe');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await page
      .getByRole('row', { name: /sim-e2e/ })
      .getByText('observe')
      .waitFor();
    await page.getByRole('button', { name: 'Enable sim-e2e' }).click();
    await page.getByRole('button', { name: 'Disable sim-e2e' }).waitFor();
  });

  it('shows the reconciliation history with a summary per worker', async () => {
    await nav('Reconciliations').click();
    await page.getByRole('heading', { name: 'Reconciliation history' }).waitFor();
    await page.getByRole('button', { name: 'Reconcile all workers now' }).click();
    await page.getByText(/started; it runs in the background/).waitFor();
    const deadline = Date.now() + 20_000;
    while ((await page.locator('.runs summary', { hasText: 'finished' }).count()) === 0) {
      if (Date.now() > deadline) throw new Error('the reconciliation did not finish');
      await page.waitForTimeout(200);
      await page.getByRole('button', { name: 'Reload' }).click();
    }
    await page.locator('.runs summary').first().click();
    const summary = page.getByRole('region', { name: 'sim-e2e' });
    await summary.waitFor();
    // observe mode: computed and reported, nothing written.
    expect(await summary.locator('.count', { hasText: 'Unchanged' }).locator('dd').textContent()).toBe('2');
  });

  it('shows an empty outbox', async () => {
    await nav('Outbox').click();
    await page.getByRole('heading', { name: 'Outbox', level: 1 }).waitFor();
    await page.getByText('Nothing pending').waitFor();
  });

  it('logged no error in the browser', () => {
    expect(consoleErrors).toEqual([]);
  });
});

/** Titles of the simulator's labs, remembered before each test (a deleted lab is gone from the simulator). */
const knownTitles = new Map<string, string>();
beforeEach(() => {
  for (const l of stack.simulator.state.listLabs()) knownTitles.set(l.id, l.lab_title);
});
