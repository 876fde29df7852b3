/**
 * A database that accepts connections but never answers (issue 12, item 5a): every database operation has a
 * bound (DB_OPERATION_TIMEOUT_MS), so neither a request nor the reconciliation runner waits for it forever.
 *
 * This file starts its own FerretDB (as test/database-outage.e2e-spec.ts does) and pauses it with SIGSTOP under
 * the running app: the kernel still completes TCP handshakes on its port, but nothing reads or answers, which is
 * what a hung server, a stuck proxy or a half-open connection looks like from the driver.
 *
 * 1. A plain API request while it is paused answers 503 problem+json `.../database-unavailable` within the bound.
 * 2. A reconciliation run caught by the pause (held inside CML by a latency fault, so that its next database call
 *    meets the paused server) ends as failed within the bound, and the runner is no longer busy, so the next
 *    scheduled tick is not skipped.
 * 3. After SIGCONT the next run succeeds, with no restart of the app.
 */
import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { CommandFailedEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { RunningCmlSimulator, startCmlSimulator } from '@app/cml-simulator';
import { EmbeddedFerretDb, findRepoRoot, killOrphanedFerretDb, startEmbeddedFerretDb } from '@app/dev-infra';
import { ReconcileSummary, ReconciliationRunner, ReconciliationRunRepository } from '@app/labs';
import { createApiApp } from '../apps/api/src/create-api-app';
import { registerSimulatorWorker, testAppConfig } from './support/api-harness';
import { testDatabaseName, withDatabaseName } from './support/test-database';
import { waitFor } from './support/test-sink';
import { freePort } from './support/child-app';

/** DB_OPERATION_TIMEOUT_MS of the app under test: short, to keep the file fast. */
const OPERATION_TIMEOUT_MS = 1_000;
/**
 * A request: one database call that meets the paused server times out after OPERATION_TIMEOUT_MS, and the driver
 * retries a read or write once (retryReads/retryWrites), which can take as long again; then the answer is a 503.
 */
const REQUEST_BOUND_MS = 2 * OPERATION_TIMEOUT_MS + 1_500;
/**
 * A run: the database call it makes next (renewing its lease) meets the paused server and fails after
 * OPERATION_TIMEOUT_MS; then the failed run still releases its lease, records its summary and finishes, and each
 * of those fails too: after OPERATION_TIMEOUT_MS on an idle pooled connection, after up to three handshakes of
 * connectTimeoutMS (equal to OPERATION_TIMEOUT_MS here; driver 7 retries a failed handshake twice) on a new one,
 * and after serverSelectionTimeoutMS (3 s) once the driver's heartbeat (10 s) has given the server up.
 * Measured: 4.4 s with a warm pool, 12 s after the first test used it up. Before the fix: 24 s.
 */
const RUN_BOUND_MS = 15_000;
/** The call that meets the paused server fails this soon after it was sent (before the fix: 10 s and more). */
const CALL_BOUND_MS = OPERATION_TIMEOUT_MS + 500;
/** How long the simulator holds each lab's details, so that the run is inside CML when the database pauses. */
const CML_LATENCY_MS = 400;
const PROBLEM_TYPE = /\/database-unavailable$/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Database operations time out: FerretDB paused (SIGSTOP) under the running app (e2e, own FerretDB)', () => {
  const repoRoot = findRepoRoot(__dirname);
  const dataDir = path.join(repoRoot, '.data', `db-timeout-e2e-${process.pid}`);
  let ferretDb: EmbeddedFerretDb;
  let ferretDbPid: number;
  let paused = false;
  let app: INestApplication;
  let simulator: RunningCmlSimulator;
  let workerId: string;

  const http = () => request(app.getHttpServer());
  const pause = () => {
    process.kill(ferretDbPid, 'SIGSTOP');
    paused = true;
  };
  const resume = () => {
    if (!paused) return;
    process.kill(ferretDbPid, 'SIGCONT');
    paused = false;
  };
  const ready = () =>
    waitFor(
      async () => (await http().get('/health/ready')).status === 200,
      20_000,
      'readiness after SIGCONT',
    );

  beforeAll(async () => {
    killOrphanedFerretDb(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    ferretDb = await startEmbeddedFerretDb({ dataDir, port: await freePort(), repoRoot });
    // dev-infra writes the pid of the FerretDB serving a data dir into it.
    ferretDbPid = Number(readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8').trim());
    simulator = await startCmlSimulator();
    app = await createApiApp(
      testAppConfig({
        MONGODB_URI: withDatabaseName(ferretDb.uri, testDatabaseName('db_timeout')),
        SECRETS_KEY: randomBytes(32).toString('base64'),
        DB_OPERATION_TIMEOUT_MS: String(OPERATION_TIMEOUT_MS),
      }),
    );
    await app.init();
    workerId = await registerSimulatorWorker(http, simulator);
    simulator.state.seedLabs({ count: 4 });
    await http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
  }, 30_000);

  afterEach(async () => {
    // A failed expectation must not leave FerretDB stopped: nothing after it could reach it.
    if (paused) {
      resume();
      await ready();
    }
    simulator.state.clearFaults();
    jest.restoreAllMocks();
  }, 30_000);

  afterAll(async () => {
    resume();
    await app?.close();
    await ferretDb?.stop();
    await simulator?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('a plain API request while the database is paused answers 503 database-unavailable within the bound', async () => {
    pause();
    const timed = async (url: string) => {
      const started = Date.now();
      const res = await http().get(url);
      return { url, res, ms: Date.now() - started };
    };
    const results = await Promise.all([
      timed('/api/workers?limit=10'),
      timed(`/api/workers/${workerId}/labs?limit=10`),
    ]);
    for (const { url, res, ms } of results) {
      expect({ url, status: res.status }).toEqual({ url, status: 503 });
      expect(ms).toBeLessThan(REQUEST_BOUND_MS);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.body).toMatchObject({ type: expect.stringMatching(PROBLEM_TYPE), status: 503 });
    }
    resume();
    await ready();
    await http().get('/api/workers?limit=10').expect(200);
  }, 60_000);

  it('a run caught by the pause ends as failed within the bound, the runner is free, the next run succeeds', async () => {
    const runner = app.get(ReconciliationRunner);
    const summaries: ReconcileSummary[] = [];
    const history = app.get(ReconciliationRunRepository);
    const appendSummary = history.appendSummary.bind(history);
    jest.spyOn(history, 'appendSummary').mockImplementation((id, summary) => {
      summaries.push(summary);
      return appendSummary(id, summary);
    });

    // The list: every run asks for it (an unchanged lab's details are not read when its tile shows it unchanged).
    simulator.state.addFault({ route: 'labs.list', kind: 'latency', latencyMs: CML_LATENCY_MS });
    await http().post('/api/reconciliations').expect(202);
    await waitFor(
      () => simulator.state.listFaults().some((f) => f.applied > 0),
      10_000,
      'the run to be inside CML',
    );
    const failed: CommandFailedEvent[] = [];
    const client = app.get<Connection>(getConnectionToken()).getClient();
    const onFailed = (event: CommandFailedEvent) => failed.push(event);
    client.on('commandFailed', onFailed);
    pause();
    const started = Date.now();
    // Far longer than the bound, so that a run that still hangs shows up as a timing, not as a jest timeout.
    await Promise.race([runner.whenIdle(), sleep(RUN_BOUND_MS + 20_000)]);
    const ms = Date.now() - started;
    expect(runner.busy).toBe(false);
    expect(ms).toBeLessThan(RUN_BOUND_MS);
    client.off('commandFailed', onFailed);
    expect(summaries).toEqual([expect.objectContaining({ workerId, status: 'failed' })]);
    // What bounds it: the call caught by the pause gave up after DB_OPERATION_TIMEOUT_MS (socketTimeoutMS).
    expect(failed[0]).toMatchObject({
      failure: expect.objectContaining({ name: 'MongoNetworkTimeoutError' }),
    });
    expect(failed[0].duration).toBeLessThan(CALL_BOUND_MS);

    resume();
    await ready();
    simulator.state.clearFaults();
    const { reconciliationId } = (await http().post('/api/reconciliations').expect(202)).body;
    await runner.whenIdle();
    const run = (await http().get(`/api/reconciliations/${reconciliationId}`).expect(200)).body;
    expect(run.finishedAt).not.toBeNull();
    expect(run.workers).toEqual([expect.objectContaining({ workerId, status: 'succeeded' })]);
  }, 90_000);
});
