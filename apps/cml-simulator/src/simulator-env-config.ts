import { readFileSync } from 'node:fs';
import { CmlSimulatorOptions } from './cml-simulator-options';

/** Options of the standalone simulator plus where to write the certificate clients should trust. */
export interface SimulatorEnvConfig {
  options: CmlSimulatorOptions;
  caOutFile?: string;
}

const DEFAULT_STANDALONE_PORT = 9443;

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
  };
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
