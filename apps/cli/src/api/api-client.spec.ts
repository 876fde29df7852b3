import nock from 'nock';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiError, UnreachableError } from '../cli-errors';
import { ExitCode } from '../exit-codes';
import { ApiClient } from './api-client';

const BASE = 'http://api.test';
const TOKEN = 'header.payload.signature';
const client = (token: string | null = TOKEN, timeoutMs = 5000, baseUrl = BASE) =>
  new ApiClient({ baseUrl, token, insecure: false, timeoutMs });

describe('ApiClient', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  // nock.restore: its interceptor would otherwise stay on http for the next spec file in this jest worker.
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  it('sends the bearer token and the query, and answers the JSON', async () => {
    const scope = nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get('/api/workers/w1/labs')
      .query({ state: 'STARTED', limit: '500' })
      .reply(200, { items: [], nextCursor: null });
    await expect(
      client().get('/api/workers/w1/labs', { query: { state: 'STARTED', owner: undefined, limit: 500 } }),
    ).resolves.toEqual({ items: [], nextCursor: null });
    scope.done();
  });

  it('sends no Authorization header without a token', async () => {
    const scope = nock(BASE, { badheaders: ['authorization'] })
      .get('/api/workers')
      .reply(200, { items: [] });
    await client(null).get('/api/workers');
    scope.done();
  });

  it('posts a JSON body and takes a 202 without one', async () => {
    const scope = nock(BASE)
      .post('/api/labs/bulk-delete', { filter: { owner: 'bob' }, dryRun: false })
      .reply(202, { jobId: 'j1' })
      .post('/api/outbox/e1/retry')
      .reply(202);
    await expect(
      client().post('/api/labs/bulk-delete', { body: { filter: { owner: 'bob' }, dryRun: false } }),
    ).resolves.toEqual({
      jobId: 'j1',
    });
    await expect(client().post('/api/outbox/e1/retry')).resolves.toBeUndefined();
    scope.done();
  });

  it('turns problem+json into an ApiError with its title, detail, step and field errors', async () => {
    nock(BASE)
      .delete('/api/workers/w1/labs/l1')
      .reply(
        409,
        {
          type: 'x/conflict',
          title: 'Conflict',
          status: 409,
          detail: 'Lab is started',
          step: 'read',
          cmlChanges: [],
        },
        { 'content-type': 'application/problem+json' },
      )
      .get('/api/workers/w1/labs')
      .query(true)
      .reply(400, {
        title: 'Bad Request',
        status: 400,
        detail: 'Invalid input',
        errors: [{ field: 'state', message: 'must be one of' }],
      });
    const conflict = await client()
      .delete('/api/workers/w1/labs/l1')
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ApiError);
    expect(conflict).toMatchObject({ status: 409, exitCode: ExitCode.Refused });
    expect((conflict as Error).message).toBe(
      '409 Conflict: Lab is started\n  failed at step: read; CML changes already made: none',
    );
    const invalid = await client()
      .get('/api/workers/w1/labs', { query: { state: 'X' } })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({
      exitCode: ExitCode.Usage,
      message: '400 Bad Request: Invalid input\n  state: must be one of',
    });
  });

  it('says whether a 401 had no token or a refused one, and never shows the token', async () => {
    nock(BASE)
      .get('/api/workers')
      .times(2)
      .reply(401, { title: 'Unauthorized', status: 401, detail: 'Missing bearer token' });
    const none = (await client(null)
      .get('/api/workers')
      .catch((e: unknown) => e)) as ApiError;
    expect(none.exitCode).toBe(ExitCode.Auth);
    expect(none.message).toContain('No token was given');
    const refused = (await client()
      .get('/api/workers')
      .catch((e: unknown) => e)) as ApiError;
    expect(refused.message).toContain('The token was refused');
    expect(refused.message).not.toContain(TOKEN);
  });

  it('gives the status of an error without problem+json (a proxy page)', async () => {
    nock(BASE).get('/api/workers').reply(502, '<html>Bad gateway</html>', { 'content-type': 'text/html' });
    await expect(client().get('/api/workers')).rejects.toMatchObject({
      exitCode: ExitCode.Unavailable,
      message: '502 HTTP 502',
    });
  });

  it('does not follow a redirect (the token would go with it)', async () => {
    const elsewhere = nock('http://elsewhere.test').get('/api/workers').reply(200, { items: [] });
    nock(BASE).get('/api/workers').reply(302, '', { location: 'http://elsewhere.test/api/workers' });
    const error = await client()
      .get('/api/workers')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toContain('redirect (302) to http://elsewhere.test/api/workers');
    expect(elsewhere.isDone()).toBe(false);
  });

  it('refuses a 200 that is not JSON: not the cml-labs API', async () => {
    nock(BASE).get('/api/workers').reply(200, '<html>login</html>');
    await expect(client().get('/api/workers')).rejects.toThrow(
      'without JSON: is http://api.test the cml-labs API?',
    );
  });

  it('is unreachable when the connection is refused, naming the URL and not the token', async () => {
    nock.enableNetConnect('127.0.0.1');
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const error = (await client(TOKEN, 5000, `http://127.0.0.1:${port}`)
      .get('/api/workers')
      .catch((e: unknown) => e)) as UnreachableError;
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.exitCode).toBe(ExitCode.Unavailable);
    expect(error.message).toBe(
      `GET /api/workers: cannot reach the API at http://127.0.0.1:${port} (ECONNREFUSED)`,
    );
    nock.disableNetConnect();
  });

  describe('against a server that never answers', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      nock.enableNetConnect('127.0.0.1');
      server = createServer(() => undefined);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      nock.disableNetConnect();
    });

    it('gives up after the timeout', async () => {
      const started = Date.now();
      const error = await client(TOKEN, 300, url)
        .get('/api/workers')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnreachableError);
      expect((error as Error).message).toBe(
        `GET /api/workers: no answer from ${url} within 300 ms (--timeout)`,
      );
      expect(Date.now() - started).toBeLessThan(3000);
    });
  });
});
