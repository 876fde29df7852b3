/**
 * The database going away under a running service (contract: "When the database is unreachable").
 *
 * This file starts its own FerretDB (not the shared one of test/global-setup.ts) on a fixed port and data dir, so
 * that it can stop it under the running app and start it again on the same port and data dir. The app is built as
 * production builds it (createApiApp), with bearer-JWT auth on, and the in-process CML simulator as its worker.
 *
 * 1. Phase 1 with the database going away after the worker was read: a `latency` fault on the simulator's
 *    `labs.delete` holds the request inside CML while FerretDB is killed; the CML half succeeds, the local write
 *    cannot, and the answer is still 200 with `localRecordRemoved: false`.
 * 2. While it is down, every /api route (checked against the OpenAPI document, so a new route needs a case here)
 *    answers 503 problem+json `.../database-unavailable` with Retry-After, within MAX_503_MS. Twice: right after
 *    the loss (the driver still knows the server: connections are refused at once) and once the driver's
 *    heartbeat has given the server up (every request then waits for server selection: the bound that matters).
 *    /health/ready is 503 (within the same bound), /health/live 200; a request without a token still gets 401;
 *    the scheduled jobs' ticks log and carry on.
 * 3. FerretDB starts again: readiness and the same requests succeed, with no restart of the app, and what was
 *    written before the outage is still there (the record of step 1's lab too, left for Phase 2).
 */
import { INestApplication } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { RunningCmlSimulator, startCmlSimulator } from '@app/cml-simulator';
import { EmbeddedFerretDb, findRepoRoot, killOrphanedFerretDb, startEmbeddedFerretDb } from '@app/dev-infra';
import { LabsRefreshJob, OutboxRelayJob, ReconciliationRunner } from '@app/labs';
import { createApiApp } from '../apps/api/src/create-api-app';
import { testAppConfig } from './support/api-harness';
import { testDatabaseName, withDatabaseName } from './support/test-database';
import { TestSink, waitFor } from './support/test-sink';
import { freePort } from './support/child-app';

/** The contract's "bounded wait": a request against a database that is down answers within this. */
const MAX_503_MS = 5_000;
/** How long the simulator holds the Phase 1 delete inside CML while FerretDB is stopped. */
const CML_DELETE_LATENCY_MS = 1_500;
/** The driver's heartbeat (heartbeatFrequencyMS, 10 s by default) is what gives a silent server up. */
const DRIVER_GIVES_UP_WITHIN_MS = 15_000;
const SECRET = 'outage-test-secret-long-enough-for-hs256';
const ISSUER = 'https://idp.test';
const AUDIENCE = 'cml-labs';
const PROBLEM_TYPE = /\/database-unavailable$/;

type Method = 'get' | 'post' | 'patch' | 'delete';
interface RouteCase {
  /** `METHOD /path/{param}` as the OpenAPI document names it. */
  route: string;
  method: Method;
  url: () => string;
  body?: () => object;
  /** The answer once the database is back. */
  ok: number;
}

