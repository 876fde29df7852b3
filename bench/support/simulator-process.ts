import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as https from 'node:https';
import axios, { AxiosInstance } from 'axios';
import { generateSelfSignedCertificate } from '@app/cml-simulator';

export interface SimulatorProcess {
  /** https://127.0.0.1:<port>, as the simulator printed it. */
  url: string;
  port: number;
  /** The simulator's process id (its CPU and memory are read from /proc). */
  pid: number;
  caCertPem: string;
  /** One distinct loopback endpoint per worker, all served by this process (it listens on 0.0.0.0). */
  endpoints: string[];
  /** The /_sim control API. */
  admin: AxiosInstance;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

/** 127.0.1.1, 127.0.1.2, ... 127.0.1.254, 127.0.2.1, ...: all of 127.0.0.0/8 is loopback on Linux. */
export function loopbackAddress(index: number): string {
  return `127.0.${1 + Math.floor(index / 254)}.${1 + (index % 254)}`;
}

/**
 * The workers need distinct endpoints (registration refuses a second worker at the same endpoint), so the
 * certificate covers every loopback address the bench uses, and TLS verification stays on.
 */
function certificateFor(addresses: string[]): { key: string; cert: string } {
  return generateSelfSignedCertificate(addresses);
}

/** Starts apps/cml-simulator/src/main.ts as a separate process, so its CPU is not the measured process's. */
export async function startSimulatorProcess(opts: {
  repoRoot: string;
  workers: number;
  latencyMs: number;
}): Promise<SimulatorProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cml-bench-sim-'));
  const addresses = Array.from({ length: opts.workers }, (_, i) => loopbackAddress(i));
  const tls = certificateFor(addresses);
  writeFileSync(path.join(dir, 'cert.pem'), tls.cert);
  writeFileSync(path.join(dir, 'key.pem'), tls.key, { mode: 0o600 });
  const caFile = path.join(dir, 'ca.pem');

  const child: ChildProcess = spawn(
    process.execPath,
    [
      require.resolve('ts-node/dist/bin.js'),
      '-r',
      'tsconfig-paths/register',
      '--transpile-only',
      'apps/cml-simulator/src/main.ts',
    ],
    {
      cwd: opts.repoRoot,
      env: {
        ...process.env,
        SIM_PORT: '0',
        SIM_HOST: '0.0.0.0',
        SIM_LATENCY_MS: String(opts.latencyMs),
        SIM_SEED_LABS: '0',
        SIM_TLS_CERT_FILE: path.join(dir, 'cert.pem'),
        SIM_TLS_KEY_FILE: path.join(dir, 'key.pem'),
        SIM_CA_OUT_FILE: caFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // A crash of the bench must not leave the simulator running.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const listening = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`simulator did not start: ${stderr}`)), READY_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('cml-simulator.listening'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string; port: number });
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`simulator exited before listening: ${stderr}`));
    });
  });

  const caCertPem = readFileSync(caFile, 'utf8');
  const admin = axios.create({
    baseURL: `${listening.url}/_sim`,
    httpsAgent: new https.Agent({ ca: caCertPem, keepAlive: true }),
    timeout: 30_000,
  });
  let stopped: Promise<void> | undefined;
  return {
    url: listening.url,
    port: listening.port,
    pid: child.pid ?? -1,
    caCertPem,
    endpoints: addresses.map((a) => `https://${a}:${listening.port}`),
    admin,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        process.off('exit', killOnExit);
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

export interface SimStats {
  requests: Record<string, number>;
  total: number;
}

export async function simStats(admin: AxiosInstance): Promise<SimStats> {
  return (await admin.get<SimStats>('/stats')).data;
}

/** Per-route difference of two stats snapshots. */
export function statsDelta(before: SimStats, after: SimStats): SimStats {
  const requests: Record<string, number> = {};
  for (const [route, n] of Object.entries(after.requests)) {
    const d = n - (before.requests[route] ?? 0);
    if (d !== 0) requests[route] = d;
  }
  return { requests, total: after.total - before.total };
}
