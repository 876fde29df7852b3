import nock from 'nock';
import { CmlClient } from './cml-client';
import { convergePollDelayMs } from './cml-converge-backoff';
import { CmlTimeoutError } from './errors/cml-timeout.error';
import {
  TEST_API,
  TEST_TOKEN,
  authExtendedBody,
  releaseNock,
  testSettings,
} from './testing/cml-client-test.fixtures';

const LAB = '4a1c1e1e-7b9d-4f6e-9a51-2f4f0a6a9b10';

/** CML stops and wipes asynchronously; the client waits for the lab state and convergence. */
describe('CmlClient waitForLabState', () => {
  let client: CmlClient;

  beforeAll(() => nock.disableNetConnect());
  afterAll(releaseNock);
  beforeEach(() => {
    client = new CmlClient(testSettings());
    nock(TEST_API).post('/auth_extended').reply(200, authExtendedBody(TEST_TOKEN));
  });
  afterEach(() => {
    client.dispose();
    nock.cleanAll();
  });

  it('polls the state until it is reached, then asks whether the lab has converged', async () => {
    nock(TEST_API).get(`/labs/${LAB}/state`).times(2).reply(200, '"STARTED"');
    nock(TEST_API).get(`/labs/${LAB}/state`).times(2).reply(200, '"STOPPED"');
    nock(TEST_API).get(`/labs/${LAB}/check_if_converged`).reply(200, 'false');
    nock(TEST_API).get(`/labs/${LAB}/check_if_converged`).reply(200, 'true');

    await expect(client.waitForLabState(LAB, ['STOPPED', 'DEFINED_ON_CORE'], 5000)).resolves.toBe('STOPPED');
    expect(nock.isDone()).toBe(true);
  });

  it('gives up with a timeout naming the state it is stuck in', async () => {
    nock(TEST_API).get(`/labs/${LAB}/state`).times(100).reply(200, '"STARTED"');

    const started = Date.now();
    const error = await client.waitForLabState(LAB, ['STOPPED'], 400).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlTimeoutError);
    expect((error as Error).message).toMatch(/did not reach STOPPED within 400 ms \(it is STARTED\)/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('passes on a CML error of a poll', async () => {
    nock(TEST_API).get(`/labs/${LAB}/state`).reply(503, { code: 503, description: 'busy' });

    await expect(client.waitForLabState(LAB, ['STOPPED'], 1000)).rejects.toMatchObject({
      name: 'CmlUnavailableError',
      route: 'labs.state',
    });
  });

  it('rejects a state that is not a bare JSON string', async () => {
    nock(TEST_API).get(`/labs/${LAB}/state`).reply(200, { state: 'STOPPED' });

    await expect(client.waitForLabState(LAB, ['STOPPED'], 1000)).rejects.toMatchObject({
      name: 'CmlBadResponseError',
    });
  });
});

describe('convergePollDelayMs', () => {
  it('starts at 100 ms, grows, and never exceeds one second', () => {
    const delays = Array.from({ length: 20 }, (_, i) => convergePollDelayMs(i));
    expect(delays[0]).toBe(100);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
    expect(Math.max(...delays)).toBe(1000);
  });
});
