import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

export type SinkMode = 'ok' | 'error' | 'hang';

/** A real HTTP CloudEvents sink on loopback that can be switched to fail, hang, or go away. */
export class TestSink {
  readonly received: ReceivedRequest[] = [];
  mode: SinkMode = 'ok';
  private server: Server | null = null;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Only the requests answered 2xx. */
  get delivered(): ReceivedRequest[] {
    return this.received.filter((r) => (r as ReceivedRequest & { status?: number }).status === 202);
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const entry: ReceivedRequest & { status?: number } = { headers: req.headers, body };
        this.received.push(entry);
        if (this.mode === 'hang') return;
        entry.status = this.mode === 'ok' ? 202 : 500;
        res.writeHead(entry.status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening; the port is kept so that start() brings the same URL back. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
