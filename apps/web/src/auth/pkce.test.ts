import { describe, expect, it } from 'vitest';
import { rolesOf } from './session';
import {
  base64Url,
  buildAuthorizeUrl,
  codeChallengeS256,
  createCodeVerifier,
  tokenRequestBody,
} from './pkce';

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', async () => {
    expect(await codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes verifiers of unreserved characters, 43 to 128 long, different each time', () => {
    const v = createCodeVerifier();
    expect(v).toMatch(/^[A-Za-z0-9\-._~]{64}$/);
    expect(createCodeVerifier(43)).toHaveLength(43);
    expect(createCodeVerifier()).not.toBe(v);
    expect(() => createCodeVerifier(42)).toThrow(RangeError);
    expect(() => createCodeVerifier(129)).toThrow(RangeError);
  });

  it('drops biased bytes instead of folding them', () => {
    let call = 0;
    // First call: only bytes >= 198 (all dropped), then zeros ('A').
    const random = (n: number) => new Uint8Array(n).fill(call++ === 0 ? 250 : 0);
    expect(createCodeVerifier(43, random)).toBe('A'.repeat(43));
  });

  it('encodes base64url without padding', () => {
    expect(base64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('builds the authorization request and the token request', () => {
    const url = new URL(
      buildAuthorizeUrl({
        authorizationEndpoint: 'https://idp.example/auth?kc_idp_hint=x',
        clientId: 'cml-console',
        redirectUri: 'https://cml-labs.example/',
        codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        state: 's1',
      }),
    );
    expect(url.origin + url.pathname).toBe('https://idp.example/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      kc_idp_hint: 'x',
      response_type: 'code',
      client_id: 'cml-console',
      redirect_uri: 'https://cml-labs.example/',
      scope: 'openid profile',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      state: 's1',
    });
    expect(
      tokenRequestBody({
        code: 'c',
        redirectUri: 'https://x/',
        clientId: 'id',
        codeVerifier: 'v',
      }).toString(),
    ).toBe(
      'grant_type=authorization_code&code=c&redirect_uri=https%3A%2F%2Fx%2F&client_id=id&code_verifier=v',
    );
  });
});

describe('roles from a token', () => {
  const jwt = (claims: object) => `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`;
  const topAndRealm = [['roles'], ['realm_access', 'roles']];
  it('reads roles or realm_access.roles when the API names them, ignoring unknown ones', () => {
    expect(rolesOf(jwt({ roles: ['operator', 'other'] }), topAndRealm)).toEqual(['operator']);
    expect(rolesOf(jwt({ realm_access: { roles: ['admin'] } }), topAndRealm)).toEqual(['admin']);
    expect(rolesOf('not-a-jwt', topAndRealm)).toEqual([]);
  });

  it('reads the claim paths the API reads (/web-config.json roleClaims), and only those', () => {
    const keycloak = [['resource_access', 'cml-labs', 'roles']];
    const token = jwt({
      roles: ['admin'],
      realm_access: { roles: ['admin'] },
      resource_access: { 'cml-labs': { roles: ['operator', 'uma_protection'] }, other: { roles: ['admin'] } },
    });
    expect(rolesOf(token, keycloak)).toEqual(['operator']);
    expect(rolesOf(jwt({ roles: 'viewer admin' }), [['roles']])).toEqual(['viewer', 'admin']);
    expect(rolesOf(jwt({ roles: ['admin'] }), keycloak)).toEqual([]);
    expect(rolesOf(token, [])).toEqual([]);
  });
});
