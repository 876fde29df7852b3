/**
 * What apps/api and apps/audit do for the web console (apps/web): the public `GET /web-config.json`, the built
 * console served at `/` without shadowing /api, and CORS for reading the audit trail from the console's origin
 * (AUDIT_CORS_ORIGINS; none by default).
 * The console itself is tested in Chromium by `npm run test:web-e2e`.
 */
import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ConfigValidationError, loadAppConfig } from '@app/common';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { loadWebConsoleConfig, webConsoleSettings } from '../../apps/api/src/web/web-console';
import { loadAuditConfig } from '../../apps/audit/src/audit-config';
import { createAuditApp } from '../../apps/audit/src/create-audit-app';
import { testDatabaseUri } from '../support/test-database';

const baseEnv = () => ({
  MONGODB_URI: testDatabaseUri('web_console'),
  SECRETS_KEY: randomBytes(32).toString('base64'),
  LOG_LEVEL: 'silent',
  LABS_REFRESH_INTERVAL: '0',
});

/** HS256 tokens carry an issuer and an audience too (required with authentication on). */
const hsClaims = { AUTH_ISSUER: 'https://idp.example/realms/lab', AUTH_AUDIENCE: 'cml-labs' };

describe('web console settings', () => {
  it('reads WEB_AUDIT_URL (default http://127.0.0.1:8081) and OIDC_CLIENT_ID', () => {
    expect(loadWebConsoleConfig({}).auditUrl).toBe('http://127.0.0.1:8081');
    const web = loadWebConsoleConfig({ WEB_AUDIT_URL: 'https://audit.example/', OIDC_CLIENT_ID: 'console' });
    expect(web).toMatchObject({ auditUrl: 'https://audit.example', oidcClientId: 'console' });
    expect(() => loadWebConsoleConfig({ WEB_AUDIT_URL: 'ftp://x' })).toThrow(ConfigValidationError);
  });

  it('tells the console how to authenticate, and nothing secret', () => {
    const config = loadAppConfig({
      ...baseEnv(),
      AUTH_JWKS_URL: 'https://idp.example/jwks',
      AUTH_ISSUER: 'https://idp.example/realms/lab',
      AUTH_AUDIENCE: 'cml-labs',
    });
    expect(webConsoleSettings(config, { auditUrl: 'http://a', oidcClientId: 'console' })).toEqual({
      authDisabled: false,
      auth: { issuer: 'https://idp.example/realms/lab', clientId: 'console' },
      auditUrl: 'http://a',
      roleClaims: [['resource_access', 'cml-labs', 'roles']],
    });
    const hs = loadAppConfig({ ...baseEnv(), AUTH_JWT_SECRET: 'x'.repeat(32), ...hsClaims });
    expect(webConsoleSettings(hs, { auditUrl: 'http://a' })).toEqual({
      authDisabled: false,
      auth: null,
      auditUrl: 'http://a',
      roleClaims: [['resource_access', 'cml-labs', 'roles']],
    });
  });

  it('tells the console where the API reads roles (AUTH_ROLES_CLAIM)', () => {
    const config = loadAppConfig({
      ...baseEnv(),
      AUTH_JWT_SECRET: 'x'.repeat(32),
      ...hsClaims,
      AUTH_ROLES_CLAIM: 'realm_access.roles,roles',
    });
    expect(webConsoleSettings(config, { auditUrl: 'http://a' }).roleClaims).toEqual([
      ['realm_access', 'roles'],
      ['roles'],
    ]);
  });
});

describe('the API serving the console', () => {
  let app: INestApplication;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'web-dist-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
    const config = loadAppConfig({ ...baseEnv(), AUTH_JWT_SECRET: 'y'.repeat(32), ...hsClaims });
    app = await createApiApp(config, undefined, { auditUrl: 'http://127.0.0.1:8081', distDir: dist });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers GET /web-config.json without a token', async () => {
    const res = await request(app.getHttpServer()).get('/web-config.json').expect(200);
    expect(res.body).toEqual({
      authDisabled: false,
      auth: null,
      auditUrl: 'http://127.0.0.1:8081',
      roleClaims: [['resource_access', 'cml-labs', 'roles']],
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('serves index.html at / and keeps /api protected', async () => {
    const res = await request(app.getHttpServer()).get('/').expect(200);
    expect(res.text).toContain('<title>console</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
    await request(app.getHttpServer()).get('/api/workers').expect(401);
  });
});

describe('apps/audit CORS', () => {
  const CONSOLE = 'http://127.0.0.1:8080';
  let audit: INestApplication;
  beforeAll(async () => {
    audit = await createAuditApp(
      loadAuditConfig({
        AUDIT_MONGODB_URI: testDatabaseUri('web_cors'),
        LOG_LEVEL: 'silent',
        AUDIT_INGEST_TOKEN: randomBytes(32).toString('hex'),
        AUTH_DISABLED: 'true',
        AUDIT_CORS_ORIGINS: CONSOLE,
      }),
    );
    await audit.init();
  });
  afterAll(() => audit.close());

  it("lets the console's origin (AUDIT_CORS_ORIGINS) read GET /api/audit-events, and no other", async () => {
    const res = await request(audit.getHttpServer())
      .get('/api/audit-events')
      .set('Origin', CONSOLE)
      .expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    const other = await request(audit.getHttpServer())
      .get('/api/audit-events')
      .set('Origin', 'https://elsewhere.example')
      .expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
