import type { Role } from '../api/types';
import {
  buildAuthorizeUrl,
  codeChallengeS256,
  createCodeVerifier,
  randomState,
  tokenRequestBody,
} from './pkce';

const TOKEN_KEY = 'cml-labs.token';
const PENDING_KEY = 'cml-labs.oidc-pending';

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

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

async function discover(issuer: string): Promise<Discovery> {
  const res = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`OIDC discovery failed: HTTP ${res.status}`);
  return (await res.json()) as Discovery;
}

function redirectUri(): string {
  return `${window.location.origin}${window.location.pathname}`;
}

/** Starts authorization code + PKCE: remembers verifier and state for this tab, then leaves for the provider. */
export async function beginOidcLogin(issuer: string, clientId: string): Promise<void> {
  const d = await discover(issuer);
  const verifier = createCodeVerifier();
  const state = randomState();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, issuer, clientId }));
  window.location.assign(
    buildAuthorizeUrl({
      authorizationEndpoint: d.authorization_endpoint,
      clientId,
      redirectUri: redirectUri(),
      codeChallenge: await codeChallengeS256(verifier),
      state,
    }),
  );
}

/** On return from the provider (`?code&state`): checks the state, redeems the code, returns the access token. */
export async function completeOidcLogin(): Promise<string | null> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
    verifier: string;
    state: string;
    issuer: string;
    clientId: string;
  } | null;
  sessionStorage.removeItem(PENDING_KEY);
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.hash}`);
  if (error) throw new Error(`Login failed: ${error} ${params.get('error_description') ?? ''}`.trim());
  if (!pending || params.get('state') !== pending.state)
    throw new Error('Login failed: the state does not match');
  const d = await discover(pending.issuer);
  const res = await fetch(d.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: tokenRequestBody({
      code: code!,
      redirectUri: redirectUri(),
      clientId: pending.clientId,
      codeVerifier: pending.verifier,
    }),
  });
  if (!res.ok) throw new Error(`Login failed: the token endpoint answered HTTP ${res.status}`);
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error('Login failed: no access token');
  return body.access_token;
}
