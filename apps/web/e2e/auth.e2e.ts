/**
 * The console with authentication on (./stack.ts with `jwtSecret`: AUTH_JWT_SECRET set, AUTH_DISABLED unset), in
 * real Chromium against the real API: the login page, a refused paste, what a viewer, an operator (roles from
 * `realm_access.roles`) and an admin see, sign out, and a token that expires while the console is in use.
 * Tokens are HS256, signed here with jsonwebtoken as an identity provider would.
 */
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { BrowserContext, Page } from 'playwright-core';
import { startWebStack, TOKEN_AUDIENCE, TOKEN_ISSUER, type WebStack } from './stack';

const SECRET = randomBytes(32).toString('hex');

let stack: WebStack;
let context: BrowserContext;
let page: Page;
let workerId: string;
let labTitle: string;
/** The lab the audit trail test deletes (the other tests use the first one). */
let deletedLabId: string;
let deletedLabTitle: string;
const pageErrors: string[] = [];

function token(claims: object, options: jwt.SignOptions = { expiresIn: '10m' }, secret = SECRET): string {
  return jwt.sign(claims, secret, {
    algorithm: 'HS256',
    issuer: TOKEN_ISSUER,
    audience: TOKEN_AUDIENCE,
    ...options,
  });
}

/** Setup goes straight to the API, as an admin would with curl: a worker (the simulator) with its labs. */
async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token({ sub: 'setup', roles: ['admin'] })}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  stack = await startWebStack({ label: 'web-e2e-auth', jwtSecret: SECRET });
  const ids = stack.simulator.state.seedLabs({ count: 2, state: 'STOPPED', titlePrefix: 'Auth lab' });
  labTitle = stack.simulator.state.listLabs().find((l) => l.id === ids[0])!.lab_title;
  deletedLabId = ids[1];
  deletedLabTitle = stack.simulator.state.listLabs().find((l) => l.id === ids[1])!.lab_title;
  const worker = await api<{ id: string }>('POST', '/api/workers', {
    name: 'sim-auth',
    endpoint: stack.simulator.url,
    username: 'admin',
    password: 'admin-password',
    caCertPem: stack.simulator.caCertPem,
  });
  workerId = worker.id;
  await api('POST', `/api/workers/${workerId}/labs/refresh`);
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
const button = (name: string) => page.getByRole('button', { name, exact: true });
const loginHeading = () => page.getByRole('heading', { name: 'Sign in to cml-labs' });

async function signIn(jwtToken: string): Promise<void> {
  await loginHeading().waitFor();
  await page.getByLabel('Bearer token (JWT)').fill(jwtToken);
  await button('Use this token').click();
}

async function signOut(): Promise<void> {
  await button('Sign out').click();
  await loginHeading().waitFor();
  expect(await page.evaluate(() => sessionStorage.getItem('cml-labs.token'))).toBeNull();
}

/** Opens the workers page and waits until the worker row is there (the API accepted the token). */
async function workersPage(): Promise<void> {
  await nav('Workers').click();
  await page.getByRole('heading', { name: 'Workers', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'sim-auth' }).waitFor();
}

async function labsPage(): Promise<void> {
  await page.getByRole('link', { name: 'sim-auth' }).click();
  await page.getByRole('heading', { name: 'Labs on sim-auth' }).waitFor();
  await page.getByRole('rowheader', { name: new RegExp(labTitle) }).waitFor();
}

