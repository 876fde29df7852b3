import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import mongoose, { Connection } from 'mongoose';
import request from 'supertest';
import { RunningCmlSimulator, startCmlSimulator } from '@app/cml-simulator';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { registerSimulatorWorker, testAppConfig } from './api-harness';
import { testDatabaseUri } from './test-database';

export interface ServiceInstance {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

/** One more instance of the service on a given database and secrets key (a second replica). */
export async function startServiceInstance(
  mongodbUri: string,
  secretsKey: string,
  env: Record<string, string> = {},
): Promise<ServiceInstance> {
  const config = testAppConfig({ MONGODB_URI: mongodbUri, SECRETS_KEY: secretsKey, ...env });
  const app = await createApiApp(config);
  await app.init();
  const server = app.getHttpServer();
  return { app, http: () => request(server), close: () => app.close() };
}

export interface TwoInstanceHarness {
  a: ServiceInstance;
  b: ServiceInstance;
  simulator: RunningCmlSimulator;
  db: Connection;
  registerSimulatorWorker(name?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Two replicas of the service on one FerretDB database and one secrets key, one CML simulator. On FerretDB the
 * second would refuse to start (apps/api/src/deployment): these tests mean two replicas, so both accept it.
 */
export async function startTwoInstances(
  label: string,
  env: Record<string, string> = {},
): Promise<TwoInstanceHarness> {
  const uri = testDatabaseUri(label);
  const key = randomBytes(32).toString('base64');
  const simulator = await startCmlSimulator({});
  const replicaEnv = { FERRETDB_ALLOW_MULTIPLE_INSTANCES: 'true', ...env };
  const a = await startServiceInstance(uri, key, replicaEnv);
  const b = await startServiceInstance(uri, key, replicaEnv);
  const db = await mongoose.createConnection(uri).asPromise();
  return {
    a,
    b,
    simulator,
    db,
    registerSimulatorWorker: (name = 'sim') => registerSimulatorWorker(a.http, simulator, name),
    async close() {
      await a.close();
      await b.close();
      await db.dropDatabase().catch(() => undefined);
      await db.close();
      await simulator.close();
    },
  };
}
