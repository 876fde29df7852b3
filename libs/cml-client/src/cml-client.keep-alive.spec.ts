import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { generate } from 'selfsigned';
import { CmlClient } from './cml-client';
import { CmlBadResponseError } from './errors/cml-bad-response.error';
import { CmlUnavailableError } from './errors/cml-unavailable.error';
import {
  authExtendedBody,
  cmlLabBody,
  LAB_1,
  releaseNock,
  TEST_TOKEN,
  testSettings,
} from './testing/cml-client-test.fixtures';

/**
 * The keep-alive race (issue 14) over real sockets. The fixtures load nock, which intercepts as soon
 * as it is imported and replaces the sockets (no pool, no `reusedSocket`), so it is released before
 * anything runs; "reuses a socket that was idle briefly" fails while it is still active.
 *
 * The servers answer with `Connection: keep-alive` set by hand, which stops Node from adding a
 * `Keep-Alive: timeout=N` hint. nginx sends no hint by default either, so a client cannot learn the
 * server's timeout and has to close idle sockets early on its own.
 */

/** What the server does with one request. */
type Fate =
  | 'answer'
  | 'unauthorized'
  /** Closes the connection without a byte of response: what a server's idle timer does. */
  | 'reset'
  /** Sends the first bytes of a status line, then closes. */
  | 'reset-after-status-bytes'
  /** Sends the headers and part of the body, then closes. */
  | 'reset-after-body-bytes';

interface SeenRequest {
  method: string;
  path: string;
  /** 1-based number of the TCP connection it came on. */
  connection: number;
  /** 1-based position of the request on its connection; above 1 means a reused socket. */
  onConnection: number;
}

interface TestServer {
  endpoint: string;
  seen: SeenRequest[];
  connections: Socket[];
  closedAt: Map<Socket, number>;
  count(method: string, path: string): number;
}

const LAB_PATH = `/api/v0/labs/${LAB_1}`;

const pems = generate([{ name: 'commonName', value: 'cml.local' }], { keySize: 2048, days: 1 });

beforeAll(releaseNock);

