import nock from 'nock';
import { CmlClient } from './cml-client';
import { CmlUnauthorizedError } from './errors/cml-unauthorized.error';
import {
  TEST_API,
  TEST_PASSWORD,
  TEST_TOKEN,
  TEST_TOKEN_2,
  authExtendedBody,
  releaseNock,
  testSettings,
  LAB_1,
} from './testing/cml-client-test.fixtures';

/** The admin flag comes with the token from `POST /auth_extended`; older controllers lack it. */
describe('CmlClient account', () => {
  let client: CmlClient;

  beforeAll(() => nock.disableNetConnect());
  afterAll(releaseNock);
  beforeEach(() => {
    client = new CmlClient(testSettings());
  });
  afterEach(() => {
    client.dispose();
    nock.cleanAll();
  });

  it.each([true, false])('learns admin=%s at login and uses the token it came with', async (admin) => {
    nock(TEST_API)
      .post('/auth_extended', { username: 'admin', password: TEST_PASSWORD })
      .reply(200, authExtendedBody(TEST_TOKEN, admin));
    const list = nock(TEST_API)
      .get('/labs')
      .query(true)
      .matchHeader('authorization', `Bearer ${TEST_TOKEN}`)
      .reply(200, []);

    await expect(client.account()).resolves.toEqual({
      username: 'admin',
      userId: '00000000-0000-4000-a000-000000000000',
      admin,
    });
    await client.listLabIds();
    expect(list.isDone()).toBe(true);
  });

  it.each([404, 405])(
    'falls back to /authenticate once when /auth_extended answers %i, with the admin flag unknown',
    async (status) => {
      const extended = nock(TEST_API).post('/auth_extended').once().reply(status, 'not here');
      const legacy = nock(TEST_API)
        .post('/authenticate', { username: 'admin', password: TEST_PASSWORD })
        .times(2)
        .reply(200, JSON.stringify(TEST_TOKEN), { 'Content-Type': 'application/json' });
      nock(TEST_API).get('/labs').query(true).reply(401);
      nock(TEST_API).get('/labs').query(true).reply(200, [LAB_1]);

      await expect(client.account()).resolves.toEqual({ username: 'admin', userId: null, admin: null });
      // The re-login after the 401 goes straight to /authenticate: /auth_extended is asked once.
      await expect(client.listLabIds()).resolves.toEqual({ ids: [LAB_1], refused: [] });
      expect(extended.isDone()).toBe(true);
      expect(legacy.isDone()).toBe(true);
    },
  );

  it('does not fall back when /auth_extended refuses the credentials', async () => {
    nock(TEST_API).post('/auth_extended').reply(403, { code: 403, description: 'Authentication failed!' });
    const legacy = nock(TEST_API).post('/authenticate').reply(200, JSON.stringify(TEST_TOKEN_2));

    await expect(client.account()).rejects.toBeInstanceOf(CmlUnauthorizedError);
    expect(legacy.isDone()).toBe(false);
  });

  it('rejects an /auth_extended answer without the admin flag', async () => {
    nock(TEST_API).post('/auth_extended').reply(200, { username: 'admin', token: TEST_TOKEN });

    await expect(client.account()).rejects.toMatchObject({
      name: 'CmlBadResponseError',
      route: 'auth_extended',
    });
  });
});
