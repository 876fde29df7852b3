import nock from 'nock';
import { CmlClient } from './cml-client';
import { CmlUnauthorizedError } from './errors/cml-unauthorized.error';
import {
  TEST_API,
  TEST_PASSWORD,
  TEST_TOKEN,
  TEST_TOKEN_2,
  testSettings,
  releaseNock,
  authExtendedBody,
  LAB_1,
} from './testing/cml-client-test.fixtures';

describe('CmlClient authentication', () => {
  let client: CmlClient;

  beforeAll(() => nock.disableNetConnect());
  afterAll(releaseNock);
  beforeEach(() => {
    client = new CmlClient(testSettings());
  });
  afterEach(() => {
    client.dispose();
    nock.abortPendingRequests();
    nock.cleanAll();
  });

  function login(token: string, times = 1): nock.Scope {
    return nock(TEST_API)
      .post('/auth_extended', { username: 'admin', password: TEST_PASSWORD })
      .times(times)
      .reply(200, authExtendedBody(token));
  }

  it('logs in once and reuses the token for later calls', async () => {
    const auth = login(TEST_TOKEN);
    nock(TEST_API)
      .get('/labs')
      .query(true)
      .matchHeader('authorization', `Bearer ${TEST_TOKEN}`)
      .times(3)
      .reply(200, [LAB_1]);

    await client.listLabIds();
    await client.listLabIds();
    await client.listLabIds();

    expect(auth.isDone()).toBe(true);
    expect(nock.isDone()).toBe(true);
  });

  it('logs in again once after a 401 and retries the request', async () => {
    login(TEST_TOKEN);
    login(TEST_TOKEN_2);
    nock(TEST_API).get('/labs').query(true).matchHeader('authorization', `Bearer ${TEST_TOKEN}`).reply(401);
    nock(TEST_API)
      .get('/labs')
      .query(true)
      .matchHeader('authorization', `Bearer ${TEST_TOKEN_2}`)
      .reply(200, [LAB_1]);

    await expect(client.listLabIds()).resolves.toEqual({ ids: [LAB_1], refused: [] });
    expect(nock.isDone()).toBe(true);
  });

  it('gives up with CmlUnauthorizedError after a second 401, having logged in exactly twice', async () => {
    let logins = 0;
    nock(TEST_API)
      .post('/auth_extended')
      .times(5)
      .reply(200, () => authExtendedBody(++logins === 1 ? TEST_TOKEN : TEST_TOKEN_2));
    nock(TEST_API).get(`/labs/${LAB_1}`).times(2).reply(401, { code: 401, description: 'Unauthorized' });

    const error = await client.getLab(LAB_1).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlUnauthorizedError);
    expect(error).toMatchObject({ status: 401, workerId: 'w1', route: 'labs.get' });
    expect(logins).toBe(2);
  });

  it('maps 403 on authenticate to CmlUnauthorizedError without retrying', async () => {
    const auth = nock(TEST_API)
      .post('/auth_extended')
      .reply(403, { code: 403, description: 'Authentication failed!' });
    const labs = nock(TEST_API).get('/labs').query(true).reply(200, []);

    const error = await client.listLabIds().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlUnauthorizedError);
    expect(error).toMatchObject({
      route: 'auth_extended',
      status: 403,
      cmlDescription: 'Authentication failed!',
    });
    expect((error as Error).message).toContain('credentials');
    expect(auth.isDone()).toBe(true);
    expect(labs.isDone()).toBe(false);
  });

  it('shares one login between concurrent calls', async () => {
    const auth = login(TEST_TOKEN);
    nock(TEST_API).get('/labs').query(true).times(5).reply(200, []);

    await Promise.all(Array.from({ length: 5 }, () => client.listLabIds()));

    expect(auth.isDone()).toBe(true);
    expect(nock.isDone()).toBe(true);
  });

  it('shares one re-login when concurrent calls all hit an expired token', async () => {
    login(TEST_TOKEN);
    const relogin = login(TEST_TOKEN_2);
    nock(TEST_API).get('/labs').query(true).reply(200, []);
    await client.listLabIds();

    nock(TEST_API)
      .get('/labs')
      .query(true)
      .matchHeader('authorization', `Bearer ${TEST_TOKEN}`)
      .times(4)
      .reply(401);
    nock(TEST_API)
      .get('/labs')
      .query(true)
      .matchHeader('authorization', `Bearer ${TEST_TOKEN_2}`)
      .times(4)
      .reply(200, [LAB_1]);

    const results = await Promise.all(Array.from({ length: 4 }, () => client.listLabIds()));

    expect(results.map((r) => r.ids)).toEqual([[LAB_1], [LAB_1], [LAB_1], [LAB_1]]);
    expect(relogin.isDone()).toBe(true);
    expect(nock.isDone()).toBe(true);
  });

  it('does not authenticate for system_information', async () => {
    nock(TEST_API).get('/system_information').reply(200, { version: '2.7.0+build.1', ready: true, oui: 'x' });

    await expect(client.systemInformation()).resolves.toEqual({ version: '2.7.0+build.1', ready: true });
    expect(nock.isDone()).toBe(true);
  });

  it('rejects a token that is not a JSON string', async () => {
    nock(TEST_API).post('/auth_extended').reply(200, { token: TEST_TOKEN });

    await expect(client.listLabIds()).rejects.toMatchObject({
      name: 'CmlBadResponseError',
      route: 'auth_extended',
    });
  });

  it('rejects an HTML login page instead of using it as a token', async () => {
    nock(TEST_API).post('/auth_extended').reply(200, '<html><body>Login</body></html>', {
      'Content-Type': 'text/html',
    });

    await expect(client.listLabIds()).rejects.toMatchObject({
      name: 'CmlBadResponseError',
      route: 'auth_extended',
    });
  });
});
