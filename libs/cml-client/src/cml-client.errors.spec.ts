import nock from 'nock';
import { CmlClient } from './cml-client';
import { CmlBadResponseError } from './errors/cml-bad-response.error';
import { CmlConflictError } from './errors/cml-conflict.error';
import { CmlNotFoundError } from './errors/cml-not-found.error';
import { CmlTimeoutError } from './errors/cml-timeout.error';
import { CmlUnauthorizedError } from './errors/cml-unauthorized.error';
import { CmlUnavailableError } from './errors/cml-unavailable.error';
import {
  TEST_API,
  TEST_PASSWORD,
  TEST_TOKEN,
  testSettings,
  releaseNock,
  authExtendedBody,
  LAB_1,
} from './testing/cml-client-test.fixtures';

describe('CmlClient error mapping', () => {
  let client: CmlClient;

  beforeAll(() => nock.disableNetConnect());
  afterAll(releaseNock);
  beforeEach(() => {
    client = new CmlClient(testSettings({ timeoutMs: 200 }));
    nock(TEST_API).post('/auth_extended').reply(200, authExtendedBody(TEST_TOKEN));
  });
  afterEach(() => {
    client.dispose();
    nock.abortPendingRequests();
    nock.cleanAll();
  });

  it('maps 404 to CmlNotFoundError and keeps CML code and description', async () => {
    nock(TEST_API)
      .get(`/labs/${LAB_1}`)
      .reply(404, { code: 404, description: `Lab not found: ${LAB_1}` });

    const error = await client.getLab(LAB_1).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlNotFoundError);
    expect(error).toMatchObject({
      workerId: 'w1',
      route: 'labs.get',
      status: 404,
      cmlCode: 404,
      cmlDescription: `Lab not found: ${LAB_1}`,
      outcome: 'not_found',
    });
    expect((error as Error).message).toContain(`Lab not found: ${LAB_1}`);
  });

  it('scrubs the password from a CML description', async () => {
    nock(TEST_API)
      .get(`/labs/${LAB_1}`)
      .reply(404, { code: 404, description: `no lab for admin:${TEST_PASSWORD}` });

    const error = (await client.getLab(LAB_1).catch((e: unknown) => e)) as CmlNotFoundError;

    expect(error.cmlDescription).toBe('no lab for admin:[redacted]');
    expect(error.message).not.toContain(TEST_PASSWORD);
  });

  it.each([
    ['delete', 400, (c: CmlClient) => c.deleteLab(LAB_1), 'delete', `/labs/${LAB_1}`],
    ['wipe', 400, (c: CmlClient) => c.wipeLab(LAB_1), 'put', `/labs/${LAB_1}/wipe`],
    ['start', 409, (c: CmlClient) => c.startLab(LAB_1), 'put', `/labs/${LAB_1}/start`],
    ['stop', 409, (c: CmlClient) => c.stopLab(LAB_1), 'put', `/labs/${LAB_1}/stop`],
  ] as const)('maps %s answering %i to CmlConflictError', async (_name, status, call, method, path) => {
    nock(TEST_API)
      .intercept(path, method.toUpperCase())
      .reply(status, { code: status, description: 'Lab is not stopped and wiped' });

    const error = await call(client).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlConflictError);
    expect(error).toMatchObject({ status, cmlDescription: 'Lab is not stopped and wiped' });
  });

  it('treats 400 on a read as an unexpected answer, not a conflict', async () => {
    nock(TEST_API).get(`/labs/${LAB_1}`).reply(400, { code: 400, description: 'bad id' });

    await expect(client.getLab(LAB_1)).rejects.toBeInstanceOf(CmlBadResponseError);
  });

  it('maps 403 on an authorized call to CmlUnauthorizedError without re-login', async () => {
    nock(TEST_API)
      .delete(`/labs/${LAB_1}`)
      .reply(403, { code: 403, description: 'User does not have write access' });

    await expect(client.deleteLab(LAB_1)).rejects.toBeInstanceOf(CmlUnauthorizedError);
    expect(nock.isDone()).toBe(true);
  });

  it.each([500, 502, 503])('maps %i to CmlUnavailableError', async (status) => {
    nock(TEST_API).get('/labs').query(true).reply(status, '<html>Bad Gateway</html>');

    const error = await client.listLabIds().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlUnavailableError);
    expect(error).toMatchObject({ status, reason: 'server_error', outcome: 'unavailable' });
    expect((error as Error).message).toContain(`HTTP ${status}`);
  });

  it.each([418, 302])('maps unexpected status %i to CmlBadResponseError', async (status) => {
    nock(TEST_API)
      .get('/labs')
      .query(true)
      .reply(status, 'I am a teapot', { Location: 'https://evil.test/' });

    const error = await client.listLabIds().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlBadResponseError);
    expect(error).toMatchObject({ status });
  });

  it.each([
    ['ECONNREFUSED', 'connection_refused', 'connection refused'],
    ['ECONNRESET', 'connection_reset', 'connection reset'],
    ['ENOTFOUND', 'dns_failure', 'DNS lookup failed'],
    ['EHOSTUNREACH', 'host_unreachable', 'host unreachable'],
    ['CERT_HAS_EXPIRED', 'tls_failure', 'TLS handshake failed'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls_failure', 'TLS handshake failed'],
  ])('maps network error %s to CmlUnavailableError(%s)', async (code, reason, label) => {
    // An Error instance, not a plain object: nock 14 never settles the request for the latter.
    nock(TEST_API)
      .get('/labs')
      .query(true)
      .replyWithError(Object.assign(new Error(`boom ${code}`), { code }));

    const error = await client.listLabIds().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlUnavailableError);
    expect(error).toMatchObject({ reason, status: undefined });
    expect((error as Error).message).toContain(label);
    expect((error as Error).message).toContain(code);
  });

  it('maps a slow answer to CmlTimeoutError', async () => {
    nock(TEST_API).get('/labs').query(true).delay(1000).reply(200, []);

    const started = Date.now();
    const error = await client.listLabIds().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlTimeoutError);
    expect(error).toMatchObject({ route: 'labs.list', outcome: 'timeout' });
    expect((error as Error).message).toContain('200 ms');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('maps a slow login to CmlTimeoutError on the authenticate route', async () => {
    nock.cleanAll();
    nock(TEST_API).post('/auth_extended').delay(1000).reply(200, authExtendedBody(TEST_TOKEN));

    await expect(client.listLabIds()).rejects.toMatchObject({
      name: 'CmlTimeoutError',
      route: 'auth_extended',
    });
  });
});
