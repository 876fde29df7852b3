/** PKCE (RFC 7636) with S256, and the OIDC authorization request built from a discovery document. */

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A code verifier: `length` (43 to 128) unreserved characters from the platform's CSPRNG. */
export function createCodeVerifier(length = 64, random: (n: number) => Uint8Array = randomBytes): string {
  if (length < 43 || length > 128) throw new RangeError('a PKCE code verifier has 43 to 128 characters');
  // 66 characters: bytes of 198 and above would bias the choice (256 = 3 * 66 + 58), so they are dropped.
  let out = '';
  while (out.length < length) {
    for (const b of random(length)) {
      if (b < 198 && out.length < length) out += UNRESERVED[b % UNRESERVED.length];
    }
  }
  return out;
}

export async function codeChallengeS256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export function randomState(random: (n: number) => Uint8Array = randomBytes): string {
  return base64Url(random(24));
}

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

export interface AuthorizeRequest {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state: string;
  scope?: string;
}

export function buildAuthorizeUrl(r: AuthorizeRequest): string {
  const url = new URL(r.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', r.clientId);
  url.searchParams.set('redirect_uri', r.redirectUri);
  url.searchParams.set('scope', r.scope ?? 'openid profile');
  url.searchParams.set('code_challenge', r.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', r.state);
  return url.toString();
}

export function tokenRequestBody(p: {
  code: string;
  redirectUri: string;
  clientId: string;
  codeVerifier: string;
}): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    code: p.code,
    redirect_uri: p.redirectUri,
    client_id: p.clientId,
    code_verifier: p.codeVerifier,
  });
}
