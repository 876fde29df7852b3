import { INestApplication } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { RunningCmlSimulator, startCmlSimulator } from '@app/cml-simulator';
import { createApiApp } from '../apps/api/src/create-api-app';
import { ApiHarness, registerSimulatorWorker, startApiHarness, testAppConfig } from './support/api-harness';
import { testDatabaseUri } from './support/test-database';
import { TestSink, waitFor } from './support/test-sink';

type Http = () => ReturnType<typeof request>;

interface Job {
  id: string;
  kind: string;
  status: 'running' | 'succeeded' | 'failed';
  total: number;
  done: number;
  failed: { workerId: string; labId: string; status: number; detail: string }[];
}

/** Polls the job until it has ended; every answer seen on the way is kept. */
async function pollJob(http: Http, jobId: string, seen: Job[] = [], timeoutMs = 20_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const job = (await http().get(`/api/jobs/${jobId}`).expect(200)).body as Job;
    seen.push(job);
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 40));
  }
  throw new Error(`job ${jobId} did not end`);
}

function labDeletedEvents(sink: TestSink) {
  return sink.delivered
    .filter((r) => String(r.headers['ce-type']).endsWith('.lab.deleted.v1'))
    .map((r) => JSON.parse(r.body) as { labId: string; workerId: string; deletedBy: string });
}

