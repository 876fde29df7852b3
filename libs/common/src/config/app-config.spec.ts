import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigValidationError, loadAppConfig } from './app-config';

const key = Buffer.alloc(32, 7).toString('base64');
const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/cml', SECRETS_KEY: key, AUTH_DISABLED: 'true' };

describe('loadAppConfig', () => {
  it('applies the contract defaults', () => {
    const c = loadAppConfig(base);
    expect(c.port).toBe(8080);
    expect(c.labsRefreshIntervalSeconds).toBe(1800);
    expect(c.reconcileConcurrency).toBe(8);
    expect(c.reconcileMaxDeleteRatio).toBe(0.5);
    expect(c.cmlTimeoutMs).toBe(15000);
    expect(c.cloudEventsSource).toBe('/cml-labs');
    expect(c.cloudEventsTypePrefix).toBe('io.cml-labs');
    expect(c.cloudEventsSinks).toEqual([]);
    expect(c.secretsKey).toHaveLength(32);
    expect(c.secretsPreviousKeys).toEqual([]);
  });

  it('reads the bulk delete settings, with their defaults', () => {
    expect(loadAppConfig(base).bulkDelete).toEqual({
      concurrencyPerWorker: 4,
      maxLabs: 10_000,
      jobLeaseMs: 30_000,
    });
    const c = loadAppConfig({
      ...base,
      BULK_DELETE_CONCURRENCY_PER_WORKER: '2',
      BULK_DELETE_MAX_LABS: '50',
      BULK_DELETE_JOB_LEASE_MS: '5000',
    });
    expect(c.bulkDelete).toEqual({ concurrencyPerWorker: 2, maxLabs: 50, jobLeaseMs: 5000 });
    expect(() => loadAppConfig({ ...base, BULK_DELETE_CONCURRENCY_PER_WORKER: '0' })).toThrow(
      /BULK_DELETE_CONCURRENCY_PER_WORKER/,
    );
  });

  it('reads the previous secrets keys, comma-separated, for a rotation', () => {
    const old1 = Buffer.alloc(32, 1);
    const old2 = Buffer.alloc(32, 2);
    const c = loadAppConfig({
      ...base,
      SECRETS_KEYS_PREVIOUS: ` ${old1.toString('base64')}, ${old2.toString('base64')},`,
    });
    expect(c.secretsPreviousKeys).toEqual([old1, old2]);
    expect(loadAppConfig({ ...base, SECRETS_KEYS_PREVIOUS: ' ' }).secretsPreviousKeys).toEqual([]);
  });

  it('refuses a previous secrets key that is not 32 bytes, by position, without echoing any key', () => {
    const good = Buffer.alloc(32, 1).toString('base64');
    const short = Buffer.alloc(16, 3).toString('base64');
    let error: unknown;
    try {
      loadAppConfig({ ...base, SECRETS_KEYS_PREVIOUS: `${good},${short},not-a-key` });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems;
    expect(problems).toEqual([
      'SECRETS_KEYS_PREVIOUS must be comma-separated 32-byte keys, base64-encoded; keys 2, 3 are not',
    ]);
    expect(problems.join()).not.toContain(short);
    expect(problems.join()).not.toContain(good);
  });

  it('splits sinks and falls back to K_SINK', () => {
    expect(loadAppConfig({ ...base, CLOUDEVENTS_SINK_URL: 'http://a/, http://b/' }).cloudEventsSinks).toEqual(
      ['http://a/', 'http://b/'],
    );
    expect(loadAppConfig({ ...base, K_SINK: 'http://k/' }).cloudEventsSinks).toEqual(['http://k/']);
  });

  it('reports every wrong variable at once, by name', () => {
    let error: unknown;
    try {
      loadAppConfig({
        PORT: 'eighty',
        LABS_REFRESH_INTERVAL: '-1',
        SECRETS_KEY: 'short',
        SECRETS_KEYS_PREVIOUS: 'short',
        RECONCILE_MAX_DELETE_RATIO: '2',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    for (const name of [
      'PORT',
      'LABS_REFRESH_INTERVAL',
      'SECRETS_KEY',
      'SECRETS_KEYS_PREVIOUS',
      'RECONCILE_MAX_DELETE_RATIO',
      'MONGODB_URI',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('refuses to start without authentication unless AUTH_DISABLED=true', () => {
    expect(() => loadAppConfig({ ...base, AUTH_DISABLED: undefined })).toThrow(
      /no authentication configured/,
    );
    expect(() =>
      loadAppConfig({
        ...base,
        AUTH_DISABLED: undefined,
        AUTH_JWT_SECRET: 'a-secret-of-at-least-thirty-two-bytes',
        AUTH_ISSUER: 'https://idp.test',
        AUTH_AUDIENCE: 'cml-labs',
      }),
    ).not.toThrow();
    expect(() => loadAppConfig({ ...base, AUTH_DISABLED: undefined, AUTH_JWT_SECRET: 's3cret' })).toThrow(
      /32 bytes/,
    );
  });

  it('refuses sinks with credentials or another scheme, in either variable', () => {
    expect(() => loadAppConfig({ ...base, CLOUDEVENTS_SINK_URL: 'https://user:pass@sink.example/' })).toThrow(
      /CLOUDEVENTS_SINK_URL/,
    );
    expect(() => loadAppConfig({ ...base, K_SINK: 'ftp://sink.example/' })).toThrow(/K_SINK/);
  });

  describe('authentication (RFC 8725)', () => {
    const hs = {
      ...base,
      AUTH_DISABLED: undefined,
      AUTH_JWT_SECRET: 'a-secret-of-at-least-thirty-two-bytes',
      AUTH_ISSUER: 'https://idp.test',
      AUTH_AUDIENCE: 'cml-labs',
    };
    const jwks = { ...hs, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: 'https://idp.test/certs' };

    it('needs AUTH_ISSUER and AUTH_AUDIENCE in every mode, HS256 too', () => {
      for (const env of [hs, jwks]) {
        expect(() => loadAppConfig({ ...env, AUTH_ISSUER: undefined })).toThrow(/AUTH_ISSUER/);
        expect(() => loadAppConfig({ ...env, AUTH_AUDIENCE: ' ' })).toThrow(/AUTH_AUDIENCE/);
        expect(() => loadAppConfig(env)).not.toThrow();
      }
      // With authentication off there is nothing to check tokens against.
      expect(() => loadAppConfig(base)).not.toThrow();
    });

    it('takes AUTH_JWKS_URL over https only; http on loopback needs AUTH_JWKS_ALLOW_HTTP_LOOPBACK=true', () => {
      expect(() => loadAppConfig({ ...jwks, AUTH_JWKS_URL: 'http://idp.test/certs' })).toThrow(
        /AUTH_JWKS_URL/,
      );
      expect(() => loadAppConfig({ ...jwks, AUTH_JWKS_URL: 'http://127.0.0.1:9000/certs' })).toThrow(
        /AUTH_JWKS_URL/,
      );
      expect(() => loadAppConfig({ ...jwks, AUTH_JWKS_URL: 'not a url' })).toThrow(/AUTH_JWKS_URL/);
      const loopback = { ...jwks, AUTH_JWKS_ALLOW_HTTP_LOOPBACK: 'true' };
      for (const url of [
        'http://127.0.0.1:9000/certs',
        'http://localhost/certs',
        'http://[::1]:9000/certs',
      ]) {
        expect(loadAppConfig({ ...loopback, AUTH_JWKS_URL: url }).auth.jwksUrl).toBe(url);
      }
      expect(() => loadAppConfig({ ...loopback, AUTH_JWKS_URL: 'http://idp.test/certs' })).toThrow(
        /AUTH_JWKS_URL/,
      );
    });

    it("reads roles from Keycloak's client roles of AUTH_AUDIENCE unless told otherwise", () => {
      expect(loadAppConfig(hs).auth.roleClaims).toEqual([['resource_access', 'cml-labs', 'roles']]);
      expect(loadAppConfig({ ...hs, AUTH_ROLES_CLIENT: 'console' }).auth.roleClaims).toEqual([
        ['resource_access', 'console', 'roles'],
      ]);
      // An audience with dots is still one client id, not a path.
      expect(loadAppConfig({ ...hs, AUTH_AUDIENCE: 'api.example.org' }).auth.roleClaims).toEqual([
        ['resource_access', 'api.example.org', 'roles'],
      ]);
      expect(
        loadAppConfig({ ...hs, AUTH_ROLES_CLAIM: 'resource_access.cml-labs.roles, realm_access.roles,roles' })
          .auth.roleClaims,
      ).toEqual([['resource_access', 'cml-labs', 'roles'], ['realm_access', 'roles'], ['roles']]);
      expect(() => loadAppConfig({ ...hs, AUTH_ROLES_CLAIM: 'realm_access..roles' })).toThrow(
        /AUTH_ROLES_CLAIM/,
      );
    });

    it('refetches the JWKS at most once per AUTH_JWKS_COOLDOWN_MS and keeps keys AUTH_JWKS_CACHE_MAX_AGE_MS', () => {
      expect(loadAppConfig(jwks).auth.jwks).toEqual({ cooldownMs: 30_000, cacheMaxAgeMs: 600_000 });
      expect(
        loadAppConfig({ ...jwks, AUTH_JWKS_COOLDOWN_MS: '1000', AUTH_JWKS_CACHE_MAX_AGE_MS: '60000' }).auth
          .jwks,
      ).toEqual({ cooldownMs: 1000, cacheMaxAgeMs: 60_000 });
      expect(() => loadAppConfig({ ...jwks, AUTH_JWKS_COOLDOWN_MS: '0' })).toThrow(/AUTH_JWKS_COOLDOWN_MS/);
    });
  });

  describe('CloudEvents sink credentials', () => {
    const token = 't'.repeat(32);

    it('sends none by default', () => {
      expect(loadAppConfig(base).cloudEventsSinkAuth).toEqual({ token: undefined, hmacSecret: undefined });
    });

    it('takes CLOUDEVENTS_SINK_TOKEN and CLOUDEVENTS_SINK_HMAC_SECRET, and never prints them', () => {
      const c = loadAppConfig({
        ...base,
        CLOUDEVENTS_SINK_TOKEN: token,
        CLOUDEVENTS_SINK_HMAC_SECRET: 'h'.repeat(40),
      });
      expect(c.cloudEventsSinkAuth.token).toBe(token);
      expect(c.cloudEventsSinkAuth.hmacSecret).toBe('h'.repeat(40));
      expect(JSON.stringify(c)).not.toContain(token);
      expect(JSON.stringify(c)).not.toContain('h'.repeat(40));
      expect(JSON.stringify(c.cloudEventsSinkAuth)).toBe('{"token":"[redacted]","hmacSecret":"[redacted]"}');
      expect(inspect(c, { depth: 5 })).not.toContain(token);
    });

    it('reads CLOUDEVENTS_SINK_TOKEN_FILE at start and refuses short or doubly given values, without echoing them', () => {
      const dir = mkdtempSync(join(tmpdir(), 'sink-'));
      const file = join(dir, 'token');
      writeFileSync(file, `${token}\n`);
      try {
        expect(loadAppConfig({ ...base, CLOUDEVENTS_SINK_TOKEN_FILE: file }).cloudEventsSinkAuth.token).toBe(
          token,
        );
        expect(() =>
          loadAppConfig({ ...base, CLOUDEVENTS_SINK_TOKEN: token, CLOUDEVENTS_SINK_TOKEN_FILE: file }),
        ).toThrow('CLOUDEVENTS_SINK_TOKEN and CLOUDEVENTS_SINK_TOKEN_FILE are both set: set one');
        let error: unknown;
        try {
          loadAppConfig({ ...base, PORT: 'x', CLOUDEVENTS_SINK_HMAC_SECRET: 'too-short-secret' });
        } catch (e) {
          error = e;
        }
        expect((error as ConfigValidationError).problems).toEqual([
          expect.stringMatching(/^PORT /),
          'CLOUDEVENTS_SINK_HMAC_SECRET must be at least 32 characters (e.g. openssl rand -base64 32)',
        ]);
        expect(String(error)).not.toContain('too-short-secret');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  // The one reader of CML_TIMEOUT_MS: the CML client takes the value from here (libs/labs wires it).
  it('reads CML_TIMEOUT_MS as a whole number of ms from 100 to 600000', () => {
    expect(loadAppConfig({ ...base, CML_TIMEOUT_MS: '7000' }).cmlTimeoutMs).toBe(7000);
    expect(loadAppConfig({ ...base, CML_TIMEOUT_MS: '1e4' }).cmlTimeoutMs).toBe(10_000);
    for (const wrong of ['99', '600001', '1.5', 'soon']) {
      expect(() => loadAppConfig({ ...base, CML_TIMEOUT_MS: wrong })).toThrow(/CML_TIMEOUT_MS/);
    }
  });

  it('names the log levels it accepts, in the words of apps/audit', () => {
    expect(loadAppConfig(base).logLevel).toBe('info');
    expect(() => loadAppConfig({ ...base, LOG_LEVEL: 'loud' })).toThrow(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    );
  });

  it('writes JSON logs unless LOG_FORMAT=pretty, and names the formats it accepts', () => {
    expect(loadAppConfig(base).logFormat).toBe('json');
    expect(loadAppConfig({ ...base, LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadAppConfig({ ...base, LOG_FORMAT: 'text' })).toThrow(
      'LOG_FORMAT must be one of json, pretty',
    );
  });

  it('bounds database operations (DB_OPERATION_TIMEOUT_MS) and refuses a second instance on FerretDB unless told', () => {
    expect(loadAppConfig(base).database).toEqual({
      operationTimeoutMs: 30_000,
      allowMultipleInstancesOnFerretDb: false,
      conditionalWrites: 'auto',
    });
    expect(
      loadAppConfig({ ...base, DB_OPERATION_TIMEOUT_MS: '1500', FERRETDB_ALLOW_MULTIPLE_INSTANCES: 'true' })
        .database,
    ).toEqual({
      operationTimeoutMs: 1500,
      allowMultipleInstancesOnFerretDb: true,
      conditionalWrites: 'auto',
    });
    for (const wrong of ['0', '99', '600001', '1.5', 'soon']) {
      expect(() => loadAppConfig({ ...base, DB_OPERATION_TIMEOUT_MS: wrong })).toThrow(
        /DB_OPERATION_TIMEOUT_MS/,
      );
    }
    expect(() => loadAppConfig({ ...base, FERRETDB_ALLOW_MULTIPLE_INSTANCES: 'yes' })).toThrow(
      /FERRETDB_ALLOW_MULTIPLE_INSTANCES must be true or false/,
    );
  });

  it('takes the database path from the server unless MONGODB_CONDITIONAL_WRITES says which, and names the values', () => {
    for (const setting of ['auto', 'atomic', 'unique-insert-only'] as const) {
      expect(loadAppConfig({ ...base, MONGODB_CONDITIONAL_WRITES: setting }).database.conditionalWrites).toBe(
        setting,
      );
    }
    for (const wrong of ['true', 'ATOMIC', 'mongodb', 'unique']) {
      expect(() => loadAppConfig({ ...base, MONGODB_CONDITIONAL_WRITES: wrong })).toThrow(
        'MONGODB_CONDITIONAL_WRITES must be one of auto, atomic, unique-insert-only',
      );
    }
    // Reported with the other problems, in one message.
    expect(() =>
      loadAppConfig({ ...base, MONGODB_CONDITIONAL_WRITES: 'x', FERRETDB_ALLOW_MULTIPLE_INSTANCES: 'yes' }),
    ).toThrow(
      /MONGODB_CONDITIONAL_WRITES[\s\S]*FERRETDB_ALLOW_MULTIPLE_INSTANCES|FERRETDB_ALLOW_MULTIPLE_INSTANCES[\s\S]*MONGODB_CONDITIONAL_WRITES/,
    );
  });
});
