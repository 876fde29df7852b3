import nock from 'nock';
import { CmlClient } from './cml-client';
import { CmlRequestObserver } from './cml-request-observer';
import type { CmlRequestEvent } from './cml-request-event.interface';
import {
  RecordingCmlRequestObserver,
  TEST_API,
  TEST_PASSWORD,
  TEST_TOKEN,
  TEST_TOKEN_2,
  cmlLabBody,
  collectStrings,
  testSettings,
  releaseNock,
  authExtendedBody,
  SECRET_LAB,
} from './testing/cml-client-test.fixtures';

describe('CmlClient observation and secrecy', () => {
  let observer: RecordingCmlRequestObserver;
  let client: CmlClient;

  beforeAll(() => nock.disableNetConnect());
  afterAll(releaseNock);
  beforeEach(() => {
    observer = new RecordingCmlRequestObserver();
    client = new CmlClient(testSettings({ timeoutMs: 200 }), observer);
  });
  afterEach(() => {
    client.dispose();
    nock.abortPendingRequests();
    nock.cleanAll();
  });

  const summary = (events: CmlRequestEvent[]) => events.map((e) => [e.route, e.method, e.status, e.outcome]);

  it('reports every request once, login and retry included, with route templates', async () => {
    nock(TEST_API).post('/auth_extended').reply(200, authExtendedBody(TEST_TOKEN));
    nock(TEST_API).post('/auth_extended').reply(200, authExtendedBody(TEST_TOKEN_2));
    nock(TEST_API).get(`/labs/${SECRET_LAB}`).reply(401);
    nock(TEST_API).get(`/labs/${SECRET_LAB}`).reply(200, cmlLabBody(SECRET_LAB));
    nock(TEST_API).delete(`/labs/${SECRET_LAB}`).reply(400, { code: 400, description: 'not wiped' });
    nock(TEST_API)
      .put(`/labs/${SECRET_LAB}/stop`)
      .reply(404, { code: 404, description: `Lab not found: ${SECRET_LAB}` });
    nock(TEST_API).get('/labs').query(true).reply(200, { nope: true });
    nock(TEST_API).put(`/labs/${SECRET_LAB}/wipe`).reply(503);
    nock(TEST_API).put(`/labs/${SECRET_LAB}/start`).delay(1000).reply(204);
    nock(TEST_API).get('/system_information').reply(200, { version: '2.7.0', ready: true });

    await client.getLab(SECRET_LAB);
    await client.deleteLab(SECRET_LAB).catch(() => undefined);
    await client.stopLab(SECRET_LAB).catch(() => undefined);
    await client.listLabIds().catch(() => undefined);
    await client.wipeLab(SECRET_LAB).catch(() => undefined);
    await client.startLab(SECRET_LAB).catch(() => undefined);
    await client.systemInformation();

    expect(summary(observer.events)).toEqual([
      ['auth_extended', 'POST', 200, 'ok'],
      ['labs.get', 'GET', 401, 'unauthorized'],
      ['auth_extended', 'POST', 200, 'ok'],
      ['labs.get', 'GET', 200, 'ok'],
      ['labs.delete', 'DELETE', 400, 'conflict'],
      ['labs.stop', 'PUT', 404, 'not_found'],
      ['labs.list', 'GET', 200, 'bad_response'],
      ['labs.wipe', 'PUT', 503, 'unavailable'],
      ['labs.start', 'PUT', undefined, 'timeout'],
      ['system_information', 'GET', 200, 'ok'],
    ]);
    for (const event of observer.events) {
      expect(event.workerId).toBe('w1');
      expect(event.durationMs).toBeGreaterThanOrEqual(0);
      expect(JSON.stringify(event)).not.toContain(SECRET_LAB);
    }
  });

  it('reports a failed login once, without status on network errors', async () => {
    nock(TEST_API)
      .post('/auth_extended')
      .replyWithError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));

    await expect(client.listLabIds()).rejects.toMatchObject({ name: 'CmlUnavailableError' });
    expect(summary(observer.events)).toEqual([['auth_extended', 'POST', undefined, 'unavailable']]);
  });

  it('keeps working when the observer throws', async () => {
    const throwing = new (class extends CmlRequestObserver {
      observe(): void {
        throw new Error('metrics backend down');
      }
    })();
    const robust = new CmlClient(testSettings(), throwing);
    nock(TEST_API).get('/system_information').reply(200, { version: '2.7.0', ready: true });

    await expect(robust.systemInformation()).resolves.toEqual({ version: '2.7.0', ready: true });
    robust.dispose();
  });

  it('never puts the password or the token into errors or events', async () => {
    const errors: unknown[] = [];
    const capture = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => errors.push(e),
      );
    nock(TEST_API).post('/auth_extended').times(3).reply(200, authExtendedBody(TEST_TOKEN));
    nock(TEST_API)
      .get('/labs')
      .query(true)
      .times(2)
      .reply(401, { code: 401, description: `bad token ${TEST_TOKEN}` });
    nock(TEST_API)
      .get('/labs/l1')
      .reply(404, { code: 404, description: `echo ${TEST_PASSWORD} ${TEST_TOKEN}` });
    nock(TEST_API).get('/labs/l2').reply(200, 'garbage');
    nock(TEST_API).delete('/labs/l3').reply(400, { description: TEST_PASSWORD });
    nock(TEST_API)
      .put('/labs/l4/wipe')
      .replyWithError(Object.assign(new Error(`reset ${TEST_TOKEN}`), { code: 'ECONNRESET' }));
    nock(TEST_API).put('/labs/l5/stop').delay(1000).reply(204);

    await capture(client.listLabIds());
    await capture(client.getLab('l1'));
    await capture(client.getLab('l2'));
    await capture(client.deleteLab('l3'));
    await capture(client.wipeLab('l4'));
    await capture(client.stopLab('l5'));

    nock.cleanAll();
    nock(TEST_API)
      .post('/auth_extended')
      .reply(403, { description: `wrong password ${TEST_PASSWORD}` });
    const other = new CmlClient(testSettings(), observer);
    await capture(other.listLabIds());
    other.dispose();

    expect(errors).toHaveLength(7);
    const strings = collectStrings([errors, observer.events]);
    expect(strings.length).toBeGreaterThan(20);
    for (const text of strings) {
      expect(text).not.toContain(TEST_PASSWORD);
      expect(text).not.toContain(TEST_TOKEN);
    }
    expect(collectStrings(client).join('\n')).not.toContain(TEST_PASSWORD);
  });
});
