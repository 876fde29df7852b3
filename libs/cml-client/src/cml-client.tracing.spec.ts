import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import nock from 'nock';
import { traced } from '@app/telemetry';
import { startInMemoryTracing } from '@app/telemetry/testing/in-memory-tracing';
import { CmlClient } from './cml-client';
import {
  authExtendedBody,
  cmlLabBody,
  collectStrings,
  releaseNock,
  SECRET_LAB,
  TEST_API,
  TEST_PASSWORD,
  TEST_TOKEN,
  TEST_TOKEN_2,
  testSettings,
} from './testing/cml-client-test.fixtures';

describe('CmlClient spans', () => {
  let tracing: ReturnType<typeof startInMemoryTracing>;
  let client: CmlClient;

  beforeAll(() => nock.disableNetConnect());
  afterAll(releaseNock);
  beforeEach(() => {
    tracing = startInMemoryTracing();
    client = new CmlClient(testSettings({ timeoutMs: 200 }));
  });
  afterEach(async () => {
    client.dispose();
    nock.abortPendingRequests();
    nock.cleanAll();
    await tracing.stop();
  });

  it('a client span per HTTP request (login and re-send included), children of the caller, route templates only', async () => {
    nock(TEST_API).post('/auth_extended').reply(200, authExtendedBody(TEST_TOKEN));
    nock(TEST_API).post('/auth_extended').reply(200, authExtendedBody(TEST_TOKEN_2));
    nock(TEST_API).get(`/labs/${SECRET_LAB}`).reply(401);
    nock(TEST_API).get(`/labs/${SECRET_LAB}`).reply(200, cmlLabBody(SECRET_LAB));
    nock(TEST_API)
      .delete(`/labs/${SECRET_LAB}`)
      .reply(404, { code: 404, description: `Lab not found: ${SECRET_LAB}` });

    await traced('caller', {}, async () => {
      await client.getLab(SECRET_LAB);
      await client.deleteLab(SECRET_LAB).catch(() => undefined);
    });

    const caller = tracing.spans.one('caller');
    const calls = tracing.spans.all.filter((s) => s.name !== 'caller');
    expect(
      calls.map((s) => [s.name, s.attributes['http.response.status_code'], s.attributes['cml.outcome']]),
    ).toEqual([
      ['POST auth_extended', 200, 'ok'],
      ['GET labs.get', 401, 'unauthorized'],
      ['POST auth_extended', 200, 'ok'],
      ['GET labs.get', 200, 'ok'],
      ['DELETE labs.delete', 404, 'not_found'],
    ]);
    for (const span of calls) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(tracing.spans.parentOf(span)).toBe(caller);
      expect(span.attributes['cml.worker.id']).toBe(testSettings().workerId);
    }
    const failed = calls[4];
    expect(failed.attributes).toMatchObject({ 'http.request.method': 'DELETE', 'cml.route': 'labs.delete' });
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'CmlNotFoundError' });
    const everything = collectStrings(calls.map((s) => [s.name, s.attributes, s.events, s.status]));
    for (const secret of [SECRET_LAB, TEST_PASSWORD, TEST_TOKEN, TEST_TOKEN_2, 'cml.test'])
      expect(everything.join('\n')).not.toContain(secret);
  });

  it('a request that gets no answer ends its span as a timeout, without a status', async () => {
    nock(TEST_API).post('/auth_extended').reply(200, authExtendedBody(TEST_TOKEN));
    nock(TEST_API).get('/system_information').delay(1000).reply(200, {});
    await expect(client.systemInformation()).rejects.toThrow();
    const span = tracing.spans.one('GET system_information');
    expect(span.attributes['cml.outcome']).toBe('timeout');
    expect(span.attributes).not.toHaveProperty('http.response.status_code');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });
});
