/**
 * An unsafe deployment is refused (issue 12, item 6). On FerretDB v1 conditional updates are not atomic under
 * concurrency, and Phase 1 and Phase 2 are serialised per process only (README, "FerretDB"): two live API
 * instances on one FerretDB database can corrupt the removal bookkeeping. So on FerretDB an instance claims the
 * database at start (a heartbeat document in `api_instance_claims`, claimed by a unique insert) and a second one
 * refuses to start, unless FERRETDB_ALLOW_MULTIPLE_INSTANCES=true accepts the risk (then it warns). On MongoDB
 * there is no such restriction.
 *
 * Also: the service writes with write concern `majority` and reads with read concern `majority`, and FerretDB
 * accepts both.
 */
import { INestApplication, Logger } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { CommandStartedEvent } from 'mongodb';
import mongoose, { Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createApiApp } from '../apps/api/src/create-api-app';
import { testAppConfig } from './support/api-harness';
import { testDatabaseUri } from './support/test-database';

const CLAIMS = 'api_instance_claims';

interface ClaimDoc {
  _id: string;
  epoch: number;
  holder: string;
  host: string;
  pid: number;
  startedAt: Date;
  heartbeatAt: Date;
  releasedAt: Date | null;
}

describe('One API instance per FerretDB database (e2e)', () => {
  const uri = testDatabaseUri('single_instance');
  const secretsKey = randomBytes(32).toString('base64');
  let db: Connection;
  let onFerretDb: boolean;
  const running: INestApplication[] = [];

  const build = (env: Record<string, string> = {}) =>
    createApiApp(testAppConfig({ MONGODB_URI: uri, SECRETS_KEY: secretsKey, ...env }));
  const start = async (env: Record<string, string> = {}) => {
    const app = await build(env);
    running.push(app);
    await app.init();
    return app;
  };
  const close = async (app: INestApplication) => {
    running.splice(running.indexOf(app), 1);
    await app.close();
  };
  const claims = () => db.collection<ClaimDoc>(CLAIMS);
  /** A claim as a crashed (or still running) instance on another host left it. */
  const foreignClaim = async (heartbeatAgoMs: number) => {
    const latest = await claims().find({}).sort({ epoch: -1 }).limit(1).next();
    const epoch = (latest?.epoch ?? 0) + 1;
    const heartbeatAt = new Date(Date.now() - heartbeatAgoMs);
    await claims().insertOne({
      _id: `api#${epoch}`,
      epoch,
      holder: 'other-host:4242:deadbeef',
      host: 'other-host',
      pid: 4242,
      startedAt: heartbeatAt,
      heartbeatAt,
      releasedAt: null,
    });
  };

  beforeAll(async () => {
    db = await mongoose.createConnection(uri).asPromise();
    const info = await db.db!.admin().command({ buildInfo: 1 });
    onFerretDb = typeof info.ferretdbVersion === 'string';
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    for (const app of running.splice(0)) await app.close();
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await db?.close();
  });

  it('a second instance on the same database refuses to start, naming FERRETDB_ALLOW_MULTIPLE_INSTANCES', async () => {
    const first = await start();
    const second = await build();
    try {
      if (!onFerretDb) {
        // MongoDB: conditional writes are atomic, replicas are safe.
        await second.init();
        return;
      }
      const refusal = await second.init().then(
        () => null,
        (error: Error) => error,
      );
      expect(refusal?.message).toMatch(
        /^Refusing to start: another API instance \(.+, last heartbeat \d+ s ago\)/,
      );
      expect(refusal?.message).toContain('is running on this FerretDB database');
      expect(refusal?.message).toContain('set FERRETDB_ALLOW_MULTIPLE_INSTANCES=true');
    } finally {
      await second.close();
    }
    // The first one is unaffected.
    await request(first.getHttpServer()).get('/api/workers').expect(200);
  });

  it('with FERRETDB_ALLOW_MULTIPLE_INSTANCES=true a second instance starts and warns', async () => {
    const first = await start();
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const second = await start({ FERRETDB_ALLOW_MULTIPLE_INSTANCES: 'true' });
    await request(first.getHttpServer()).get('/api/workers').expect(200);
    await request(second.getHttpServer()).get('/api/workers').expect(200);
    if (!onFerretDb) return;
    const warnings = warn.mock.calls.map((args) => args.map(String).join(' '));
    expect(warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/FERRETDB_ALLOW_MULTIPLE_INSTANCES=true/)]),
    );
  });

  it('after the first instance closed gracefully, a new one starts at once', async () => {
    const first = await start();
    await close(first);
    const started = Date.now();
    const next = await start();
    expect(Date.now() - started).toBeLessThan(5_000);
    await request(next.getHttpServer()).get('/api/workers').expect(200);
    if (!onFerretDb) return;
    const live = await claims().find({ releasedAt: null }).toArray();
    expect(live).toEqual([expect.objectContaining({ pid: process.pid })]);
  });

  it('a live claim of another host blocks; a stale one (a crashed instance) does not', async () => {
    if (!onFerretDb) return;
    await foreignClaim(1_000);
    const blocked = await build();
    await expect(blocked.init()).rejects.toThrow(/other-host:4242/);
    await blocked.close();

    await foreignClaim(5 * 60_000);
    const app = await start();
    await request(app.getHttpServer()).get('/api/workers').expect(200);
  });

  it('writes with write concern majority and reads with read concern majority, and FerretDB accepts them', async () => {
    const app = await start();
    const started: CommandStartedEvent[] = [];
    const client = app.get<Connection>(getConnectionToken()).getClient();
    const listener = (event: CommandStartedEvent) => started.push(event);
    client.on('commandStarted', listener);
    try {
      const http = () => request(app.getHttpServer());
      await http()
        .post('/api/workers')
        .send({
          name: 'concerns',
          endpoint: 'https://127.0.0.9:9443',
          username: 'admin',
          password: 'admin-password',
          enabled: false,
        })
        .expect(201);
      await http().get('/api/workers').expect(200);
    } finally {
      client.off('commandStarted', listener);
    }
    const insert = started.find((e) => e.commandName === 'insert' && e.command.insert === 'workers');
    expect(insert?.command.writeConcern).toEqual({ w: 'majority' });
  });
});
