/**
 * Single sign-on in real Chromium against the real API (./stack.ts with authentication on and OIDC_CLIENT_ID set)
 * and a test OpenID provider (./oidc-provider.ts) as AUTH_ISSUER: "Log in with SSO" runs authorization code +
 * PKCE (oidc-client-ts), the console lands signed in with the provider's access token, and a callback whose state
 * the console did not issue, or a refusal by the provider, is shown as a failed login.
 */
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { TestOidcProvider } from './oidc-provider';
import { startWebStack, TOKEN_AUDIENCE, type WebStack } from './stack';

const SECRET = randomBytes(32).toString('hex');
const CLIENT_ID = 'cml-console';

const provider = new TestOidcProvider(SECRET, TOKEN_AUDIENCE);
let stack: WebStack;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  const issuer = await provider.start();
  stack = await startWebStack({
    label: 'web-e2e-sso',
    jwtSecret: SECRET,
    env: { AUTH_ISSUER: issuer },
    oidcClientId: CLIENT_ID,
  });
  context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
}, 180_000);

afterAll(async () => {
  await context?.close();
  await stack?.close();
  await provider.close();
});

const button = (name: string) => page.getByRole('button', { name, exact: true });
const loginHeading = () => page.getByRole('heading', { name: 'Sign in to cml-labs' });
const storedToken = () => page.evaluate(() => sessionStorage.getItem('cml-labs.token'));

describe('single sign-on (Chromium, real stack, test OpenID provider)', () => {
  it('logs in with authorization code + PKCE and lands on the workers page with the roles of the token', async () => {
    provider.roles = ['operator'];
    await page.goto(stack.url);
    await loginHeading().waitFor();
    await page.getByText(provider.url).waitFor();
    await button('Log in with SSO').click();

    await page.getByRole('heading', { name: 'Workers', level: 1 }).waitFor();
    expect(await page.getByText('operator', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);

    const [authorize] = provider.authorizeRequests;
    expect(authorize).toMatchObject({
      clientId: CLIENT_ID,
      redirectUri: `${stack.url}/`,
      codeChallengeMethod: 'S256',
    });
    expect(authorize.scope.split(' ')).toContain('openid');
    expect(authorize.codeChallenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.state).not.toBe('');
    // The code was redeemed once, with the verifier of that challenge.
    expect(provider.tokenRequests).toHaveLength(1);
    expect(provider.tokenRequests[0].verified).toBe(true);
    // The code and state are gone from the address bar; the API accepted the token (the workers were read).
    expect(new URL(page.url()).search).toBe('');
    const token = await storedToken();
    expect(token).toBeTruthy();
    const workers = await fetch(`${stack.url}/api/workers`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(workers.status).toBe(200);

    await button('Sign out').click();
    await loginHeading().waitFor();
  });

  it('refuses a callback whose state it did not issue, and redeems nothing', async () => {
    const before = provider.tokenRequests.length;
    await page.goto(`${stack.url}/?code=forged&state=not-ours`);
    const alert = page.getByRole('alert');
    await alert.getByText(/Login failed/).waitFor();
    expect(await alert.textContent()).toMatch(/state/i);
    await loginHeading().waitFor();
    expect(provider.tokenRequests).toHaveLength(before);
    expect(await storedToken()).toBeNull();
    expect(new URL(page.url()).search).toBe('');
  });

  it("shows the provider's refusal", async () => {
    await page.goto(stack.url);
    await loginHeading().waitFor();
    // The user starts a login; the provider answers access_denied instead of a code.
    await page.route(`${provider.url}/authorize**`, async (route) => {
      const state = new URL(route.request().url()).searchParams.get('state') ?? '';
      await route.fulfill({
        status: 302,
        headers: {
          Location: `${stack.url}/?error=access_denied&error_description=User+cancelled&state=${state}`,
        },
      });
    });
    await button('Log in with SSO').click();
    const alert = page.getByRole('alert');
    await alert.getByText('Login failed: access_denied User cancelled').waitFor();
    await loginHeading().waitFor();
    expect(await storedToken()).toBeNull();
    await page.unroute(`${provider.url}/authorize**`);
  });

  it('threw no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
