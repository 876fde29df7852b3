/**
 * The verifier against a real JWKS endpoint: a local HTTP server that counts its requests and can be switched
 * off (an identity provider that is down). Unknown `kid`s must not hammer the provider nor lock anyone out, and
 * the keys already known must keep serving while it is down (RFC 8725; issue 12, item 8).
 */
import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { loadAppConfig } from '../config/app-config';
import { JwtTokenVerifier } from './jwt-token-verifier';

const ISSUER = 'https://kc.test/realms/cml';
const AUDIENCE = 'cml-labs';

function keyPair(kid: string): { kid: string; privateKey: KeyObject; jwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' } };
}

/** A JWKS endpoint that serves `keys`, counts requests and can be switched off (connections refused). */
class FakeIdp {
  requests = 0;
  keys: Record<string, unknown>[] = [];
  private server?: Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/certs`;
  }

  async start(): Promise<void> {
    this.server = createServer((_req, res) => {
      this.requests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('JwtTokenVerifier with a JWKS endpoint', () => {
  const k1 = keyPair('k1');
  const k2 = keyPair('k2');
  const stranger = keyPair('stranger');
  let idp: FakeIdp;

  const sign = (key: { kid: string; privateKey: KeyObject }, kid = key.kid) =>
    jwt.sign({ sub: 'kc-user', resource_access: { [AUDIENCE]: { roles: ['viewer'] } } }, key.privateKey, {
      algorithm: 'RS256',
      keyid: kid,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: 300,
    });

  const verifier = (env: Record<string, string> = {}) =>
    new JwtTokenVerifier(
      loadAppConfig({
        MONGODB_URI: 'mongodb://127.0.0.1:27017/cml',
        SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
        AUTH_JWKS_URL: idp.url,
        AUTH_JWKS_ALLOW_HTTP_LOOPBACK: 'true',
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        ...env,
      }).auth,
    );

  beforeEach(async () => {
    idp = new FakeIdp();
    idp.keys = [k1.jwk];
    await idp.start();
  });
  afterEach(() => idp.stop());

  it('makes at most one refetch per cooldown for a flood of unknown kids, and the known key keeps working', async () => {
    const v = verifier({ AUTH_JWKS_COOLDOWN_MS: '30000' });
    await expect(v.verify(sign(k1))).resolves.toMatchObject({ subject: 'kc-user' });
    expect(idp.requests).toBe(1);

    // 50 tokens with random kids at once, then 50 more one after the other.
    const flood = Array.from({ length: 50 }, () => v.verify(sign(stranger, randomUUID())));
    const results = await Promise.allSettled([...flood, v.verify(sign(k1))]);
    expect(results.slice(0, 50).every((r) => r.status === 'rejected')).toBe(true);
    expect(results[50]).toMatchObject({ status: 'fulfilled', value: { subject: 'kc-user' } });
    for (let i = 0; i < 50; i++) await expect(v.verify(sign(stranger, randomUUID()))).rejects.toThrow();
    await expect(v.verify(sign(k1))).resolves.toMatchObject({ subject: 'kc-user' });

    expect(idp.requests).toBeLessThanOrEqual(2);
  });

  it('picks up a new key (rotation) with one refetch once the cooldown has passed', async () => {
    const v = verifier({ AUTH_JWKS_COOLDOWN_MS: '300' });
    await v.verify(sign(k1));
    idp.keys = [k1.jwk, k2.jwk];
    await sleep(350);
    await expect(Promise.all([v.verify(sign(k2)), v.verify(sign(k2))])).resolves.toHaveLength(2);
    expect(idp.requests).toBe(2);
  });

  it('keeps verifying tokens signed with a known key while the identity provider is down, past the cache age', async () => {
    const v = verifier({ AUTH_JWKS_COOLDOWN_MS: '100', AUTH_JWKS_CACHE_MAX_AGE_MS: '200' });
    await v.verify(sign(k1));
    await idp.stop();
    await sleep(300);
    for (let i = 0; i < 5; i++) {
      await expect(v.verify(sign(k1))).resolves.toMatchObject({ subject: 'kc-user' });
      await expect(v.verify(sign(stranger, randomUUID()))).rejects.toThrow();
      await sleep(60);
    }
  });

  it('refreshes keys older than the cache age, so a key the provider dropped stops verifying', async () => {
    const v = verifier({ AUTH_JWKS_COOLDOWN_MS: '1000', AUTH_JWKS_CACHE_MAX_AGE_MS: '200' });
    await v.verify(sign(k1));
    idp.keys = [k2.jwk];
    await sleep(1100);
    // Served from the stale set while it is refreshed in the background, then gone.
    await expect(v.verify(sign(k1))).resolves.toMatchObject({ subject: 'kc-user' });
    await sleep(100);
    await expect(v.verify(sign(k1))).rejects.toThrow();
    await expect(v.verify(sign(k2))).resolves.toMatchObject({ subject: 'kc-user' });
    expect(idp.requests).toBe(2);
  });

  it('is built with authentication off too (the app provides it either way; nothing is verified then)', () => {
    const off = loadAppConfig({
      MONGODB_URI: 'mongodb://127.0.0.1:27017/cml',
      SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      AUTH_DISABLED: 'true',
    }).auth;
    expect(() => new JwtTokenVerifier(off)).not.toThrow();
  });
});
