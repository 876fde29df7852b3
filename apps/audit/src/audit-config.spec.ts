import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, loadAppConfig } from '@app/common';
import { loadAuditConfig } from './audit-config';

const TOKEN = 'an-ingest-token-of-at-least-32-characters';
/** The least that starts: a database, an ingest credential, and reads explicitly open. */
const base = {
  AUDIT_MONGODB_URI: 'mongodb://127.0.0.1:27017/audit',
  AUDIT_INGEST_TOKEN: TOKEN,
  AUTH_DISABLED: 'true',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadAuditConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('loadAuditConfig', () => {
  it('applies the defaults', () => {
    const c = loadAuditConfig(base);
    expect(c).toMatchObject({
      port: 8081,
      mongodbUri: 'mongodb://127.0.0.1:27017/audit',
      logLevel: 'info',
      logFormat: 'json',
    });
    expect(c.notifyWebhookUrl).toBeUndefined();
    expect(c.notifyWebhookFormat).toBe('slack');
    expect(c.corsOrigins).toEqual([]);
    expect(c.ingest).toEqual({ disabled: false, token: TOKEN, hmacSecret: undefined });
  });

  it('falls back to MONGODB_URI, and prefers its own variable', () => {
    const { AUDIT_MONGODB_URI: _own, ...rest } = base;
    expect(loadAuditConfig({ ...rest, MONGODB_URI: 'mongodb://a/x' }).mongodbUri).toBe('mongodb://a/x');
    expect(
      loadAuditConfig({ ...rest, MONGODB_URI: 'mongodb://a/x', AUDIT_MONGODB_URI: 'mongodb://b/y' })
        .mongodbUri,
    ).toBe('mongodb://b/y');
  });

  it('accepts an http(s) webhook, in Slack (default) or markdown format', () => {
    const c = loadAuditConfig({ ...base, NOTIFY_WEBHOOK_URL: 'https://hooks.example/T1' });
    expect(c.notifyWebhookUrl).toBe('https://hooks.example/T1');
    expect(loadAuditConfig({ ...base, NOTIFY_WEBHOOK_FORMAT: 'markdown' }).notifyWebhookFormat).toBe(
      'markdown',
    );
    expect(problemsOf({ ...base, NOTIFY_WEBHOOK_FORMAT: 'html' })).toEqual([
      'NOTIFY_WEBHOOK_FORMAT must be slack or markdown',
    ]);
  });

  it('reports every wrong variable once, by name', () => {
    const problems = problemsOf({
      AUDIT_INGEST_TOKEN: TOKEN,
      AUTH_DISABLED: 'true',
      AUDIT_PORT: 'eighty',
      NOTIFY_WEBHOOK_URL: 'ftp://x/',
      LOG_LEVEL: 'loud',
      LOG_FORMAT: 'text',
    });
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/AUDIT_PORT /);
    expect(problems.join('\n')).toMatch(/AUDIT_MONGODB_URI is required \(or MONGODB_URI\)/);
    expect(problems.join('\n')).toMatch(/NOTIFY_WEBHOOK_URL must be an http:\/\/ or https:\/\/ URL/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL must be one of/);
    expect(problems.join('\n')).toMatch(/LOG_FORMAT must be one of json, pretty/);
  });

  it('names MONGODB_URI when the fallback is the wrong one', () => {
    const { AUDIT_MONGODB_URI: _own, ...rest } = base;
    expect(problemsOf({ ...rest, MONGODB_URI: 'postgres://x' })).toEqual([
      'AUDIT_MONGODB_URI (from MONGODB_URI) must be a mongodb:// or mongodb+srv:// URI',
    ]);
  });

  describe('ingest credential (who may POST events)', () => {
    const { AUDIT_INGEST_TOKEN: _token, ...open } = base;

    it('refuses to start without one unless AUDIT_INGEST_AUTH_DISABLED=true', () => {
      expect(problemsOf(open)).toEqual([
        'AUDIT_INGEST_TOKEN is required: set AUDIT_INGEST_TOKEN (or AUDIT_INGEST_TOKEN_FILE), or AUDIT_INGEST_HMAC_SECRET (or AUDIT_INGEST_HMAC_SECRET_FILE), or AUDIT_INGEST_AUTH_DISABLED=true to accept unauthenticated events',
      ]);
      expect(loadAuditConfig({ ...open, AUDIT_INGEST_AUTH_DISABLED: 'true' }).ingest).toEqual({
        disabled: true,
        token: undefined,
        hmacSecret: undefined,
      });
      expect(problemsOf({ ...open, AUDIT_INGEST_AUTH_DISABLED: 'yes' })).toEqual([
        'AUDIT_INGEST_AUTH_DISABLED must be true or false',
      ]);
    });

    it('takes a signature secret alone, or with the token', () => {
      const secret = 's'.repeat(32);
      expect(loadAuditConfig({ ...open, AUDIT_INGEST_HMAC_SECRET: secret }).ingest).toEqual({
        disabled: false,
        token: undefined,
        hmacSecret: secret,
      });
      expect(loadAuditConfig({ ...base, AUDIT_INGEST_HMAC_SECRET: secret }).ingest.token).toBe(TOKEN);
    });

    it('refuses a short credential without echoing it, and a credential with the switch that disables it', () => {
      const problems = problemsOf({
        ...open,
        AUDIT_INGEST_TOKEN: 'short-token',
        AUDIT_INGEST_HMAC_SECRET: 'abc',
      });
      expect(problems).toEqual([
        'AUDIT_INGEST_TOKEN must be at least 32 characters (e.g. openssl rand -base64 32)',
        'AUDIT_INGEST_HMAC_SECRET must be at least 32 characters (e.g. openssl rand -base64 32)',
      ]);
      expect(problems.join()).not.toContain('short-token');
      expect(problemsOf({ ...base, AUDIT_INGEST_AUTH_DISABLED: 'true' })).toEqual([
        'AUDIT_INGEST_AUTH_DISABLED=true contradicts the ingest credential that is set: remove one',
      ]);
    });

    describe('from a file (as Kubernetes and Knative mount secrets)', () => {
      let dir: string;
      beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), 'audit-config-'));
      });
      afterAll(() => rmSync(dir, { recursive: true, force: true }));

      it('reads AUDIT_INGEST_TOKEN_FILE once, without its trailing newline', () => {
        const file = join(dir, 'token');
        writeFileSync(file, `${TOKEN}-from-file\n`);
        expect(loadAuditConfig({ ...open, AUDIT_INGEST_TOKEN_FILE: file }).ingest.token).toBe(
          `${TOKEN}-from-file`,
        );
      });

      it('reports a missing or empty file, and both the value and the file', () => {
        const empty = join(dir, 'empty');
        writeFileSync(empty, '\n');
        expect(problemsOf({ ...open, AUDIT_INGEST_TOKEN_FILE: join(dir, 'missing') })).toEqual([
          `AUDIT_INGEST_TOKEN_FILE cannot be read: ${join(dir, 'missing')} (ENOENT)`,
        ]);
        expect(problemsOf({ ...open, AUDIT_INGEST_HMAC_SECRET_FILE: empty })).toEqual([
          `AUDIT_INGEST_HMAC_SECRET_FILE is empty: ${empty}`,
        ]);
        expect(problemsOf({ ...base, AUDIT_INGEST_TOKEN_FILE: empty })).toEqual([
          'AUDIT_INGEST_TOKEN and AUDIT_INGEST_TOKEN_FILE are both set: set one',
        ]);
      });
    });
  });

  describe('reads (GET /api/audit-events): the API JWT settings', () => {
    const { AUTH_DISABLED: _off, ...closed } = base;

    it('refuses to start without them unless AUTH_DISABLED=true, as the API does', () => {
      expect(problemsOf(closed).join('\n')).toMatch(/AUTH_JWT_SECRET .*no authentication configured/);
      expect(loadAuditConfig(base).auth.disabled).toBe(true);
    });

    it('takes the same AUTH_* variables as the API', () => {
      const c = loadAuditConfig({
        ...closed,
        AUTH_JWT_SECRET: 'j'.repeat(32),
        AUTH_ISSUER: 'https://idp.test',
        AUTH_AUDIENCE: 'cml-labs',
      });
      expect(c.auth).toMatchObject({
        disabled: false,
        jwtSecret: 'j'.repeat(32),
        issuer: 'https://idp.test',
        audience: 'cml-labs',
      });
      expect(problemsOf({ ...closed, AUTH_JWT_SECRET: 'short' }).join('\n')).toMatch(/AUTH_JWT_SECRET/);
    });
  });

  describe("the AUTH_* rules are the API's own", () => {
    const { AUTH_DISABLED: _off, ...closed } = base;
    const apiBase = {
      MONGODB_URI: 'mongodb://127.0.0.1:27017/cml',
      SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
    };
    const hs = {
      AUTH_JWT_SECRET: 'j'.repeat(32),
      AUTH_ISSUER: 'https://idp.test',
      AUTH_AUDIENCE: 'cml-labs',
    };
    const jwks = {
      AUTH_JWKS_URL: 'https://idp.test/certs',
      AUTH_ISSUER: 'https://idp.test',
      AUTH_AUDIENCE: 'cml-labs',
    };

    function apiAuthProblems(auth: NodeJS.ProcessEnv): string[] {
      try {
        loadAppConfig({ ...apiBase, ...auth });
      } catch (error) {
        return (error as ConfigValidationError).problems;
      }
      return [];
    }

    it.each<[string, NodeJS.ProcessEnv]>([
      ['nothing configured', {}],
      ['a short secret', { ...hs, AUTH_JWT_SECRET: 'short' }],
      ['no issuer nor audience', { AUTH_JWT_SECRET: 'j'.repeat(32) }],
      ['a JWKS over http', { ...jwks, AUTH_JWKS_URL: 'http://idp.test/certs' }],
      ['a JWKS on loopback without the switch', { ...jwks, AUTH_JWKS_URL: 'http://127.0.0.1:9/certs' }],
      ['a bad switch', { ...hs, AUTH_DISABLED: 'yes', AUTH_JWKS_ALLOW_HTTP_LOOPBACK: '1' }],
      ['a cooldown out of range', { ...jwks, AUTH_JWKS_COOLDOWN_MS: '0' }],
      ['an empty claim path segment', { ...hs, AUTH_ROLES_CLAIM: 'realm_access..roles' }],
      ['a bad username claim', { ...hs, AUTH_USERNAME_CLAIM: 'a b' }],
    ])('reports %s as the API does', (_case, auth) => {
      const expected = apiAuthProblems(auth);
      expect(expected.length).toBeGreaterThan(0);
      expect(problemsOf({ ...closed, ...auth })).toEqual(expected);
    });

    it('reads the same settings as the API from the same variables', () => {
      const auth = { ...jwks, AUTH_ROLES_CLAIM: 'realm_access.roles', AUTH_JWKS_COOLDOWN_MS: '1000' };
      expect(loadAuditConfig({ ...closed, ...auth }).auth).toEqual(
        loadAppConfig({ ...apiBase, ...auth }).auth,
      );
    });

    it("needs none of the API's other settings, and does not judge them", () => {
      expect(() =>
        loadAuditConfig({ ...base, SECRETS_KEY: 'short', PORT: 'eighty', CML_TIMEOUT_MS: 'soon' }),
      ).not.toThrow();
    });
  });

  describe('AUDIT_CORS_ORIGINS', () => {
    it('is off (no origin) by default, and lists origins explicitly', () => {
      expect(loadAuditConfig(base).corsOrigins).toEqual([]);
      expect(
        loadAuditConfig({ ...base, AUDIT_CORS_ORIGINS: 'https://console.example/, http://127.0.0.1:8080' })
          .corsOrigins,
      ).toEqual(['https://console.example', 'http://127.0.0.1:8080']);
    });

    it.each(['*', 'https://a.example,*', 'console.example', 'https://a.example/path', 'ftp://a.example'])(
      'refuses %s',
      (value) => {
        expect(problemsOf({ ...base, AUDIT_CORS_ORIGINS: value })).toEqual([
          'AUDIT_CORS_ORIGINS must be comma-separated origins (scheme://host[:port], no path), not *',
        ]);
      },
    );
  });
});
