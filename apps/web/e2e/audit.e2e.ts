/**
 * The audit page in real Chromium against the real API and apps/audit (./stack.ts, authentication on): a viewer
 * pages through the trail with the cursor, filters it by who deleted, and downloads what the filters match as
 * CSV and NDJSON, the file fetched with the viewer's token and saved under the name apps/audit gave it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import type { BrowserContext, Page } from 'playwright-core';
import { parseCsvWithPython } from '../../audit/src/testing/parse-csv-with-python';
import { startWebStack, TOKEN_AUDIENCE, TOKEN_ISSUER, type WebStack } from './stack';

const SECRET = randomBytes(32).toString('hex');
const PAGE_SIZE = 200;
const ALICE_DELETES = PAGE_SIZE + 13;
const HOSTILE_TITLE = '=HYPERLINK("https://evil.example","click")';

let stack: WebStack;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const viewerToken = () =>
  jwt.sign({ sub: 'vera', roles: ['viewer'] }, SECRET, {
    algorithm: 'HS256',
    issuer: TOKEN_ISSUER,
    audience: TOKEN_AUDIENCE,
    expiresIn: '10m',
  });

/** A lab.deleted CloudEvent as the API sends it (structured mode), `minutesAgo` before now. */
async function postDeleted(deletedBy: string, labTitle: string, minutesAgo: number): Promise<void> {
  const time = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const labId = randomUUID();
  const res = await fetch(`${stack.auditUrl}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/cloudevents+json',
      Authorization: `Bearer ${stack.auditIngestToken}`,
    },
    body: JSON.stringify({
      specversion: '1.0',
      id: randomUUID(),
      source: '/cml-labs/workers/w-audit',
      type: 'io.cml-labs.lab.deleted.v1',
      subject: `labs/${labId}`,
      time,
      data: {
        workerId: 'w-audit',
        labId,
        labTitle,
        owner: 'olga',
        deletedBy,
        alreadyAbsentInCml: false,
        occurredAt: time,
      },
    }),
  });
  if (res.status !== 201) throw new Error(`seeding the audit trail: HTTP ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  stack = await startWebStack({ label: 'web-e2e-audit', jwtSecret: SECRET });
  for (let i = 0; i < ALICE_DELETES; i++) await postDeleted('alice', `Alice lab ${i}`, 10 + i);
  await postDeleted('mallory', HOSTILE_TITLE, 5);
  await postDeleted('mallory', 'Mallory, "quoted"', 6);
  context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
}, 180_000);

afterAll(async () => {
  await context?.close();
  await stack?.close();
});

const button = (name: string) => page.getByRole('button', { name, exact: true });
const rows = () => page.locator('tbody tr');

describe('audit page (Chromium, real stack, authentication on)', () => {
  it('pages through the trail with the cursor, newest first', async () => {
    await page.goto(stack.url);
    await page.getByLabel('Bearer token (JWT)').fill(viewerToken());
    await button('Use this token').click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }).click();
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    await page.getByRole('rowheader', { name: /Alice lab 0/ }).waitFor();
    expect(await rows().count()).toBe(PAGE_SIZE);
    // Newest first: mallory's two, then alice's from the most recent on.
    expect(await rows().first().textContent()).toContain('click');
    await button('Next page').click();
    await page.getByText('Page 2').waitFor();
    await page
      .getByRole('rowheader', { name: new RegExp(`Alice lab ${ALICE_DELETES - 1}(?!\\d)`) })
      .waitFor();
    expect(await rows().count()).toBe(ALICE_DELETES + 2 - PAGE_SIZE);
    expect(await button('Next page').isDisabled()).toBe(true);
    await button('Previous page').click();
    await page.getByText('Page 1').waitFor();
    await page.getByRole('rowheader', { name: /Alice lab 0/ }).waitFor();
  });

  it('filters by deletedBy, and downloads what the filters match as CSV and NDJSON', async () => {
    await page.getByLabel('Deleted by').fill('mallory');
    await button('Apply').click();
    await page.getByRole('rowheader', { name: /Mallory/ }).waitFor();
    expect(await rows().count()).toBe(2);

    const [csvDownload] = await Promise.all([page.waitForEvent('download'), button('Download CSV').click()]);
    expect(csvDownload.suggestedFilename()).toMatch(/^audit-events-\d{8}T\d{6}Z\.csv$/);
    const [header, ...lines] = parseCsvWithPython(readFileSync((await csvDownload.path())!, 'utf8'));
    expect(lines).toHaveLength(2);
    const title = header.indexOf('labTitle');
    // The formula is text in a spreadsheet; the comma and quotes survive RFC 4180 quoting.
    expect(lines.map((l) => l[title])).toEqual([`'${HOSTILE_TITLE}`, 'Mallory, "quoted"']);
    expect(lines.every((l) => l[header.indexOf('deletedBy')] === 'mallory')).toBe(true);

    const [ndjsonDownload] = await Promise.all([
      page.waitForEvent('download'),
      button('Download NDJSON').click(),
    ]);
    expect(ndjsonDownload.suggestedFilename()).toMatch(/^audit-events-\d{8}T\d{6}Z\.ndjson$/);
    const events = readFileSync((await ndjsonDownload.path())!, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { data: { labTitle: string } });
    expect(events.map((e) => e.data.labTitle)).toEqual([HOSTILE_TITLE, 'Mallory, "quoted"']);
    expect(pageErrors).toEqual([]);
  });
});
