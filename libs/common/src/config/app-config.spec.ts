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
});