describe.each(['http:', 'https:'] as const)('CmlClient keep-alive over %s', (protocol) => {
  const clients: CmlClient[] = [];
  const servers: http.Server[] = [];

  afterEach(async () => {
    clients.splice(0).forEach((c) => c.dispose());
    await Promise.all(
      servers.splice(0).map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      ),
    );
  });

  function clientFor(server: TestServer, timeoutMs = 2000): CmlClient {
    const client = new CmlClient(testSettings({ endpoint: server.endpoint, timeoutMs, verifyTls: false }));
    clients.push(client);
    return client;
  }

  async function startServer(
    fate: (request: SeenRequest) => Fate,
    opts: { keepAliveTimeoutMs?: number; answerDelayMs?: number } = {},
  ): Promise<TestServer> {
    const seen: SeenRequest[] = [];
    const connections: Socket[] = [];
    const closedAt = new Map<Socket, number>();
    const perSocket = new Map<Socket, number>();
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const socket = req.socket;
      const onConnection = (perSocket.get(socket) ?? 0) + 1;
      perSocket.set(socket, onConnection);
      const request = {
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0],
        connection: connections.indexOf(socket) + 1,
        onConnection,
      };
      seen.push(request);
      const decided = fate(request);
      req.resume();
      if (decided === 'reset') {
        socket.destroy();
      } else if (decided === 'reset-after-status-bytes') {
        socket.end('HTTP/1.1 20', () => socket.destroy());
      } else if (decided === 'reset-after-body-bytes') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' });
        res.write('{"id":', () => socket.destroy());
      } else {
        setTimeout(() => answer(req, res, decided === 'unauthorized'), opts.answerDelayMs ?? 0);
      }
    };
    const server =
      protocol === 'https:'
        ? https.createServer({ key: pems.private, cert: pems.cert }, handler)
        : http.createServer(handler);
    // For TLS, req.socket is the TLSSocket; it is what 'secureConnection' hands out.
    server.on(protocol === 'https:' ? 'secureConnection' : 'connection', (socket: Socket) => {
      connections.push(socket);
      socket.on('close', () => closedAt.set(socket, Date.now()));
    });
    server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 60_000;
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      endpoint: `${protocol}//127.0.0.1:${port}`,
      seen,
      connections,
      closedAt,
      count: (method, path) => seen.filter((r) => r.method === method && r.path === path).length,
    };
  }

  function answer(req: http.IncomingMessage, res: http.ServerResponse, unauthorized: boolean): void {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', Connection: 'keep-alive' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0];
    if (unauthorized) return json(401, { code: 401, description: 'token expired' });
    if (path === '/api/v0/auth_extended') return json(200, authExtendedBody(TEST_TOKEN));
    if (path === '/api/v0/system_information') return json(200, { version: '2.9.0', ready: true });
    if (req.method === 'GET' && path === LAB_PATH) return json(200, cmlLabBody(LAB_1));
    res.writeHead(204, { Connection: 'keep-alive' });
    res.end();
  }

  /** The race, made deterministic: the server closes a reused connection when a request arrives on it. */
  const resetOnReusedSocket = (r: SeenRequest): Fate => (r.onConnection > 1 ? 'reset' : 'answer');

  describe('a reused socket closed before any response byte', () => {
    it('retries a GET once on a new connection, which succeeds', async () => {
      const server = await startServer(resetOnReusedSocket);
      const client = clientFor(server);

      // The login opens connection 1; the GET reuses it and is reset there.
      await expect(client.getLab(LAB_1)).resolves.toMatchObject({ id: LAB_1 });

      expect(server.seen).toEqual([
        { method: 'POST', path: '/api/v0/auth_extended', connection: 1, onConnection: 1 },
        { method: 'GET', path: LAB_PATH, connection: 1, onConnection: 2 },
        { method: 'GET', path: LAB_PATH, connection: 2, onConnection: 1 },
      ]);
    });

    it('retries on a new connection, not on another pooled socket that idled as long', async () => {
      const server = await startServer((r) =>
        r.method === 'GET' && r.path === LAB_PATH && r.onConnection > 1 ? 'reset' : 'answer',
      );
      const client = clientFor(server);
      // Two sockets in the pool.
      await Promise.all([client.systemInformation(), client.systemInformation()]);

      await expect(client.getLab(LAB_1)).resolves.toMatchObject({ id: LAB_1 });

      const [reset, retry, ...more] = server.seen.filter((r) => r.path === LAB_PATH);
      expect(reset.onConnection).toBeGreaterThan(1);
      expect(retry).toEqual({ method: 'GET', path: LAB_PATH, connection: 3, onConnection: 1 });
      expect(more).toEqual([]);
    });

    it.each([
      ['stop', (c: CmlClient) => c.stopLab(LAB_1)],
      ['wipe', (c: CmlClient) => c.wipeLab(LAB_1)],
    ])('retries PUT /labs/{id}/%s once (CML treats it idempotently)', async (action, call) => {
      const server = await startServer(resetOnReusedSocket);

      await expect(call(clientFor(server))).resolves.toBeUndefined();

      expect(server.count('PUT', `${LAB_PATH}/${action}`)).toBe(2);
      expect(server.connections.length).toBe(2);
    });

    it.each([
      ['DELETE', LAB_PATH, (c: CmlClient) => c.deleteLab(LAB_1)],
      ['PUT', `${LAB_PATH}/start`, (c: CmlClient) => c.startLab(LAB_1)],
    ])('does not retry %s %s and reports the reset', async (method, path, call) => {
      const server = await startServer(resetOnReusedSocket);

      const error = await call(clientFor(server)).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(CmlUnavailableError);
      expect(error).toMatchObject({ reason: 'connection_reset', outcome: 'unavailable' });
      expect((error as Error).message).toContain('connection reset');
      expect(server.count(method, path)).toBe(1);
      expect(server.connections.length).toBe(1);
    });

    it('does not retry a POST (a login after a 401 that is reset)', async () => {
      // Connection 1: login, GET answered 401, second login reset.
      const server = await startServer((r) =>
        r.method === 'GET' ? 'unauthorized' : r.onConnection > 1 ? 'reset' : 'answer',
      );

      const error = await clientFor(server)
        .getLab(LAB_1)
        .catch((e: unknown) => e);

      expect(error).toMatchObject({ reason: 'connection_reset', route: 'auth_extended' });
      expect(server.count('POST', '/api/v0/auth_extended')).toBe(2);
      expect(server.connections.length).toBe(1);
    });

    it('does not retry a GET reset on a new connection (that is no keep-alive race)', async () => {
      const server = await startServer(() => 'reset');

      const error = await clientFor(server)
        .systemInformation()
        .catch((e: unknown) => e);

      expect(error).toMatchObject({ reason: 'connection_reset', route: 'system_information' });
      expect(server.seen).toEqual([
        { method: 'GET', path: '/api/v0/system_information', connection: 1, onConnection: 1 },
      ]);
    });

    it('surfaces a second reset after the retry instead of trying again', async () => {
      const server = await startServer((r) => (r.method === 'GET' ? 'reset' : 'answer'));

      const error = await clientFor(server)
        .getLab(LAB_1)
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(CmlUnavailableError);
      expect(error).toMatchObject({ reason: 'connection_reset', route: 'labs.get' });
      expect(server.count('GET', LAB_PATH)).toBe(2);
    });
  });

  describe('a reused socket closed after the response started', () => {
    it.each([
      // Node calls this a "socket hang up" too: no complete response head had been parsed.
      ['reset-after-status-bytes', CmlUnavailableError],
      ['reset-after-body-bytes', CmlBadResponseError],
    ] as const)('does not retry a GET (%s)', async (reset, errorClass) => {
      const server = await startServer((r) => (r.onConnection > 1 ? reset : 'answer'));

      const error = await clientFor(server)
        .getLab(LAB_1)
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(errorClass);
      expect(server.count('GET', LAB_PATH)).toBe(1);
      expect(server.connections.length).toBe(1);
    });
  });
});

