/**
 * `npm run screenshots`: regenerates docs/screenshots/*.png, one per page of the console, from the real stack
 * (./stack.ts) with demo data, in Debian's Chromium. Deterministic enough for docs: same data every run, times vary.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findRepoRoot } from '@app/dev-infra';
import { startWebStack } from './stack';

async function main(): Promise<void> {
  const out = join(findRepoRoot(__dirname), 'docs', 'screenshots');
  mkdirSync(out, { recursive: true });
  const stack = await startWebStack('web-shots');
  try {
    const sim = stack.simulator.state;
    sim.seedLabs({ count: 6, titlePrefix: 'Demo lab' });
    const started = sim.seedLabs({
      count: 3,
      state: 'STARTED',
      titlePrefix: 'Running demo lab',
      nodeCount: 5,
    });
    const stopped = sim.seedLabs({
      count: 3,
      state: 'STOPPED',
      titlePrefix: 'Stopped demo lab',
      nodeCount: 3,
    });
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${stack.url}${path}`, {
        method,
        headers: body ? { 'Content-Type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.status === 204 || res.status === 202 ? null : res.json();
    };
    const worker = await api('POST', '/api/workers', {
      name: 'demo-cml',
      endpoint: stack.simulator.url,
      username: 'admin',
      password: 'admin-password',
      caCertPem: stack.simulator.caCertPem,
    });
    await api('POST', `/api/workers/${worker.id}/labs/refresh`);
    await api('DELETE', `/api/workers/${worker.id}/labs/${stopped[0]}?force=true`);
    sim.deleteLab(started[2]);
    await api('POST', `/api/workers/${worker.id}/labs/refresh`);

    const context = await stack.browser.newContext({
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const shot = async (p: Page, name: string) => {
      await p.waitForLoadState('networkidle');
      await p.screenshot({ path: join(out, `${name}.png`), fullPage: true });
      console.log(`docs/screenshots/${name}.png`);
    };

    await page.goto(`${stack.url}/#/workers`);
    await page.getByRole('link', { name: 'demo-cml' }).waitFor();
    await page.getByRole('button', { name: 'Refresh demo-cml now' }).click();
    await page.getByRole('region', { name: 'Refresh of demo-cml' }).waitFor();
    await shot(page, 'workers');

    await page.getByRole('button', { name: 'Edit demo-cml' }).click();
    await page.getByRole('dialog').waitFor();
    await shot(page, 'worker-edit');
    await page.keyboard.press('Escape');

    await page.goto(`${stack.url}/#/workers/${worker.id}`);
    await page.locator('tbody tr[data-lab-id]').first().waitFor();
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await page.getByRole('region', { name: 'Refresh' }).waitFor();
    await shot(page, 'labs');

    const title = sim.listLabs().find((l) => l.id === started[0])!.lab_title;
    await page.getByRole('button', { name: `Delete ${title}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Force: stop and wipe the running lab first').check();
    await dialog.getByLabel(/Type the lab title/).fill(title);
    await shot(page, 'delete-dialog');
    await dialog.getByRole('button', { name: 'Stop, wipe and delete' }).click();
    await dialog.getByText('Lab deleted successfully').waitFor();
    await shot(page, 'delete-result');
    await dialog.getByRole('button', { name: 'Close' }).click();

    await page.goto(`${stack.url}/#/audit`);
    await page.getByRole('row').filter({ hasText: title }).waitFor();
    await shot(page, 'audit');

    await page.goto(`${stack.url}/#/reconciliations`);
    await page.getByRole('button', { name: 'Reconcile all workers now' }).click();
    await page.getByText(/started; it runs in the background/).waitFor();
    for (let i = 0; i < 50 && !(await page.getByText(/finished/).count()); i++) {
      await page.waitForTimeout(200);
      await page.getByRole('button', { name: 'Reload' }).click();
    }
    await page.locator('.runs summary').first().click();
    await shot(page, 'reconciliations');

    await page.goto(`${stack.url}/#/outbox`);
    await page.getByText('Nothing pending').waitFor();
    await shot(page, 'outbox');

    // Orphans held back by the delete-ratio guard: most labs vanish behind the service's back.
    for (const l of sim.listLabs().slice(0, 7)) sim.deleteLab(l.id);
    await page.goto(`${stack.url}/#/workers/${worker.id}`);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await page.getByRole('heading', { name: /Pending orphans/ }).waitFor();
    await shot(page, 'orphans');

    const phone = await stack.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const mobile = await phone.newPage();
    await mobile.goto(`${stack.url}/#/workers/${worker.id}`);
    await mobile.locator('tbody tr[data-lab-id]').first().waitFor();
    await shot(mobile, 'labs-phone');
    await phone.close();
    await context.close();
  } finally {
    await stack.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
