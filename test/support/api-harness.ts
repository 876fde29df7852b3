import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import mongoose, { Connection } from 'mongoose';
import request from 'supertest';
import { AppConfig, loadAppConfig } from '@app/common';
import { RunningCmlSimulator, startCmlSimulator } from '@app/cml-simulator';
import { loadTelemetryConfig, TracingOptions } from '@app/telemetry';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { testDatabaseUri } from './test-database';

export interface ApiHarness {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  simulator: RunningCmlSimulator;
  /** A direct connection to the test database, to look at what the service wrote. */
  db: Connection;
  /** Registers the simulator as a worker and returns its id. */
  registerSimulatorWorker(name?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The whole service as production builds it, on its own FerretDB database, talking to an
 * in-process CML simulator over real HTTPS with TLS verification on.
 */
/**
 * The configuration every test app starts from: no auth, silent logs, no timer, short CML
 * timeouts, and loopback allowed (the simulator listens on 127.0.0.1, which the endpoint guard
 * blocks by default). `env` must name MONGODB_URI and SECRETS_KEY.
 */
export function testAppConfig(env: Record<string, string>): AppConfig {
  return loadAppConfig({
    AUTH_DISABLED: 'true',
    LOG_LEVEL: 'silent',
    LABS_REFRESH_INTERVAL: '0',
    CML_TIMEOUT_MS: '2000',
    CML_ALLOW_PRIVATE_ENDPOINTS: '127.0.0.0/8,::1/128',
    ...env,
  });
}

/** Registers a simulator as a worker through the API, trusting its certificate; returns the worker id. */
export async function registerSimulatorWorker(
  http: () => ReturnType<typeof request>,
  simulator: RunningCmlSimulator,
  name = 'sim',
): Promise<string> {
  const res = await http()
    .post('/api/workers')
    .send({
      name,
      endpoint: simulator.url,
      username: 'admin',
      password: 'admin-password',
      caCertPem: simulator.caCertPem,
    })
    .expect(201);
  return res.body.id as string;
}

/**
 * @param env also the OpenTelemetry variables (OTEL_EXPORTER_OTLP_ENDPOINT, ...): tracing is off unless
 *   they, or `tracing.exporter`, turn it on; the test process's own environment is not read.
 */
export async function startApiHarness(
  label: string,
  env: Record<string, string> = {},
  simulatorOptions: Parameters<typeof startCmlSimulator>[0] = {},
  tracing: TracingOptions = {},
): Promise<ApiHarness> {
  const uri = testDatabaseUri(label);
  const simulator = await startCmlSimulator(simulatorOptions);
  const config = testAppConfig({ MONGODB_URI: uri, SECRETS_KEY: randomBytes(32).toString('base64'), ...env });
  const app = await createApiApp(config, undefined, undefined, {
    tracing: { config: loadTelemetryConfig('cml-labs-api', env), ...tracing },
  });
  await app.init();
  const db = await mongoose.createConnection(uri).asPromise();
  const server = app.getHttpServer();
  return {
    app,
    simulator,
    db,
    http: () => request(server),
    registerSimulatorWorker: (name = 'sim') =>
      registerSimulatorWorker(() => request(server), simulator, name),
    async close() {
      await app.close();
      await db.dropDatabase().catch(() => undefined);
      await db.close();
      await simulator.close();
    },
  };
}