describe('web console with authentication (Chromium, real stack)', () => {
  it('shows the login page and no banner', async () => {
    await page.goto(stack.url);
    await loginHeading().waitFor();
    expect(await page.getByText(/AUTH_DISABLED/).count()).toBe(0);
    // AUTH_ISSUER and OIDC_CLIENT_ID are not set: paste only.
    expect(await button('Log in with SSO').count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
  });

  it('refuses a pasted value that is not a JWT', async () => {
    await page.getByLabel('Bearer token (JWT)').fill('not-a-token');
    await button('Use this token').click();
    await page.getByRole('alert').getByText('does not look like a JWT').waitFor();
    await loginHeading().waitFor();
  });

  it('sends a JWT the API refuses (wrong signature) back to the login page, without saying why', async () => {
    await page
      .getByLabel('Bearer token (JWT)')
      .fill(token({ sub: 'mallory', roles: ['admin'] }, { expiresIn: '10m' }, 'x'.repeat(32)));
    await button('Use this token').click();
    const alert = page.getByRole('alert');
    await alert.getByText(/The API refused the token/).waitFor();
    // The API's 401 says nothing of why it refused (RFC 8725 hygiene); the reason is in its debug log.
    expect(await alert.textContent()).toMatch(/The bearer token is not valid/);
    expect(await alert.textContent()).not.toMatch(/signature/);
    await loginHeading().waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('cml-labs.token'))).toBeNull();
  });

  it('shows a viewer the workers but no add, edit, enable/disable, refresh or delete', async () => {
    await signIn(token({ sub: 'vera', roles: ['viewer'] }));
    await workersPage();
    expect(await page.getByText('viewer', { exact: true }).count()).toBe(1);
    expect(await page.getByText(/AUTH_DISABLED/).count()).toBe(0);
    expect(await button('Add worker').count()).toBe(0);
    expect(await button('Edit sim-auth').count()).toBe(0);
    expect(await button('Disable sim-auth').count()).toBe(0);
    expect(await button('Refresh sim-auth now').count()).toBe(0);
    expect(await nav('Outbox').count()).toBe(0);

    await labsPage();
    expect(await page.locator('tbody tr[data-lab-id]').count()).toBe(2);
    expect(await button(`Delete ${labTitle}`).count()).toBe(0);
    expect(await button('Refresh now').count()).toBe(0);

    await nav('Reconciliations').click();
    await page.getByRole('heading', { name: 'Reconciliation history' }).waitFor();
    await button('Reload').waitFor();
    expect(await button('Reconcile all workers now').count()).toBe(0);
    await signOut();
  });

  it("reads the audit trail from apps/audit (another origin: CORS) with the viewer's own token", async () => {
    await api('DELETE', `/api/workers/${workerId}/labs/${deletedLabId}?force=true`);
    await signIn(token({ sub: 'vera', roles: ['viewer'] }));
    await workersPage();
    await nav('Audit trail').click();
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    // Delivery to apps/audit is asynchronous: reload until the row is there.
    const row = page.getByRole('rowheader', { name: new RegExp(deletedLabTitle) });
    const deadline = Date.now() + 20_000;
    while ((await row.count()) === 0) {
      if (Date.now() > deadline) throw new Error('the deleted lab never showed up in the audit trail');
      await button('Reload').click();
      await page.waitForTimeout(300);
    }
    expect(await page.getByRole('alert').count()).toBe(0);
    // Without a token apps/audit refuses, so the page above did send the viewer's.
    expect((await fetch(`${stack.auditUrl}/api/audit-events`)).status).toBe(401);
    await signOut();
  });

  it('shows an operator (realm_access.roles) Delete and Refresh, not worker management or the outbox', async () => {
    await signIn(token({ sub: 'otto', realm_access: { roles: ['operator'] } }));
    await workersPage();
    expect(await page.getByText('operator', { exact: true }).count()).toBe(1);
    await button('Refresh sim-auth now').waitFor();
    expect(await button('Add worker').count()).toBe(0);
    expect(await button('Edit sim-auth').count()).toBe(0);
    expect(await button('Disable sim-auth').count()).toBe(0);
    expect(await nav('Outbox').count()).toBe(0);

    await labsPage();
    await button(`Delete ${labTitle}`).waitFor();
    await button('Refresh now').waitFor();

    // Typed by hand, the outbox URL gets the API's 403 and still no Retry.
    await page.goto(`${stack.url}/#/outbox`);
    await page.getByRole('heading', { name: 'Outbox', level: 1 }).waitFor();
    await page.getByRole('alert').getByText('(HTTP 403)').waitFor();
    expect(await page.getByRole('button', { name: /^Retry/ }).count()).toBe(0);
    await page.goto(`${stack.url}/#/workers`);
    await signOut();
  });

  it('shows an admin everything, and signs out to the login page', async () => {
    await signIn(token({ sub: 'ada', roles: ['admin'] }));
    await workersPage();
    expect(await page.getByText('admin', { exact: true }).count()).toBe(1);
    await button('Add worker').waitFor();
    await button('Edit sim-auth').waitFor();
    await button('Disable sim-auth').waitFor();
    await button('Refresh sim-auth now').waitFor();
    await nav('Outbox').waitFor();

    await labsPage();
    await button(`Delete ${labTitle}`).waitFor();
    await button('Refresh now').waitFor();

    await nav('Reconciliations').click();
    await button('Reconcile all workers now').waitFor();
    await nav('Outbox').click();
    await page.getByRole('heading', { name: 'Outbox', level: 1 }).waitFor();
    await page.getByText('Nothing pending').waitFor();

    await signOut();
    // Signing out is not an error.
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
  });

  it('sends the user back to the login page with a message when the token expires mid-session', async () => {
    // The API tolerates 5 s of clock skew: the token is refused from exp + 5 s on.
    const exp = Math.floor(Date.now() / 1000) + 2;
    await signIn(token({ sub: 'eve', roles: ['admin'], exp }, {}));
    await workersPage();
    await page.waitForTimeout(Math.max(0, (exp + 6) * 1000 - Date.now()));

    await nav('Reconciliations').click();
    const alert = page.getByRole('alert');
    await alert.getByText(/The API refused the token/).waitFor();
    expect(await alert.textContent()).toMatch(/The bearer token is not valid/);
    await loginHeading().waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('cml-labs.token'))).toBeNull();

    // And a fresh token works again.
    await signIn(token({ sub: 'eve', roles: ['viewer'] }));
    await page.getByRole('heading', { name: 'Reconciliation history' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('threw no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