describe('Bulk delete (e2e, HTTPS simulator, FerretDB)', () => {
  let h: ApiHarness;
  let second: RunningCmlSimulator;
  const sink = new TestSink();
  let w1: string;
  let w2: string;
  const ids = { classW1: [] as string[], startedW1: '', otherW1: [] as string[], classW2: [] as string[] };

  beforeAll(async () => {
    await sink.start();
    h = await startApiHarness('bulk_delete_e2e', {
      CLOUDEVENTS_SINK_URL: sink.url,
      BULK_DELETE_CONCURRENCY_PER_WORKER: '2',
    });
    second = await startCmlSimulator();
    w1 = await h.registerSimulatorWorker('sim-1');
    w2 = await registerSimulatorWorker(h.http, second, 'sim-2');
    ids.classW1 = h.simulator.state.seedLabs({ count: 5, titlePrefix: 'CCNA class' });
    ids.startedW1 = h.simulator.state.seedLabs({ count: 1, titlePrefix: 'CCNA class', state: 'STARTED' })[0];
    ids.otherW1 = h.simulator.state.seedLabs({ count: 2, titlePrefix: 'Other' });
    ids.classW2 = second.state.seedLabs({ count: 4, titlePrefix: 'CCNA class' });
    await h.http().post(`/api/workers/${w1}/labs/refresh`).expect(200);
    await h.http().post(`/api/workers/${w2}/labs/refresh`).expect(200);
  });
  afterAll(async () => {
    await h.close();
    await second.close();
    await sink.stop();
  });

  const everything = async () => {
    const collections = ['lab_records', 'jobs'];
    return Object.fromEntries(
      await Promise.all(
        collections.map(async (c) => [c, await h.db.collection(c).find().sort({ _id: 1 }).toArray()]),
      ),
    ) as Record<string, unknown[]>;
  };

  it('refuses bad input with 400 problem+json and changes nothing', async () => {
    const before = await everything();
    const bad: unknown[] = [
      {},
      { filter: {} },
      { filter: { owner: undefined } },
      { filter: { workerIds: ['not-a-uuid'] } },
      { filter: { workerIds: [] } },
      { filter: { state: 'RUNNING' } },
      { filter: { createdBefore: 'yesterday' } },
      { filter: { createdBefore: '2026-02-30T00:00:00Z' } },
      { filter: { titlePrefix: 'CCNA' }, extra: true },
      { filter: { titlePrefix: 'CCNA', title: 'x' } },
      { filter: { titlePrefix: 'CCNA' }, force: 'yes' },
      { filter: { titlePrefix: 'CCNA' }, dryRun: 1 },
      { filter: 'CCNA' },
    ];
    for (const body of bad) {
      const res = await h
        .http()
        .post('/api/labs/bulk-delete')
        .send(body as object);
      expect([res.status, res.type, body]).toEqual([400, 'application/problem+json', body]);
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    const empty = await h.http().post('/api/labs/bulk-delete').send({ filter: {} });
    expect(empty.body.errors).toEqual([
      {
        field: 'filter',
        message: 'needs at least one of workerIds, owner, titlePrefix, state, createdBefore',
      },
    ]);
    const unknownWorker = await h
      .http()
      .post('/api/labs/bulk-delete')
      .send({ filter: { workerIds: ['00000000-0000-4000-8000-000000000000'] }, dryRun: true });
    expect([unknownWorker.status, unknownWorker.type]).toEqual([404, 'application/problem+json']);
    const badJob = await h.http().get('/api/jobs/not-a-uuid');
    expect([badJob.status, badJob.type]).toEqual([400, 'application/problem+json']);
    const noJob = await h.http().get('/api/jobs/00000000-0000-4000-8000-000000000000');
    expect([noJob.status, noJob.type, noJob.body.title]).toEqual([
      404,
      'application/problem+json',
      'Not Found',
    ]);
    expect(await everything()).toEqual(before);
  });

  it('a dry run lists exactly the matching labs of both workers and changes nothing', async () => {
    const before = await everything();
    const requests = h.simulator.state.stats().total + second.state.stats().total;
    const res = await h
      .http()
      .post('/api/labs/bulk-delete')
      .send({ filter: { titlePrefix: 'CCNA class' }, dryRun: true })
      .expect(200);
    const expected = [
      ...[...ids.classW1, ids.startedW1].map((labId) => [w1, labId]),
      ...ids.classW2.map((labId) => [w2, labId]),
    ];
    expect(res.body.total).toBe(10);
    expect(
      res.body.items.map((i: { workerId: string; labId: string }) => [i.workerId, i.labId]).sort(),
    ).toEqual(expected.sort());
    expect(res.body.items.find((i: { labId: string }) => i.labId === ids.startedW1)).toMatchObject({
      state: 'STARTED',
      title: expect.stringMatching(/^CCNA class/),
      owner: expect.any(String),
    });
    const narrowed = await h
      .http()
      .post('/api/labs/bulk-delete')
      .send({
        filter: { titlePrefix: 'CCNA class', workerIds: [w2], state: 'DEFINED_ON_CORE' },
        dryRun: true,
      })
      .expect(200);
    expect(narrowed.body.total).toBe(4);
    // From the local inventory: CML is not asked, and nothing is written.
    expect(h.simulator.state.stats().total + second.state.stats().total).toBe(requests);
    expect(await everything()).toEqual(before);
  });

  it('a job deletes every selected lab through Phase 1, 2 at a time per worker, one lab.deleted each, and reports the running lab', async () => {
    // Slow deletes, so that the deletes of one worker overlap as much as the limit lets them.
    for (const sim of [h.simulator, second]) {
      sim.state.addFault({ route: 'labs.delete', kind: 'latency', latencyMs: 200 });
      sim.state.resetStats();
    }
    const res = await h
      .http()
      .post('/api/labs/bulk-delete')
      .send({ filter: { titlePrefix: 'CCNA class' } })
      .expect(202);
    expect(Object.keys(res.body)).toEqual(['jobId']);
    const seen: Job[] = [];
    const job = await pollJob(h.http, res.body.jobId, seen);

    expect(job).toEqual({
      id: res.body.jobId,
      kind: 'bulk-delete',
      status: 'failed',
      total: 10,
      done: 10,
      failed: [
        { workerId: w1, labId: ids.startedW1, status: 409, detail: expect.stringMatching(/is STARTED/) },
      ],
    });
    // Progress was visible while it ran.
    expect(seen.some((j) => j.status === 'running' && j.done > 0 && j.done < 10)).toBe(true);
    // Per worker at most 2 DELETEs were in flight at once, and 2 were.
    expect(h.simulator.state.peakInFlight()['labs.delete']).toBe(2);
    expect(second.state.peakInFlight()['labs.delete']).toBe(2);
    expect(h.simulator.state.stats().requests['labs.delete']).toBe(5);
    expect(second.state.stats().requests['labs.delete']).toBe(4);

    const left1 = h.simulator.state
      .listLabs()
      .map((l) => l.id)
      .sort();
    expect(left1).toEqual([ids.startedW1, ...ids.otherW1].sort());
    expect(second.state.listLabs()).toEqual([]);
    const deleted = [...ids.classW1.map((l) => [w1, l]), ...ids.classW2.map((l) => [w2, l])];
    await waitFor(() => labDeletedEvents(sink).length >= 9, 10_000, 'nine lab.deleted events');
    const events = labDeletedEvents(sink);
    expect(events.map((e) => [e.workerId, e.labId]).sort()).toEqual(deleted.sort());
    expect(events.every((e) => e.deletedBy === 'anonymous')).toBe(true);
    const live = await h.http().get(`/api/workers/${w1}/labs`).expect(200);
    expect(live.body.items.map((l: { labId: string }) => l.labId).sort()).toEqual(
      [ids.startedW1, ...ids.otherW1].sort(),
    );
    for (const sim of [h.simulator, second]) sim.state.clearFaults();
  });
});

describe('Bulk delete: force needs admin (e2e)', () => {
  const SECRET = 'bulk-delete-e2e-secret-that-is-long-enough';
  const token = (roles: string[]) =>
    jwt.sign({ sub: 'someone', roles }, SECRET, {
      algorithm: 'HS256',
      expiresIn: 300,
      issuer: 'https://idp.test',
      audience: 'cml-labs',
    });
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness('bulk_delete_auth_e2e', {
      AUTH_DISABLED: 'false',
      AUTH_JWT_SECRET: SECRET,
      AUTH_ISSUER: 'https://idp.test',
      AUTH_AUDIENCE: 'cml-labs',
      AUTH_ROLES_CLAIM: 'roles',
    });
  });
  afterAll(() => h.close());

  it('a viewer may not bulk delete; an operator may, but not with force (403 before anything is done); an admin may', async () => {
    const body = { filter: { titlePrefix: 'x' }, force: true, dryRun: true };
    const post = (roles: string[], b: object) =>
      h
        .http()
        .post('/api/labs/bulk-delete')
        .set('Authorization', `Bearer ${token(roles)}`)
        .send(b);
    expect((await post(['viewer'], { ...body, force: false })).status).toBe(403);
    const forced = await post(['operator'], body);
    expect([forced.status, forced.type, forced.body.detail]).toEqual([
      403,
      'application/problem+json',
      'A forced bulk delete (force: true) needs the admin role',
    ]);
    const real = await post(['operator'], { filter: { titlePrefix: 'x' }, force: true });
    expect(real.status).toBe(403);
    expect(await h.db.collection('jobs').countDocuments()).toBe(0);
    expect((await post(['operator'], { ...body, force: false })).status).toBe(200);
    expect((await post(['admin'], body)).body).toEqual({ items: [], total: 0 });
    const job = await post(['admin'], { filter: { titlePrefix: 'x' }, force: true }).expect(202);
    const read = await h
      .http()
      .get(`/api/jobs/${job.body.jobId}`)
      .set('Authorization', `Bearer ${token(['viewer'])}`);
    expect(read.body).toMatchObject({ status: 'succeeded', total: 0 });
  });
});

