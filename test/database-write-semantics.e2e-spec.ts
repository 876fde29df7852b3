/**
 * The API decides at start, once, which write path it takes (DatabaseWriteSemantics: the server's `buildInfo` and
 * MONGODB_CONDITIONAL_WRITES), says so in one log line, and refuses an unsafe setting before it serves anything.
 */
import { INestApplication, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DatabaseWriteSemantics } from '@app/common';
import { ReconcileLeaseRepository } from '@app/labs';
import { WorkerWriteLock } from '@app/labs/application/worker-write-lock';
import { createApiApp } from '../apps/api/src/create-api-app';
import { testAppConfig } from './support/api-harness';
import { Child, freePort } from './support/child-app';
import { testDatabaseUri } from './support/test-database';
import { testDatabaseWriteSemantics } from './support/test-database-semantics';

const server = testDatabaseWriteSemantics();
const onFerretDb = server.ferretDbVersion !== null;

describe(`The write path the API takes on ${server.server} (e2e)`, () => {
  const running: INestApplication[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const config = testAppConfig({
      MONGODB_URI: testDatabaseUri('write_semantics'),
      SECRETS_KEY: randomBytes(32).toString('base64'),
      ...env,
    });
    const app = await createApiApp(config);
    running.push(app);
    await app.init();
    return app;
  };

  afterEach(async () => {
    jest.restoreAllMocks();
    for (const app of running.splice(0)) await app.close();
  });

  it('logs one line naming the server, its conditional writes and what follows from them', async () => {
    const log = jest.spyOn(Logger.prototype, 'log');
    const app = await start();
    expect(app.get(DatabaseWriteSemantics)).toEqual(server);
    const lines = log.mock.calls.map((args) => String(args[0])).filter((l) => l.startsWith('database '));
    expect(lines).toEqual([
      server.conditionalWrites === 'atomic'
        ? `database ${server.server}: conditional writes atomic (leases by conditional findOneAndUpdate, no write lock, replicas allowed)`
        : `database ${server.server}: conditional writes unique-insert-only (leases by epoch claims, per-worker write lock, one API instance)`,
    ]);
    const lease = app.get(ReconcileLeaseRepository).constructor.name;
    const lock = app.get(WorkerWriteLock).constructor.name;
    expect([lease, lock]).toEqual(
      server.conditionalWrites === 'atomic'
        ? ['AtomicReconcileLeaseRepository', 'UnserialisedWorkerWrites']
        : ['EpochClaimReconcileLeaseRepository', 'InProcessWorkerWriteLock'],
    );
  });

  it('MONGODB_CONDITIONAL_WRITES=unique-insert-only puts any server on the safe path, and says it was told', async () => {
    const log = jest.spyOn(Logger.prototype, 'log');
    const app = await start({ MONGODB_CONDITIONAL_WRITES: 'unique-insert-only' });
    expect(app.get(DatabaseWriteSemantics).conditionalWrites).toBe('unique-insert-only');
    expect(log.mock.calls.map((args) => String(args[0]))).toContain(
      `database ${server.server}: conditional writes unique-insert-only (MONGODB_CONDITIONAL_WRITES=unique-insert-only) (leases by epoch claims, per-worker write lock, one API instance)`,
    );
    expect(app.get(ReconcileLeaseRepository).constructor.name).toBe('EpochClaimReconcileLeaseRepository');
  });

  (onFerretDb ? it : it.skip)(
    `main.ts with MONGODB_CONDITIONAL_WRITES=atomic on FerretDB exits 1 with the refusal${onFerretDb ? '' : ` (skipped: ${server.server} is not FerretDB)`}`,
    async () => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const name of Object.keys(env))
        if (/^(AUTH_|CLOUDEVENTS_|K_SINK$|PORT$|OTEL_)/.test(name)) delete env[name];
      const child = new Child('apps/api/src/main.ts', {
        ...env,
        PORT: String(await freePort()),
        MONGODB_URI: testDatabaseUri('write_semantics_atomic'),
        SECRETS_KEY: randomBytes(32).toString('base64'),
        AUTH_DISABLED: 'true',
        LOG_LEVEL: 'info',
        MONGODB_CONDITIONAL_WRITES: 'atomic',
      });
      const timer = setTimeout(() => child.process.kill('SIGKILL'), 90_000);
      const code = await child.exited;
      clearTimeout(timer);
      expect({ code, output: child.output.slice(-3000) }).toMatchObject({ code: 1 });
      const lines = child.output.split('\n').filter((l) => l.includes('Refusing to start'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(
        `MONGODB_CONDITIONAL_WRITES=atomic, but the database is ${server.server}, which does not apply conditional updates atomically`,
      );
      // It never listened.
      expect(child.output).not.toMatch(/Nest application successfully started/);
    },
    120_000,
  );
});
