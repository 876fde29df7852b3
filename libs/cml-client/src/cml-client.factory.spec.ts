import { Logger } from '@nestjs/common';
import nock from 'nock';
import { CmlClient } from './cml-client';
import { CmlClientFactory } from './cml-client.factory';
import { CmlInvalidSettingsError } from './errors/cml-invalid-settings.error';
import {
  RecordingCmlRequestObserver,
  TEST_API,
  TEST_PASSWORD,
  testSettings,
  releaseNock,
} from './testing/cml-client-test.fixtures';

describe('CmlClientFactory', () => {
  let observer: RecordingCmlRequestObserver;
  let factory: CmlClientFactory;

  beforeAll(() => {
    nock.disableNetConnect();
    // Replacement logs are expected here; keep the test output readable.
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterAll(() => {
    releaseNock();
    jest.restoreAllMocks();
  });
  beforeEach(() => {
    observer = new RecordingCmlRequestObserver();
    factory = new CmlClientFactory({ timeoutMs: 1234 }, observer);
  });
  afterEach(() => {
    factory.onModuleDestroy();
    nock.cleanAll();
  });

  const workerSettings = () => {
    const { timeoutMs: _ignored, ...rest } = testSettings();
    return rest;
  };

  it('caches one client per worker while settings are unchanged', () => {
    const first = factory.forWorker(workerSettings());

    expect(first).toBeInstanceOf(CmlClient);
    expect(factory.forWorker({ ...workerSettings() })).toBe(first);
    expect(factory.forWorker({ ...workerSettings(), workerId: 'w2' })).not.toBe(first);
  });

  it.each([
    ['endpoint', { endpoint: 'https://other.test' }],
    ['username', { username: 'someone' }],
    ['password', { password: 'changed-password' }],
    ['verifyTls', { verifyTls: false }],
    ['caCertPem', { caCertPem: '-----BEGIN CERTIFICATE-----' }],
    ['timeoutMs', { timeoutMs: 999 }],
  ])('replaces the client when %s changes', (_field, change) => {
    const first = factory.forWorker(workerSettings());
    const second = factory.forWorker({ ...workerSettings(), ...change });

    expect(second).not.toBe(first);
    expect(factory.forWorker({ ...workerSettings(), ...change })).toBe(second);
  });

  it('treats an explicit default timeout like an omitted one', () => {
    const first = factory.forWorker(workerSettings());

    expect(factory.forWorker({ ...workerSettings(), timeoutMs: 1234 })).toBe(first);
  });

  it('uses the configured default timeout', async () => {
    nock(TEST_API).get('/system_information').delay(1500).reply(200, { version: '2.7.0', ready: true });

    await expect(factory.forWorker(workerSettings()).systemInformation()).rejects.toMatchObject({
      name: 'CmlTimeoutError',
      message: expect.stringContaining('1234 ms'),
    });
    nock.abortPendingRequests();
  });

  it('evicts a worker so the next call builds a fresh client', () => {
    const first = factory.forWorker(workerSettings());
    factory.evict('w1');
    factory.evict('unknown-worker');

    expect(factory.forWorker(workerSettings())).not.toBe(first);
  });

  it('wires the injected observer into its clients', async () => {
    nock(TEST_API).get('/system_information').reply(200, { version: '2.7.0', ready: true });

    await factory.forWorker(workerSettings()).systemInformation();

    expect(observer.events).toEqual([
      expect.objectContaining({ workerId: 'w1', route: 'system_information' }),
    ]);
  });

  it.each([
    ['not a URL', { endpoint: 'cml.test' }, 'endpoint'],
    ['ftp', { endpoint: 'ftp://cml.test' }, 'endpoint'],
    ['credentials in URL', { endpoint: `https://admin:${TEST_PASSWORD}@cml.test` }, 'endpoint'],
    ['zero timeout', { timeoutMs: 0 }, 'timeoutMs'],
  ])('rejects invalid settings (%s) without leaking them', (_name, change, field) => {
    const error = (() => {
      try {
        factory.forWorker({ ...workerSettings(), ...change });
      } catch (e) {
        return e;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(CmlInvalidSettingsError);
    expect(error).toMatchObject({ workerId: 'w1', field });
    expect((error as Error).message).not.toContain(TEST_PASSWORD);
  });

  it('accepts an endpoint with trailing slash or /api/v0 suffix', async () => {
    nock(TEST_API).get('/system_information').times(2).reply(200, { version: '2.7.0', ready: true });

    await factory.forWorker({ ...workerSettings(), endpoint: 'https://cml.test/' }).systemInformation();
    await factory
      .forWorker({ ...workerSettings(), endpoint: 'https://cml.test/api/v0/' })
      .systemInformation();
    expect(nock.isDone()).toBe(true);
  });
});
