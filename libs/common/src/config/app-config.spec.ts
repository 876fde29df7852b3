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