describe('Database outage: 503 while FerretDB is down, recovery without a restart (e2e, own FerretDB)', () => {
  const repoRoot = findRepoRoot(__dirname);
  const dataDir = path.join(repoRoot, '.data', `outage-e2e-${process.pid}`);
  const dbName = testDatabaseName('outage_e2e');
  const admin = jwt.sign({ sub: 'ada', roles: ['admin'] }, SECRET, {
    algorithm: 'HS256',
    expiresIn: 600,
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  const sink = new TestSink();

  let port: number;
  let ferretDb: EmbeddedFerretDb | null = null;
  let app: INestApplication;
  let simulator: RunningCmlSimulator;
  let workerId: string;
  let spareWorkerId: string;
  let labToRead: string;
  let labToDelete: string;
  let labDeletedDuringOutage: string;
  let reconciliationId: string;
  let jobId: string;
  let deadEventId: string;
  let labsBefore: string[];

  const http = () => request(app.getHttpServer());
  const api = (method: Method, url: string, body?: object) => {
    const req = http()[method](url).set('Authorization', `Bearer ${admin}`);
    return body === undefined ? req : req.send(body);
  };
  const simHas = (labId: string) => simulator.state.listLabs().some((l) => l.id === labId);
  const startFerretDb = async () => {
    ferretDb = await startEmbeddedFerretDb({ dataDir, port, repoRoot });
  };
  const stopFerretDb = async () => {
    await ferretDb?.stop();
    ferretDb = null;
  };
  /** SIGKILL, as a crash: FerretDB's graceful stop takes ~3 s, longer than the window Phase 1 needs. */
  const crashFerretDb = async () => {
    const stopped = ferretDb!.stop(); // marks the exit as expected, sends SIGTERM
    killOrphanedFerretDb(dataDir); // SIGKILL through the pid file in the data dir
    await stopped;
    ferretDb = null;
  };

  // Every /api route with ids and bodies that are valid once the database is back (checked against the
  // OpenAPI document below). While the database is down, each must answer 503.
  const cases: RouteCase[] = [
    { route: 'GET /api/workers', method: 'get', url: () => '/api/workers?limit=10', ok: 200 },
    {
      route: 'POST /api/workers',
      method: 'post',
      url: () => '/api/workers',
      body: () => ({
        name: 'registered-after-outage',
        endpoint: 'https://127.0.0.3:9443',
        username: 'admin',
        password: 'admin-password',
        enabled: false,
      }),
      ok: 201,
    },
    { route: 'GET /api/workers/{workerId}', method: 'get', url: () => `/api/workers/${workerId}`, ok: 200 },
    {
      route: 'PATCH /api/workers/{workerId}',
      method: 'patch',
      url: () => `/api/workers/${workerId}`,
      body: () => ({ reconcileMode: 'enforce' }),
      ok: 200,
    },
    {
      route: 'GET /api/workers/{workerId}/labs',
      method: 'get',
      url: () => `/api/workers/${workerId}/labs?limit=100`,
      ok: 200,
    },
    {
      route: 'GET /api/workers/{workerId}/labs/{labId}',
      method: 'get',
      url: () => `/api/workers/${workerId}/labs/${labToRead}`,
      ok: 200,
    },
    {
      route: 'GET /api/workers/{workerId}/orphans',
      method: 'get',
      url: () => `/api/workers/${workerId}/orphans`,
      ok: 200,
    },
    { route: 'GET /api/reconciliations', method: 'get', url: () => '/api/reconciliations', ok: 200 },
    {
      route: 'GET /api/reconciliations/{id}',
      method: 'get',
      url: () => `/api/reconciliations/${reconciliationId}`,
      ok: 200,
    },
    { route: 'GET /api/outbox', method: 'get', url: () => '/api/outbox?status=dead', ok: 200 },
    {
      route: 'POST /api/outbox/{eventId}/retry',
      method: 'post',
      url: () => `/api/outbox/${deadEventId}/retry`,
      ok: 202,
    },
    {
      route: 'DELETE /api/workers/{workerId}/labs/{labId}',
      method: 'delete',
      url: () => `/api/workers/${workerId}/labs/${labToDelete}`,
      ok: 200,
    },
    {
      route: 'POST /api/workers/{workerId}/labs/refresh',
      method: 'post',
      url: () => `/api/workers/${workerId}/labs/refresh`,
      ok: 200,
    },
    {
      route: 'POST /api/workers/{workerId}/orphans/approve',
      method: 'post',
      url: () => `/api/workers/${workerId}/orphans/approve`,
      body: () => ({}),
      ok: 200,
    },
    { route: 'POST /api/reconciliations', method: 'post', url: () => '/api/reconciliations', ok: 202 },
    {
      route: 'POST /api/labs/bulk-delete',
      method: 'post',
      url: () => '/api/labs/bulk-delete',
      body: () => ({ filter: { titlePrefix: 'no lab is called this' }, dryRun: true }),
      ok: 200,
    },
    { route: 'GET /api/jobs/{jobId}', method: 'get', url: () => `/api/jobs/${jobId}`, ok: 200 },
    {
      route: 'GET /api/notifications',
      method: 'get',
      url: () => '/api/notifications?status=dead',
      ok: 200,
    },
    {
      // No such notification (none are configured here): once the database is back, an honest 404.
      route: 'POST /api/notifications/{id}/retry',
      method: 'post',
      url: () => '/api/notifications/0123456789abcdef0123456789abcdef/retry',
      ok: 404,
    },
    {
      // A live record: restoring it changes nothing and answers 200 (CML has the lab).
      route: 'POST /api/workers/{workerId}/labs/{labId}/restore',
      method: 'post',
      url: () => `/api/workers/${workerId}/labs/${labToRead}/restore`,
      ok: 200,
    },
    {
      route: 'DELETE /api/workers/{workerId}',
      method: 'delete',
      url: () => `/api/workers/${spareWorkerId}`,
      ok: 204,
    },
  ];
  const send = (c: RouteCase) => api(c.method, c.url(), c.body?.());

  beforeAll(async () => {
    killOrphanedFerretDb(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    port = await freePort();
    await startFerretDb();
    await sink.start();
    sink.mode = 'error';
    simulator = await startCmlSimulator();
    const config = testAppConfig({
      MONGODB_URI: withDatabaseName(ferretDb!.uri, dbName),
      SECRETS_KEY: randomBytes(32).toString('base64'),
      AUTH_DISABLED: 'false',
      AUTH_JWT_SECRET: SECRET,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_ROLES_CLAIM: 'roles',
      CLOUDEVENTS_SINK_URL: sink.url,
      OUTBOX_MAX_ATTEMPTS: '1',
      // The relay keeps sweeping (and failing) while the database is down.
      OUTBOX_RELAY_INTERVAL_MS: '300',
    });
    app = await createApiApp(config);
    await app.init();

    workerId = (
      await api('post', '/api/workers', {
        name: 'sim',
        endpoint: simulator.url,
        username: 'admin',
        password: 'admin-password',
        caCertPem: simulator.caCertPem,
      }).expect(201)
    ).body.id;
    spareWorkerId = (
      await api('post', '/api/workers', {
        name: 'spare',
        endpoint: 'https://127.0.0.2:9443',
        username: 'admin',
        password: 'admin-password',
        enabled: false,
      }).expect(201)
    ).body.id;
    const [read, del, deletedDuringOutage, deadLetter] = simulator.state.seedLabs({ count: 8 });
    labToRead = read;
    labToDelete = del;
    labDeletedDuringOutage = deletedDuringOutage;
    await api('post', `/api/workers/${workerId}/labs/refresh`).expect(200);
    // A removal event that is dead (the sink fails, one attempt) so that its retry has something to replay.
    await api('delete', `/api/workers/${workerId}/labs/${deadLetter}`).expect(200);
    await waitFor(
      async () => (await api('get', '/api/outbox?status=dead')).body.items?.length > 0,
      10_000,
      'a dead outbox event',
    );
    deadEventId = (await api('get', '/api/outbox?status=dead')).body.items[0].eventId;
    reconciliationId = (await api('post', '/api/reconciliations').expect(202)).body.reconciliationId;
    jobId = (
      await api('post', '/api/labs/bulk-delete', { filter: { titlePrefix: 'no lab is called this' } }).expect(
        202,
      )
    ).body.jobId;
    await app.get(ReconciliationRunner).whenIdle();
    labsBefore = (await api('get', `/api/workers/${workerId}/labs?limit=100`).expect(200)).body.items
      .map((l: { labId: string }) => l.labId)
      .sort();
    expect(labsBefore).toHaveLength(7);
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await stopFerretDb();
    await simulator?.close();
    await sink.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('has a case for every /api route the OpenAPI document lists', async () => {
    const doc = (await http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .filter((r) => / \/api\//.test(r))
      .sort();
    expect(cases.map((c) => c.route).sort()).toEqual(documented);
  });

  it('Phase 1: CML deleted the lab, then the database went away: 200 with localRecordRemoved false', async () => {
    simulator.state.addFault({
      route: 'labs.delete',
      kind: 'latency',
      latencyMs: CML_DELETE_LATENCY_MS,
      labId: labDeletedDuringOutage,
    });
    const answer = api('delete', `/api/workers/${workerId}/labs/${labDeletedDuringOutage}`).then((r) => r);
    // The worker and the lab were read (database up), and CML is holding the delete: kill the database now.
    await waitFor(
      () => simulator.state.listFaults().some((f) => f.labId === labDeletedDuringOutage && f.applied > 0),
      10_000,
      'the CML delete to start',
    );
    const stopStarted = Date.now();
    await crashFerretDb();
    const stopMs = Date.now() - stopStarted;
    expect(stopMs).toBeLessThan(CML_DELETE_LATENCY_MS / 2); // else the local write could have run before it

    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      workerId,
      labId: labDeletedDuringOutage,
      message: 'Lab deleted successfully',
      alreadyAbsentInCml: false,
      localRecordRemoved: false,
    });
    expect(simHas(labDeletedDuringOutage)).toBe(false);
    simulator.state.clearFaults();
  }, 30_000);

  /** Every /api route, and readiness, in parallel: each must answer within MAX_503_MS. */
  async function expectAllUnavailable(): Promise<void> {
    const timed = async <T>(what: string, work: () => PromiseLike<T>) => {
      const started = Date.now();
      const res = await work();
      return { what, res, ms: Date.now() - started };
    };
    const [ready, live, ...results] = await Promise.all([
      timed('/health/ready', () => http().get('/health/ready')),
      timed('/health/live', () => http().get('/health/live')),
      ...cases.map((c) => timed(c.route, () => send(c))),
    ]);
    const statuses = results.map(({ what, res, ms }) => `${res.status} ${what} (${ms} ms)`);
    expect(statuses).toEqual(cases.map((c) => expect.stringMatching(`^503 ${escapeRegExp(c.route)} `)));
    expect({ ready: ready.res.status, live: live.res.status }).toEqual({ ready: 503, live: 200 });
    const slow = [ready, ...results].filter((r) => r.ms >= MAX_503_MS);
    expect(slow.map((r) => `${r.what}: ${r.ms} ms`)).toEqual([]);
    results.forEach(({ res }, i) => {
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.body).toEqual({
        type: expect.stringMatching(PROBLEM_TYPE),
        title: expect.any(String),
        status: 503,
        detail: expect.any(String),
        instance: cases[i].url(),
      });
    });
    // The lab DELETE of the batch stopped at the worker read: nothing happened in CML.
    expect(simHas(labToDelete)).toBe(true);
  }

  it('right after the database went away: every /api route and readiness answer 503, quickly', async () => {
    expect(ferretDb).toBeNull();
    await expectAllUnavailable();
  }, 30_000);

  it('once the driver has given the server up: still 503 everywhere, within the bound', async () => {
    const connection = app.get<Connection>(getConnectionToken());
    await waitFor(() => connection.readyState !== 1, DRIVER_GIVES_UP_WITHIN_MS, 'the driver to give up');
    await expectAllUnavailable();
  }, 30_000);

  it('while the database is down: auth still decides first, and the scheduled jobs carry on', async () => {
    const [anonymous] = await Promise.all([
      http().get('/api/workers'),
      // They fail their database calls and return (they log): no throw, no crash. (An unhandled rejection
      // anywhere in the app would fail the running test: jest reports it as the test's error.)
      app.get(LabsRefreshJob).tick(),
      app.get(OutboxRelayJob).tick(),
    ]);
    expect(anonymous.status).toBe(401);
  }, 30_000);

  it('once the database is back (same port and data dir): ready again, every route works, data kept', async () => {
    await startFerretDb();
    const back = Date.now();
    await waitFor(async () => (await http().get('/health/ready')).status === 200, 15_000, 'readiness');
    const readyAfterMs = Date.now() - back;
    expect(readyAfterMs).toBeLessThan(MAX_503_MS);

    // Written before the outage, still there.
    const labsNow = (await api('get', `/api/workers/${workerId}/labs?limit=100`).expect(200)).body.items
      .map((l: { labId: string }) => l.labId)
      .sort();
    // The Phase 1 delete's local half did not happen: its record is still listed until Phase 2 removes it.
    expect(labsNow).toEqual(labsBefore);
    expect((await api('get', `/api/outbox?status=dead`).expect(200)).body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ eventId: deadEventId })]),
    );

    for (const c of cases) {
      const res = await send(c);
      expect({ route: c.route, status: res.status }).toEqual({ route: c.route, status: c.ok });
    }
    await api('get', `/api/workers/${workerId}/labs/${labToDelete}`).expect(404);
    await app.get(ReconciliationRunner).whenIdle();
  }, 30_000);
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
