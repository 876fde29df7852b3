import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { CmlAddressPolicy } from './cml-address-policy';
import { CmlClient } from './cml-client';
import { CmlClientFactory } from './cml-client.factory';
import { CmlUnavailableError } from './errors/cml-unavailable.error';
import { RecordingCmlRequestObserver, testSettings } from './testing/cml-client-test.fixtures';

/** The SSRF guard at request time, over real sockets (no nock: it would bypass the agent). */
describe('CmlClient address policy', () => {
  const clients: CmlClient[] = [];
  afterEach(() => {
    clients.splice(0).forEach((c) => c.dispose());
    jest.restoreAllMocks();
  });

  async function freePort(): Promise<number> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  it('fails with CmlUnavailableError(blocked_address) before connecting to a blocked literal', async () => {
    const port = await freePort();
    const connect = jest.spyOn(https.Agent.prototype, 'createConnection');
    const client = new CmlClient(
      testSettings({ endpoint: `https://127.0.0.1:${port}`, timeoutMs: 1000 }),
      undefined,
      new CmlAddressPolicy([]),
    );
    clients.push(client);

    const error = await client.systemInformation().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlUnavailableError);
    // Not connection_refused: the closed port was never tried.
    expect(error).toMatchObject({
      reason: 'blocked_address',
      outcome: 'unavailable',
      route: 'system_information',
    });
    expect((error as Error).message).toContain('loopback address (127.0.0.1)');
    expect(connect).not.toHaveBeenCalled();
  });

  it('checks host names when connecting, so a name rebound to loopback is refused', async () => {
    const port = await freePort();
    const client = new CmlClient(
      testSettings({ endpoint: `https://localhost:${port}`, timeoutMs: 1000 }),
      undefined,
      new CmlAddressPolicy([]),
    );
    clients.push(client);

    await expect(client.systemInformation()).rejects.toMatchObject({ reason: 'blocked_address' });
  });

  it('connects when the range is allowed (the closed port then answers connection_refused)', async () => {
    const port = await freePort();
    const client = new CmlClient(
      testSettings({ endpoint: `https://127.0.0.1:${port}`, timeoutMs: 1000 }),
      undefined,
      new CmlAddressPolicy(['127.0.0.0/8']),
    );
    clients.push(client);

    await expect(client.systemInformation()).rejects.toMatchObject({ reason: 'connection_refused' });
  });

  it('is on by default in clients from the factory', async () => {
    const port = await freePort();
    const observer = new RecordingCmlRequestObserver();
    const factory = new CmlClientFactory({ timeoutMs: 1000 }, observer);
    const allowing = new CmlClientFactory(
      { timeoutMs: 1000, allowedPrivateCidrs: ['127.0.0.0/8'] },
      observer,
    );
    const settings = testSettings({ endpoint: `https://127.0.0.1:${port}` });

    await expect(factory.forWorker(settings).systemInformation()).rejects.toMatchObject({
      reason: 'blocked_address',
    });
    await expect(allowing.forWorker(settings).systemInformation()).rejects.toMatchObject({
      reason: 'connection_refused',
    });
    expect(observer.events[0]).toMatchObject({ outcome: 'unavailable', status: undefined });
    factory.onModuleDestroy();
    allowing.onModuleDestroy();
  });
});
