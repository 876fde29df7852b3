import { readFileSync } from 'node:fs';
import { CmlSimulatorOptions } from './cml-simulator-options';
import { ForeignLabStatus } from './lab-access';
import { CML_VERSION_PATTERN } from './simulator-settings';

/** Options of the standalone simulator plus where to write the certificate clients should trust. */
export interface SimulatorEnvConfig {
  options: CmlSimulatorOptions;
  caOutFile?: string;
}

const DEFAULT_STANDALONE_PORT = 9443;

/**
 * Transition times of the standalone simulator (demo, benchmarks by hand): closer to a real controller than the
 * in-process defaults, so a human watching the console sees labs move through their states.
 */
export const STANDALONE_TRANSITION_TIMING = { startMs: 3000, stopMs: 2000, wipeMs: 1000 } as const;

/**
 * Reads the standalone simulator's settings from the environment (see README.md). Invalid values throw instead
 * of falling back to defaults, so a benchmark never silently runs against the wrong configuration.
 */
export function readSimulatorEnvConfig(env: NodeJS.ProcessEnv): SimulatorEnvConfig {
  const options: CmlSimulatorOptions = {
    port: intFromEnv(env, 'SIM_PORT') ?? DEFAULT_STANDALONE_PORT,
    host: env.SIM_HOST || '127.0.0.1',
    seedLabs: intFromEnv(env, 'SIM_SEED_LABS'),
    latencyMs: intFromEnv(env, 'SIM_LATENCY_MS'),
    tokenTtlSeconds: intFromEnv(env, 'SIM_TOKEN_TTL_SECONDS'),
    version: env.SIM_CML_VERSION || undefined,
    authExtended: boolFromEnv(env, 'SIM_AUTH_EXTENDED'),
    foreignLabStatus: foreignLabStatusFromEnv(env),
    startMs: intFromEnv(env, 'SIM_START_MS') ?? STANDALONE_TRANSITION_TIMING.startMs,
    stopMs: intFromEnv(env, 'SIM_STOP_MS') ?? STANDALONE_TRANSITION_TIMING.stopMs,
    wipeMs: intFromEnv(env, 'SIM_WIPE_MS') ?? STANDALONE_TRANSITION_TIMING.wipeMs,
    tlsHostnames: (env.SIM_TLS_HOSTNAMES ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== ''),
  };
  if (options.version !== undefined && !CML_VERSION_PATTERN.test(options.version)) {
    throw new Error(`SIM_CML_VERSION must look like 2.9.0, got ${JSON.stringify(options.version)}`);
  }
  if (env.SIM_USERNAME || env.SIM_PASSWORD) {
    options.users = [
      {
        username: env.SIM_USERNAME || 'admin',
        password: env.SIM_PASSWORD || 'admin-password',
        admin: true,
        fullname: 'Administrator',
      },
    ];
  }
  const certFile = env.SIM_TLS_CERT_FILE;
  const keyFile = env.SIM_TLS_KEY_FILE;
  if (Boolean(certFile) !== Boolean(keyFile)) {
    throw new Error('SIM_TLS_CERT_FILE and SIM_TLS_KEY_FILE must be set together');
  }
  if (certFile && keyFile) {
    options.tls = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  }
  return { options, caOutFile: env.SIM_CA_OUT_FILE || undefined };
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return undefined;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function boolFromEnv(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return undefined;
  }
  if (raw === 'true' || raw === 'false') {
    return raw === 'true';
  }
  throw new Error(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

function foreignLabStatusFromEnv(env: NodeJS.ProcessEnv): ForeignLabStatus | undefined {
  const raw = env.SIM_FOREIGN_LAB_STATUS;
  if (raw === undefined || raw === '') {
    return undefined;
  }
  if (raw === '404' || raw === '403') {
    return Number(raw) as ForeignLabStatus;
  }
  throw new Error(`SIM_FOREIGN_LAB_STATUS must be 404 or 403, got ${JSON.stringify(raw)}`);
}
