import { createServer, Server } from 'node:https';
import { Socket } from 'node:net';
import { CmlSimulatorOptions } from './cml-simulator-options';
import { createSimulatorApp } from './create-simulator-app';
import { PendingDelays } from './pending-delays';
import { generateSelfSignedCertificate } from './self-signed-certificate';
import { TransitionTiming } from './lab-lifecycle';
import { DEFAULT_SETTINGS } from './simulator-settings';
import { SimulatorState } from './simulator-state';
import { DEFAULT_SIMULATOR_USERS } from './simulator-user';

/** A listening simulator. */
export interface RunningCmlSimulator {
  /** Base URL, e.g. https://127.0.0.1:40123 (no trailing slash, no /api/v0). */
  url: string;
  port: number;
  /** The certificate clients must trust (the generated one, or the one passed in `tls`). */
  caCertPem: string;
  /** The /_sim operations as methods, for in-process tests. */
  state: SimulatorState;
  /** Stops listening and destroys every open connection, including requests held by `hang` faults. */
  close(): Promise<void>;
}

/** CML's JWT lifetime: `exp - iat` is 24 h in every recorded token. */
export const DEFAULT_TOKEN_TTL_SECONDS = 86_400;

/**
 * Transition times of an in-process simulator: short, so tests stay fast, but never zero, so a client that does
 * not wait for a stop or wipe to finish fails as it would against a real controller.
 */
export const DEFAULT_TRANSITION_TIMING: TransitionTiming = { startMs: 300, stopMs: 300, wipeMs: 150 };

export async function startCmlSimulator(opts: CmlSimulatorOptions = {}): Promise<RunningCmlSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const tls = opts.tls ?? generateSelfSignedCertificate([host, ...(opts.tlsHostnames ?? [])]);
  const state = new SimulatorState({
    users: opts.users ?? DEFAULT_SIMULATOR_USERS,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    settings: {
      version: opts.version ?? DEFAULT_SETTINGS.version,
      authExtended: opts.authExtended ?? DEFAULT_SETTINGS.authExtended,
      foreignLabStatus: opts.foreignLabStatus ?? DEFAULT_SETTINGS.foreignLabStatus,
    },
    timing: {
      startMs: opts.startMs ?? DEFAULT_TRANSITION_TIMING.startMs,
      stopMs: opts.stopMs ?? DEFAULT_TRANSITION_TIMING.stopMs,
      wipeMs: opts.wipeMs ?? DEFAULT_TRANSITION_TIMING.wipeMs,
    },
  });
  // Invalid settings (e.g. a malformed version) fail at start, the way /_sim/settings would refuse them.
  state.updateSettings(state.getSettings());
  state.setTiming(state.getTiming());
  if (opts.seedLabs) {
    state.seedLabs({ count: opts.seedLabs });
  }
  const delays = new PendingDelays();
  const app = createSimulatorApp(state, delays, opts.latencyMs ?? 0);
  const server = createServer({ key: tls.key, cert: tls.cert }, app);

  // Tracked at the TCP level so close() also ends connections still in the TLS handshake or held by a hang fault.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await listen(server, opts.port ?? 0, host);
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('cml-simulator: server has no TCP address');
  }
  const port = address.port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      delays.cancelAll();
      server.close(() => resolve());
      for (const socket of sockets) {
        socket.destroy();
      }
    });
    return closing;
  };

  return { url: `https://${urlHost(host)}:${port}`, port, caCertPem: tls.cert, state, close };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A wildcard listen address is not something a client can dial; point the URL at loopback instead. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') {
    return '127.0.0.1';
  }
  if (host === '::') {
    return '[::1]';
  }
  return host.includes(':') ? `[${host}]` : host;
}
