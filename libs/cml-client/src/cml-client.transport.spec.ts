import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { generate } from 'selfsigned';
import { CmlClient } from './cml-client';
import { CmlTimeoutError } from './errors/cml-timeout.error';
import { CmlUnavailableError } from './errors/cml-unavailable.error';
import { testSettings, releaseNock } from './testing/cml-client-test.fixtures';

/** Real sockets on 127.0.0.1: the failure modes nock cannot reproduce faithfully. */
describe('CmlClient transport against local servers', () => {
  const clients: CmlClient[] = [];
  const servers: http.Server[] = [];

  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterAll(releaseNock);
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

  function clientFor(endpoint: string, overrides: Parameters<typeof testSettings>[0] = {}): CmlClient {
    const client = new CmlClient(testSettings({ endpoint, timeoutMs: 300, ...overrides }));
    clients.push(client);
    return client;
  }

  async function listen(server: http.Server): Promise<number> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  const systemInformation = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ version: '2.7.0', ready: true }));
  };

  it('maps a closed port to CmlUnavailableError(connection_refused)', async () => {
    const port = await listen(http.createServer());
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));

    const error = await clientFor(`http://127.0.0.1:${port}`)
      .systemInformation()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlUnavailableError);
    expect(error).toMatchObject({ reason: 'connection_refused' });
    expect((error as Error).message).toContain('connection refused');
  });

  it('aborts a server that keeps the socket busy but never finishes (hard deadline)', async () => {
    // Sends a body byte every 50 ms: the socket is never idle, so only the overall deadline fires.
    const port = await listen(
      http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(timer));
      }),
    );

    const started = Date.now();
    const error = await clientFor(`http://127.0.0.1:${port}`)
      .systemInformation()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlTimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  describe('TLS', () => {
    const pems = generate([{ name: 'commonName', value: 'cml.local' }], {
      keySize: 2048,
      days: 1,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    let endpoint: string;

    beforeEach(async () => {
      const port = await listen(
        https.createServer({ key: pems.private, cert: pems.cert }, systemInformation),
      );
      endpoint = `https://127.0.0.1:${port}`;
    });

    it('verifies certificates by default and says TLS failed', async () => {
      const error = await clientFor(endpoint)
        .systemInformation()
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(CmlUnavailableError);
      expect(error).toMatchObject({ reason: 'tls_failure' });
      expect((error as Error).message).toContain('TLS');
    });

    it('trusts the configured CA certificate', async () => {
      await expect(clientFor(endpoint, { caCertPem: pems.cert }).systemInformation()).resolves.toEqual({
        version: '2.7.0',
        ready: true,
      });
    });

    it('skips verification when verifyTls is false', async () => {
      await expect(clientFor(endpoint, { verifyTls: false }).systemInformation()).resolves.toMatchObject({
        ready: true,
      });
    });
  });
});
