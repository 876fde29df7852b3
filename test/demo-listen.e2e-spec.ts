/**
 * The demo is not a door (issue 12, item 13): `npm run dev` runs with authentication off, so it listens on
 * 127.0.0.1 only unless DEMO_LISTEN_HOST says otherwise; and a port already in use ends `npm run dev`, the API
 * (apps/api/src/main.ts) and apps/audit (apps/audit/src/main.ts) with one line naming the variable to change and
 * a non-zero exit code, not a stack trace. Each runs as a real child process, as an operator would start it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { Child, freePort } from './support/child-app';
import { testDatabaseUri } from './support/test-database';
import { waitFor } from './support/test-sink';

const PORT_IN_USE_EXIT_CODE = 2;

/** Something else listening on `port` (all interfaces unless `host`). */
async function occupy(port: number, host?: string): Promise<net.Server> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, resolve);
  });
  return server;
}

const close = (server: net.Server) => new Promise((resolve) => server.close(resolve));

/** The variables a developer's shell might carry that would change what the demo does. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(AUTH_|CLOUDEVENTS_|K_SINK$|HOST$|DEMO_LISTEN_HOST$|PORT$|AUDIT_|SIM_|WEB_)/.test(name))
      delete env[name];
  }
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

/** Runs `script` until it exits by itself (it must, within the time); returns its exit code and output. */
async function runToExit(script: string, env: NodeJS.ProcessEnv): Promise<Child & { code: number | null }> {
  const child = new Child(script, env);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 90_000);
  const code = await child.exited;
  clearTimeout(timer);
  return Object.assign(child, { code });
}

function expectOneClearLine(child: Child, port: number, variable: string): void {
  const lines = child.output.split('\n').filter((l) => /already in use/i.test(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(String(port));
  expect(lines[0]).toMatch(new RegExp(`\\b${variable}\\b`));
  // No stack trace, no Nest error dump.
  expect(child.output).not.toMatch(/^\s+at /m);
  expect(child.output).not.toMatch(/EADDRINUSE/);
}

/** The local addresses of the sockets listening on `port` (Linux: /proc/net/tcp and tcp6). */
function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 4 || fields[3] !== '0A') continue; // 0A: LISTEN
      const [addressHex, portHex] = fields[1].split(':');
      if (parseInt(portHex, 16) !== port) continue;
      found.push(decodeAddress(addressHex));
    }
  }
  return found;
}

function decodeAddress(hex: string): string {
  const v4 = (h: string) => [6, 4, 2, 0].map((i) => parseInt(h.slice(i, i + 2), 16)).join('.'); // little-endian words
  if (hex.length === 8) return v4(hex);
  if (/^0{32}$/.test(hex)) return '::';
  if (/^0{16}FFFF0000/i.test(hex)) return v4(hex.slice(24));
  return hex;
}