describe('CmlClient idle keep-alive sockets', () => {
  let server: http.Server;
  let client: CmlClient | undefined;
  const connections: Socket[] = [];
  const closedAt = new Map<Socket, number>();
  const delays: number[] = [];
  /** Node's own default; Apache's is also 5 s. */
  const SERVER_KEEP_ALIVE_MS = 5000;

  beforeEach(async () => {
    connections.length = 0;
    closedAt.clear();
    delays.length = 0;
    server = http.createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'keep-alive' });
        res.end(JSON.stringify({ version: '2.9.0', ready: true }));
      }, delays.shift() ?? 0);
    });
    server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
    server.on('connection', (socket: Socket) => {
      connections.push(socket);
      socket.on('close', () => closedAt.set(socket, Date.now()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new CmlClient(testSettings({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 10_000 }));
  });

  afterEach(async () => {
    client?.dispose();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('reuses a socket that was idle briefly', async () => {
    await client!.systemInformation();
    await idle(200);
    await client!.systemInformation();

    expect(connections.length).toBe(1);
  });

  it('closes an idle socket itself before the server would, so the next request opens a new one', async () => {
    await client!.systemInformation();
    const answeredAt = Date.now();
    // Past the client's limit, short of the server's 5 s.
    await idle(4500);
    await client!.systemInformation();

    expect(connections.length).toBe(2);
    const firstClosed = closedAt.get(connections[0]);
    expect(firstClosed).toBeDefined();
    expect(firstClosed! - answeredAt).toBeLessThan(SERVER_KEEP_ALIVE_MS);
  });

  it('does not cut a request whose answer takes longer than the idle limit', async () => {
    delays.push(4500);

    await expect(client!.systemInformation()).resolves.toMatchObject({ ready: true });
    expect(connections.length).toBe(1);
  });
});