describe('Bulk delete: a job interrupted by a shutdown resumes in the next process (e2e)', () => {
  let simulator: RunningCmlSimulator;
  const apps: INestApplication[] = [];
  const uri = testDatabaseUri('bulk_delete_resume_e2e');
  const env = {
    MONGODB_URI: uri,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    BULK_DELETE_CONCURRENCY_PER_WORKER: '1',
    BULK_DELETE_JOB_LEASE_MS: '2000',
  };
  const start = async () => {
    const app = await createApiApp(testAppConfig(env));
    await app.init();
    apps.push(app);
    return { app, http: () => request(app.getHttpServer()) };
  };
  beforeAll(async () => {
    simulator = await startCmlSimulator();
  });
  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    const db = await mongoose.createConnection(uri).asPromise();
    await db.dropDatabase();
    await db.close();
    await simulator.close();
  });

  it('deletes the labs left when the first process stopped, each once', async () => {
    const first = await start();
    const w = await registerSimulatorWorker(first.http, simulator, 'sim');
    const labIds = simulator.state.seedLabs({ count: 4, titlePrefix: 'Resume' });
    await first.http().post(`/api/workers/${w}/labs/refresh`).expect(200);
    simulator.state.addFault({ route: 'labs.delete', kind: 'latency', latencyMs: 300 });
    const { jobId } = (
      await first
        .http()
        .post('/api/labs/bulk-delete')
        .send({ filter: { titlePrefix: 'Resume' } })
        .expect(202)
    ).body as { jobId: string };
    await waitFor(
      async () => ((await first.http().get(`/api/jobs/${jobId}`)).body as Job).done >= 1,
      10_000,
      'the first delete',
    );
    // A graceful stop: the delete in flight ends and is written, no other starts, the lease is given back.
    await first.app.close();
    const leftAfterStop = simulator.state.listLabs().length;
    expect(leftAfterStop).toBeGreaterThan(0);

    const second = await start();
    const job = await pollJob(second.http, jobId);
    expect(job).toMatchObject({ status: 'succeeded', total: 4, done: 4, failed: [] });
    expect(simulator.state.listLabs()).toEqual([]);
    // Each lab was deleted in CML exactly once across both processes.
    expect(simulator.state.stats().requests['labs.delete']).toBe(labIds.length);
  });
});
