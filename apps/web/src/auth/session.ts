import { ErrorResponse, InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { Role, WebSettings } from '../api/types';

const TOKEN_KEY = 'cml-labs.token';

/** The bearer token lives in sessionStorage: gone with the tab, never in a cookie. */
export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}
export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** The JWT's claims, unverified (the API verifies; the console only uses them to hide what it may not do). */
export function decodeClaims(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(
      part
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(part.length / 4) * 4, '='),
    );
    const claims = JSON.parse(decodeURIComponent(escape(json))) as unknown;
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The roles at `roleClaims` (the paths `/web-config.json` names, which the API reads too), each an array of
 * strings or a space-separated string; only the paths named count.
 */
export function rolesOf(token: string, roleClaims: readonly (readonly string[])[]): Role[] {
  const claims = decodeClaims(token);
  if (!claims) return [];
  const roles = new Set<Role>();
  for (const path of roleClaims) {
    let value: unknown = claims;
    for (const name of path) {
      value =
        value && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, name)
          ? (value as Record<string, unknown>)[name]
          : undefined;
    }
    const raw = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/\s+/) : [];
    raw
      .filter((r): r is Role => r === 'viewer' || r === 'operator' || r === 'admin')
      .forEach((r) => roles.add(r));
  }
  return [...roles];
}

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };
export function grants(roles: readonly Role[], required: Role): boolean {
  return roles.some((r) => RANK[r] >= RANK[required]);
}

function redirectUri(): string {
  return `${window.location.origin}${window.location.pathname}`;
}

/**
 * Authorization code + PKCE (S256) with the provider at `issuer` (its discovery document), by oidc-client-ts.
 * The pending request (state, code verifier) stays in this tab's sessionStorage, like the token. The console
 * keeps only the access token, under TOKEN_KEY: the library's own user record is held in memory and dropped with
 * the page. No silent renew: an expired token sends the user back to the login page (the API's 401).
 */
function userManager(issuer: string, clientId: string): UserManager {
  return new UserManager({
    authority: issuer,
    client_id: clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: 'openid profile',
    stateStore: new WebStorageStateStore({ store: window.sessionStorage, prefix: 'cml-labs.oidc.' }),
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    automaticSilentRenew: false,
    loadUserInfo: false,
  });
}

/** Starts the login: leaves for the provider's authorization endpoint. */
export async function beginOidcLogin(issuer: string, clientId: string): Promise<void> {
  await userManager(issuer, clientId).signinRedirect();
}

/**
 * On return from the provider (`?code&state`, or `?error`): checks the state, redeems the code with the verifier
 * and returns the access token; null when the page was not opened by the provider.
 */
export async function completeOidcLogin(auth: WebSettings['auth']): Promise<string | null> {
  const params = new URLSearchParams(window.location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const url = window.location.href;
  // The code is for one use: off the address bar (and the history) before anything else, even if it fails.
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.hash}`);
  if (!auth?.clientId) throw new Error('Login failed: this console has no single sign-on configured');
  try {
    const user = await userManager(auth.issuer, auth.clientId).signinRedirectCallback(url);
    if (!user.access_token) throw new Error('no access token');
    return user.access_token;
  } catch (error) {
    if (error instanceof ErrorResponse && error.error) {
      throw new Error(`Login failed: ${error.error} ${error.error_description ?? ''}`.trim());
    }
    throw new Error(`Login failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