describe('npm run dev (apps/api/src/dev.ts) and the ports it takes', () => {
  const dev = 'apps/api/src/dev.ts';
  let ports: { PORT: number; AUDIT_PORT: number; SIM_PORT: number };
  const devEnv = (extra: Record<string, string> = {}) =>
    cleanEnv({
      MONGODB_URI: testDatabaseUri('demo_listen'),
      PORT: String(ports.PORT),
      AUDIT_PORT: String(ports.AUDIT_PORT),
      SIM_PORT: String(ports.SIM_PORT),
      SIM_SEED_LABS: '2',
      ...extra,
    });

  beforeEach(async () => {
    ports = { PORT: await freePort(), AUDIT_PORT: await freePort(), SIM_PORT: await freePort() };
  });

  it.each(['PORT', 'AUDIT_PORT', 'SIM_PORT'] as const)(
    'a %s already in use: one line naming it, exit code 2, no stack trace',
    async (variable) => {
      const taken = await occupy(ports[variable], '127.0.0.1');
      try {
        const child = await runToExit(dev, devEnv());
        expect({ code: child.code, output: child.output.slice(-3000) }).toMatchObject({
          code: PORT_IN_USE_EXIT_CODE,
        });
        expectOneClearLine(child, ports[variable], variable);
      } finally {
        await close(taken);
      }
    },
    120_000,
  );

  it('listens on 127.0.0.1 only: the API, the audit consumer and the simulator', async () => {
    const child = new Child(dev, devEnv());
    try {
      await waitFor(
        () => {
          if (child.process.exitCode !== null)
            throw new Error(`dev exited early:\n${child.output.slice(-4000)}`);
          return /cml-labs API on/.test(child.stderr);
        },
        90_000,
        'the demo to be up',
      );
      for (const port of [ports.PORT, ports.AUDIT_PORT, ports.SIM_PORT]) {
        expect({ port, addresses: listeningAddresses(port) }).toEqual({ port, addresses: ['127.0.0.1'] });
      }
      const res = await fetch(`http://127.0.0.1:${ports.PORT}/health/live`);
      expect(res.status).toBe(200);
    } finally {
      await child.stop();
    }
  }, 120_000);

  it('DEMO_LISTEN_HOST opens the API and the audit consumer wider, and says so again', async () => {
    const child = new Child(dev, devEnv({ DEMO_LISTEN_HOST: '0.0.0.0' }));
    try {
      await waitFor(
        () => {
          if (child.process.exitCode !== null)
            throw new Error(`dev exited early:\n${child.output.slice(-4000)}`);
          return /cml-labs API on/.test(child.stderr);
        },
        90_000,
        'the demo to be up',
      );
      expect(listeningAddresses(ports.PORT)).toEqual(['0.0.0.0']);
      expect(listeningAddresses(ports.AUDIT_PORT)).toEqual(['0.0.0.0']);
      // The simulator stays on loopback: only the API in the same process talks to it.
      expect(listeningAddresses(ports.SIM_PORT)).toEqual(['127.0.0.1']);
      const warnings = child.stderr.split('\n').filter((l) => /DEMO_LISTEN_HOST=0\.0\.0\.0/.test(l));
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      expect(warnings.join('\n')).toMatch(/AUTH_DISABLED/);
    } finally {
      await child.stop();
    }
  }, 120_000);
});

describe('main.ts of the API and of apps/audit with their port in use', () => {
  it('the API (PORT): one line naming PORT, exit code 2', async () => {
    const port = await freePort();
    const taken = await occupy(port);
    try {
      const child = await runToExit(
        'apps/api/src/main.ts',
        cleanEnv({
          PORT: String(port),
          MONGODB_URI: testDatabaseUri('api_port_in_use'),
          SECRETS_KEY: randomBytes(32).toString('base64'),
          AUTH_DISABLED: 'true',
        }),
      );
      expect({ code: child.code, output: child.output.slice(-3000) }).toMatchObject({
        code: PORT_IN_USE_EXIT_CODE,
      });
      expectOneClearLine(child, port, 'PORT');
    } finally {
      await close(taken);
    }
  }, 120_000);

  it('apps/audit (AUDIT_PORT): one line naming AUDIT_PORT, exit code 2', async () => {
    const port = await freePort();
    const taken = await occupy(port);
    try {
      const child = await runToExit(
        'apps/audit/src/main.ts',
        cleanEnv({
          AUDIT_PORT: String(port),
          AUDIT_MONGODB_URI: testDatabaseUri('audit_port_in_use'),
          AUDIT_INGEST_TOKEN: randomBytes(32).toString('base64url'),
          AUTH_DISABLED: 'true',
        }),
      );
      expect({ code: child.code, output: child.output.slice(-3000) }).toMatchObject({
        code: PORT_IN_USE_EXIT_CODE,
      });
      expectOneClearLine(child, port, 'AUDIT_PORT');
    } finally {
      await close(taken);
    }
  }, 120_000);
});
