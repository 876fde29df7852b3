/**
 * The whole product for the console's end-to-end tests and screenshots, started the way apps/api/src/dev.ts
 * starts the demo: embedded FerretDB, the CML simulator over real HTTPS, apps/audit as the CloudEvents sink, and
 * the API (AUTH_DISABLED=true) serving the built console (apps/web/dist) at `/`. The API delivers to apps/audit
 * with a bearer token made for the run, and apps/audit lets the console's origin read the trail (CORS) under the
 * API's AUTH_* settings. Every port is free-picked and everything listens on 127.0.0.1, so nothing needs the
 * network. Chromium is Debian's (/usr/bin/chromium); nothing downloads a browser.
 *
 * Options: `jwtSecret` starts the API with authentication (AUTH_DISABLED unset, AUTH_JWT_SECRET set: HS256
 * bearer tokens from TOKEN_ISSUER for TOKEN_AUDIENCE, roles at `roles` or `realm_access.roles`, no banner); `env`
 * overrides or adds API variables (e.g. CLOUDEVENTS_SINK_URL, OUTBOX_*); `oidcClientId` is the console's OIDC client
 * (OIDC_CLIENT_ID), for single sign-on against AUTH_ISSUER.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { chromium, type Browser } from 'playwright-core';
import { loadAppConfig } from '@app/common';
import { type RunningCmlSimulator, startCmlSimulator } from '@app/cml-simulator';
import { ensureFerretDbInstalled, findRepoRoot, startEmbeddedFerretDb } from '@app/dev-infra';
import { loadAuditConfig } from '../../audit/src/audit-config';
import { createAuditApp } from '../../audit/src/create-audit-app';
import { createApiApp } from '../../api/src/create-api-app';
import { withDatabaseName } from '../../../test/support/test-database';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The `iss` and `aud` the API requires with `jwtSecret` (AUTH_ISSUER, AUTH_AUDIENCE). */
export const TOKEN_ISSUER = 'https://idp.test';
export const TOKEN_AUDIENCE = 'cml-labs';

/**
 * Authentication on, as an identity provider would configure it for these tests' tokens, which carry
 * top-level or realm roles (named explicitly: the API's default is Keycloak's client roles).
 */
const jwtAuthEnv = (secret: string): Record<string, string> => ({
  AUTH_JWT_SECRET: secret,
  AUTH_ISSUER: TOKEN_ISSUER,
  AUTH_AUDIENCE: TOKEN_AUDIENCE,
  AUTH_ROLES_CLAIM: 'roles,realm_access.roles',
});

/** The flags this machine's closed network needs (see the machine notes); playwright adds --headless and a fresh profile. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface WebStack {
  url: string;
  auditUrl: string;
  /** What apps/audit accepts events with (AUDIT_INGEST_TOKEN): tests that seed the trail directly use it. */
  auditIngestToken: string;
  simulator: RunningCmlSimulator;
  api: INestApplication;
  browser: Browser;
  close(): Promise<void>;
}

async function listenLocal(app: INestApplication, port = 0): Promise<string> {
  await app.listen(port, '127.0.0.1');
  const address = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

/** A port that was free a moment ago (listen on 0, read it, close). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface WebStackOptions {
  /** Names the FerretDB data directory. */
  label?: string;
  /** Authentication on: AUTH_JWT_SECRET (at least 32 bytes) instead of AUTH_DISABLED=true. */
  jwtSecret?: string;
  /** Variables of the API that override the defaults below (e.g. CLOUDEVENTS_SINK_URL, OUTBOX_MAX_ATTEMPTS). */
  env?: Record<string, string>;
  /** The console's OIDC client id (OIDC_CLIENT_ID): single sign-on with AUTH_ISSUER. */
  oidcClientId?: string;
}

export async function startWebStack(labelOrOptions: string | WebStackOptions = 'web-e2e'): Promise<WebStack> {
  const options = typeof labelOrOptions === 'string' ? { label: labelOrOptions } : labelOrOptions;
  const label = options.label ?? 'web-e2e';
  const root = findRepoRoot(__dirname);
  const dist = join(root, 'apps', 'web', 'dist');
  if (!existsSync(join(dist, 'index.html'))) {
    throw new Error('apps/web/dist is missing: run `npm run web:build` first (npm run test:web-e2e does)');
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (never a downloaded browser)`);
  }
  const stops: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    let mongoBase = process.env.MONGODB_URI;
    if (!mongoBase) {
      ensureFerretDbInstalled(root);
      const dataDir = join(root, '.data', `${label}-ferretdb-${process.pid}`);
      rmSync(dataDir, { recursive: true, force: true });
      const db = await startEmbeddedFerretDb({ dataDir, repoRoot: root });
      stops.push(async () => {
        await db.stop();
        rmSync(dataDir, { recursive: true, force: true });
      });
      mongoBase = db.uri;
    }
    const suffix = randomBytes(3).toString('hex');
    const dbUri = (name: string) => withDatabaseName(mongoBase!, `${name}_${suffix}`);

    // The API's port is picked first: apps/audit must know the console's origin for CORS before it starts.
    const apiPort = await freePort();
    const url = `http://127.0.0.1:${apiPort}`;
    // As the demo does: a credential for this run, given to both sides.
    const ingestToken = randomBytes(32).toString('base64url');
    const apiEnv: Record<string, string> = {
      MONGODB_URI: dbUri('web_api'),
      SECRETS_KEY: randomBytes(32).toString('base64'),
      ...(options.jwtSecret ? jwtAuthEnv(options.jwtSecret) : { AUTH_DISABLED: 'true' }),
      LOG_LEVEL: 'silent',
      LABS_REFRESH_INTERVAL: '0',
      CML_TIMEOUT_MS: '5000',
      CML_ALLOW_PRIVATE_ENDPOINTS: '127.0.0.0/8',
      CLOUDEVENTS_SINK_TOKEN: ingestToken,
      OUTBOX_RELAY_INTERVAL_MS: '500',
      ...options.env,
    };

    const audit = await createAuditApp(
      loadAuditConfig({
        AUDIT_MONGODB_URI: dbUri('web_audit'),
        LOG_LEVEL: 'silent',
        AUDIT_PORT: '0',
        AUDIT_INGEST_TOKEN: ingestToken,
        AUDIT_CORS_ORIGINS: url,
        // The console reads the trail with the token it uses for the API: the same AUTH_* settings.
        ...Object.fromEntries(Object.entries(apiEnv).filter(([name]) => name.startsWith('AUTH_'))),
      }),
    );
    stops.push(() => audit.close());
    const auditUrl = await listenLocal(audit);

    const simulator = await startCmlSimulator({ port: 0 });
    stops.push(() => simulator.close());

    const config = loadAppConfig({ CLOUDEVENTS_SINK_URL: `${auditUrl}/`, ...apiEnv });
    const api = await createApiApp(config, undefined, {
      auditUrl,
      distDir: dist,
      oidcClientId: options.oidcClientId,
    });
    stops.push(() => api.close());
    await listenLocal(api, apiPort);

    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    stops.push(() => browser.close());
    return { url, auditUrl, auditIngestToken: ingestToken, simulator, api, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}
