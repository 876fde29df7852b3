import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { CmlHttpTransport, CmlTransportFailure, type CmlHttpRequest } from './cml-http-transport';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A real server on 127.0.0.1: what goes over the wire, not what an interceptor makes of it. No nock in this
 * file: its interceptor answers through a socket of its own, whose idle timer a dripping answer never resets.
 */
describe('CmlHttpTransport against a local server', () => {
  let server: http.Server;
  let agent: http.Agent;
  let transport: CmlHttpTransport;
  let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        answer(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    agent = new http.Agent({ keepAlive: true });
    transport = new CmlHttpTransport(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v0`,
      agent,
      300,
    );
  });
  afterAll(async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const get = (overrides: Partial<CmlHttpRequest> = {}) =>
    transport.send({
      method: 'GET',
      path: '/labs',
      maxBytes: 1024,
      signal: AbortSignal.timeout(2000),
      ...overrides,
    });
  const reply =
    (status: number, body: string | Buffer, headers: http.OutgoingHttpHeaders = {}) =>
    (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(status, headers);
      res.end(body);
    };

  it('sends the path below the API base, the query, JSON and the given headers', async () => {
    answer = reply(200, '"token"', { 'Content-Type': 'application/json' });

    const response = await transport.send({
      method: 'POST',
      path: '/auth_extended',
      query: { show_all: 'true', q: 'a b&c' },
      json: { username: 'admin', password: 'pä$$' },
      headers: { Authorization: 'Bearer t' },
      maxBytes: 1024,
      signal: AbortSignal.timeout(2000),
    });

    expect(response).toEqual({ status: 200, body: '"token"' });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/api/v0/auth_extended?show_all=true&q=a+b%26c',
      body: '{"username":"admin","password":"pä$$"}',
      headers: expect.objectContaining({
        accept: 'application/json',
        authorization: 'Bearer t',
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength('{"username":"admin","password":"pä$$"}')),
      }),
    });
  });

  it('hands back every status with its body: the client classifies them', async () => {
    answer = reply(404, '{"code":404}');
    await expect(get()).resolves.toEqual({ status: 404, body: '{"code":404}' });
  });

  it('does not follow a redirect (it would replay the bearer token elsewhere)', async () => {
    answer = reply(302, '', { Location: 'http://127.0.0.1:1/elsewhere' });
    await expect(get()).resolves.toEqual({ status: 302, body: '' });
    expect(seen).toHaveLength(1);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('decodes a %s answer', async (coding, compress) => {
    answer = reply(200, compress(Buffer.from('["a","b"]')), { 'Content-Encoding': coding });
    await expect(get()).resolves.toEqual({ status: 200, body: '["a","b"]' });
    expect(seen[0].headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('refuses an answer that does not decompress as a bad response', async () => {
    answer = reply(200, 'not gzip at all', { 'Content-Encoding': 'gzip' });
    await expect(get()).rejects.toMatchObject({ code: 'ERR_BAD_RESPONSE' });
  });

  it('counts the cap on the decompressed body: a small gzip of a huge answer is refused', async () => {
    answer = reply(200, gzipSync(Buffer.alloc(64 * 1024, 'x')), { 'Content-Encoding': 'gzip' });
    await expect(get()).rejects.toMatchObject({
      code: 'ERR_BAD_RESPONSE',
      message: 'the answer is over 1024 bytes',
    });
  });

  it('refuses an answer whose Content-Length is over the cap before reading it', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Length': 10 * 1024 * 1024 });
      res.write('x'); // and never the rest
    };
    await expect(get()).rejects.toMatchObject({
      code: 'ERR_BAD_RESPONSE',
      message: 'the answer announces 10485760 bytes, over 1024',
    });
  });

  it('reports an answer cut off by the server as a bad response, not as a reset to retry', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Length': 100 });
      res.write('["partial');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const error = await get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CmlTransportFailure);
    expect(error).toMatchObject({ code: 'ERR_BAD_RESPONSE', resetBeforeAnswerOnReusedSocket: false });
  });

  it('fails a silent socket after the idle timeout with ETIMEDOUT', async () => {
    answer = () => undefined; // never answers
    await expect(get()).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('fails at the deadline even while bytes keep coming', async () => {
    answer = (_req, res) => {
      res.writeHead(200);
      const drip = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(drip));
    };
    const started = Date.now();
    await expect(get({ signal: AbortSignal.timeout(400) })).rejects.toMatchObject({ code: 'ABORT_ERR' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('does not send a request whose deadline has passed', async () => {
    answer = reply(200, '[]');
    const signal = AbortSignal.abort();
    await expect(get({ signal })).rejects.toMatchObject({ code: 'ABORT_ERR' });
    expect(seen).toHaveLength(0);
  });

  it('takes a 204 with a content coding as the empty answer it is', async () => {
    answer = reply(204, '', { 'Content-Encoding': 'gzip' });
    await expect(get({ method: 'DELETE' })).resolves.toEqual({ status: 204, body: '' });
  });

  it('reports a refused connection with its code', async () => {
    const closed = new CmlHttpTransport('http://127.0.0.1:1/api/v0', new http.Agent(), 300);
    await expect(
      closed.send({ method: 'GET', path: '/labs', maxBytes: 10, signal: AbortSignal.timeout(2000) }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED', resetBeforeAnswerOnReusedSocket: false });
  });
});
