import { EventBus } from '@nestjs/cqrs';
import { LabOrphanRemovedEvent } from '@app/labs';
import { ApiHarness, startApiHarness } from './support/api-harness';

type Call = (
  h: ApiHarness,
  ids: Ids,
) => Promise<{ status: number; headers: Record<string, string>; body: unknown }>;
interface Ids {
  workerId: string;
  labId: string;
  /** The worker that is not the simulator (`valid`): the target of the cases that would remove something. */
  baseWorkerId: string;
}

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const valid = {
  name: 'bad-input-base',
  endpoint: 'https://bad-input.example.com',
  username: 'u',
  password: 'p',
};

/** Every collection of the database, sorted, so that "nothing changed" is checked, not assumed. */
async function dump(h: ApiHarness): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const c of await h.db.db!.listCollections().toArray()) {
    // The instance claim's heartbeat moves on its own timer (every few seconds), whatever a request does:
    // a case that happens to span a beat changed nothing.
    const projection = c.name === 'api_instance_claims' ? { heartbeatAt: 0 } : {};
    out[c.name] = await h.db.collection(c.name).find({}, { projection }).sort({ _id: 1 }).toArray();
  }
  return out;
}

/** A valid create body with a name and endpoint of its own. */
const fresh = (name: string) => ({ ...valid, name, endpoint: `https://${name}.example.com` });

/** name, request, expected status, and for a 400 the field (parameter) its `errors` must name. */
const cases: [string, Call, number, string?][] = [
  // POST /api/workers
  ['create: no body', (h) => h.http().post('/api/workers'), 400],
  ['create: array body', (h) => h.http().post('/api/workers').send([valid]), 400],
  [
    'create: JSON string body',
    (h) => h.http().post('/api/workers').set('content-type', 'application/json').send('"hello"'),
    400,
  ],
  [
    'create: text/plain body',
    (h) => h.http().post('/api/workers').set('content-type', 'text/plain').send('name=x'),
    400,
  ],
  [
    'create: broken JSON',
    (h) => h.http().post('/api/workers').set('content-type', 'application/json').send('{"name": "x",'),
    400,
  ],
  [
    'create: name too long',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, name: 'n'.repeat(101) }),
    400,
  ],
  [
    'create: empty name',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, name: '' }),
    400,
  ],
  [
    'create: blank name',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, name: '   ' }),
    400,
  ],
  [
    'create: name is a number',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, name: 42 }),
    400,
  ],
  [
    'create: ftp endpoint',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, endpoint: 'ftp://cml.example.com' }),
    400,
  ],
  [
    'create: endpoint with query',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, endpoint: 'https://cml.example.com/?a=1' }),
    400,
  ],
  [
    'create: endpoint with fragment',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, endpoint: 'https://cml.example.com/#x' }),
    400,
  ],
  [
    'create: endpoint without host',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, endpoint: 'https://' }),
    400,
  ],
  [
    'create: endpoint too long',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, endpoint: `https://${'a'.repeat(2100)}.com` }),
    400,
  ],
  [
    'create: empty password',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, password: '' }),
    400,
  ],
  [
    'create: password is a number',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, password: 1234 }),
    400,
  ],
  [
    'create: username too long',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, username: 'u'.repeat(201) }),
    400,
  ],
  [
    'create: verifyTls is a string',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, verifyTls: 'false' }),
    400,
  ],
  [
    'create: caCertPem is a number',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, caCertPem: 7 }),
    400,
  ],
  [
    'create: enabled is "yes"',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, enabled: 'yes' }),
    400,
  ],
  [
    'create: unknown reconcileMode',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, reconcileMode: 'delete-all' }),
    400,
  ],
  [
    'create: unknown field',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, id: UNKNOWN }),
    400,
  ],
  [
    'create: __proto__ field',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .set('content-type', 'application/json')
        .send(
          `{"name":"p","endpoint":"https://p.example.com","username":"u","password":"p","__proto__":{"admin":true}}`,
        ),
    400,
  ],
  [
    'create: taken name',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, endpoint: 'https://other.example.com' }),
    409,
  ],
  [
    'create: taken endpoint',
    (h) =>
      h
        .http()
        .post('/api/workers')
        .send({ ...valid, name: 'other' }),
    409,
  ],
  // GET /api/workers
  ['list workers: negative limit', (h) => h.http().get('/api/workers?limit=-1'), 400],
  ['list workers: fractional limit', (h) => h.http().get('/api/workers?limit=1.5'), 400],
  ['list workers: huge cursor', (h) => h.http().get(`/api/workers?cursor=${'a'.repeat(600)}`), 400],
  ['list workers: unknown parameter', (h) => h.http().get('/api/workers?sort=name'), 400],
  ['list workers: repeated limit', (h) => h.http().get('/api/workers?limit=1&limit=2'), 400],
  // /api/workers/:workerId
  ['get worker: malformed id', (h) => h.http().get('/api/workers/1;DROP'), 400],
  ['get worker: unknown id', (h) => h.http().get(`/api/workers/${UNKNOWN}`), 404],
  ['patch worker: malformed id', (h) => h.http().patch('/api/workers/zzz').send({ enabled: true }), 400],
  ['patch worker: unknown id', (h) => h.http().patch(`/api/workers/${UNKNOWN}`).send({ enabled: true }), 404],
  ['patch worker: empty body', (h, i) => h.http().patch(`/api/workers/${i.workerId}`).send({}), 400],
  [
    'patch worker: unknown field',
    (h, i) => h.http().patch(`/api/workers/${i.workerId}`).send({ createdAt: 'x' }),
    400,
  ],
  [
    'patch worker: empty name',
    (h, i) => h.http().patch(`/api/workers/${i.workerId}`).send({ name: '' }),
    400,
  ],
  [
    'patch worker: http endpoint',
    (h, i) => h.http().patch(`/api/workers/${i.workerId}`).send({ endpoint: 'http://x.example.com' }),
    400,
  ],
  [
    'patch worker: CA not PEM',
    (h, i) => h.http().patch(`/api/workers/${i.workerId}`).send({ caCertPem: 'nope' }),
    400,
  ],
  [
    'patch worker: bad reconcileMode',
    (h, i) => h.http().patch(`/api/workers/${i.workerId}`).send({ reconcileMode: 'on' }),
    400,
  ],
  [
    'patch worker: enabled null',
    (h, i) => h.http().patch(`/api/workers/${i.workerId}`).send({ enabled: null }),
    400,
  ],
  [
    'patch worker: taken name',
    (h, i) => h.http().patch(`/api/workers/${i.workerId}`).send({ name: 'bad-input-base' }),
    409,
  ],
  ['delete worker: malformed id', (h) => h.http().delete('/api/workers/abc'), 400],
  ['delete worker: unknown id', (h) => h.http().delete(`/api/workers/${UNKNOWN}`), 404],
  // labs
  ['list labs: malformed worker', (h) => h.http().get('/api/workers/x/labs'), 400],
  ['list labs: unknown worker', (h) => h.http().get(`/api/workers/${UNKNOWN}/labs`), 404],
  ['list labs: unknown state', (h, i) => h.http().get(`/api/workers/${i.workerId}/labs?state=stopped`), 400],
  [
    'list labs: owner too long',
    (h, i) => h.http().get(`/api/workers/${i.workerId}/labs?owner=${'o'.repeat(201)}`),
    400,
  ],
  ['list labs: limit 0', (h, i) => h.http().get(`/api/workers/${i.workerId}/labs?limit=0`), 400],
  ['list labs: limit 501', (h, i) => h.http().get(`/api/workers/${i.workerId}/labs?limit=501`), 400],
  [
    'list labs: forged cursor',
    (h, i) =>
      h.http().get(`/api/workers/${i.workerId}/labs?cursor=${Buffer.from('{"x":1}').toString('base64url')}`),
    400,
  ],
  ['get lab: malformed lab id', (h, i) => h.http().get(`/api/workers/${i.workerId}/labs/..%2F..%2Fetc`), 400],
  ['get lab: unknown lab', (h, i) => h.http().get(`/api/workers/${i.workerId}/labs/${UNKNOWN}`), 404],
  ['delete lab: malformed lab id', (h, i) => h.http().delete(`/api/workers/${i.workerId}/labs/lab-1`), 400],
  [
    'delete lab: force=yes',
    (h, i) => h.http().delete(`/api/workers/${i.workerId}/labs/${i.labId}?force=yes`),
    400,
  ],
  [
    'delete lab: unknown query parameter',
    (h, i) => h.http().delete(`/api/workers/${i.workerId}/labs/${i.labId}?now=1`),
    400,
  ],
  ['delete lab: unknown worker', (h) => h.http().delete(`/api/workers/${UNKNOWN}/labs/${UNKNOWN}`), 404],
  [
    'delete lab: absent in CML and locally',
    (h, i) => h.http().delete(`/api/workers/${i.workerId}/labs/${UNKNOWN}`),
    404,
  ],
  ['refresh: unknown worker', (h) => h.http().post(`/api/workers/${UNKNOWN}/labs/refresh`), 404],
  ['refresh: malformed worker', (h) => h.http().post('/api/workers/%00/labs/refresh'), 400],
  // orphans
  ['orphans: malformed worker', (h) => h.http().get('/api/workers/1/orphans'), 400],
  ['orphans: unknown worker', (h) => h.http().get(`/api/workers/${UNKNOWN}/orphans`), 404],
  [
    'approve: labIds not an array',
    (h, i) => h.http().post(`/api/workers/${i.workerId}/orphans/approve`).send({ labIds: i.labId }),
    400,
  ],
  [
    'approve: labIds with a non-UUID',
    (h, i) =>
      h
        .http()
        .post(`/api/workers/${i.workerId}/orphans/approve`)
        .send({ labIds: ['x'] }),
    400,
  ],
  [
    'approve: unknown field',
    (h, i) => h.http().post(`/api/workers/${i.workerId}/orphans/approve`).send({ all: true }),
    400,
  ],
  [
    'approve: text/plain body (would read as "approve all")',
    (h, i) =>
      h
        .http()
        .post(`/api/workers/${i.workerId}/orphans/approve`)
        .set('content-type', 'text/plain')
        .send(`labIds=${i.labId}`),
    400,
    'body',
  ],
  [
    'approve: JSON array body',
    (h, i) => h.http().post(`/api/workers/${i.workerId}/orphans/approve`).send([]),
    400,
  ],
  [
    'patch worker: form body',
    (h, i) =>
      h
        .http()
        .patch(`/api/workers/${i.workerId}`)
        .set('content-type', 'application/x-www-form-urlencoded')
        .send('enabled=false'),
    400,
    'body',
  ],
  ['approve: unknown worker', (h) => h.http().post(`/api/workers/${UNKNOWN}/orphans/approve`).send({}), 404],
  // reconciliations and outbox
  ['reconciliation: malformed id', (h) => h.http().get('/api/reconciliations/latest'), 400],
  ['reconciliation: unknown id', (h) => h.http().get(`/api/reconciliations/${UNKNOWN}`), 404],
  ['outbox: unknown status', (h) => h.http().get('/api/outbox?status=delivered'), 400],
  ['outbox retry: malformed id', (h) => h.http().post('/api/outbox/1/retry'), 400],
  ['outbox retry: unknown id', (h) => h.http().post(`/api/outbox/${UNKNOWN}/retry`), 404],
  ['notifications: unknown status', (h) => h.http().get('/api/notifications?status=delivered'), 400],
  ['notification retry: malformed id', (h) => h.http().post('/api/notifications/1/retry'), 400],
  ['notification retry: unknown id', (h) => h.http().post(`/api/notifications/${'0'.repeat(32)}/retry`), 404],
  // routing
  ['unknown route', (h) => h.http().get('/api/nothing-here'), 404],
  ['unsupported method', (h) => h.http().put('/api/workers').send(valid), 404],
  // Every route validates its whole query string: an unknown parameter is a 400 that names it.
  [
    'create: unknown query parameter',
    (h) => h.http().post('/api/workers?x=1').send(fresh('q-create')),
    400,
    'x',
  ],
  [
    'list workers: unknown parameter next to valid ones',
    (h) => h.http().get('/api/workers?limit=5&x=1'),
    400,
    'x',
  ],
  ['list workers: limit in hex', (h) => h.http().get('/api/workers?limit=0x10'), 400],
  ['list workers: limit with exponent', (h) => h.http().get('/api/workers?limit=1e2'), 400],
  ['list workers: empty limit', (h) => h.http().get('/api/workers?limit='), 400],
  ['get worker: unknown query parameter', (h, i) => h.http().get(`/api/workers/${i.workerId}?x=1`), 400, 'x'],
  [
    'patch worker: unknown query parameter',
    (h, i) => h.http().patch(`/api/workers/${i.baseWorkerId}?x=1`).send({ reconcileMode: 'observe' }),
    400,
    'x',
  ],
  [
    'list labs: unknown query parameter',
    (h, i) => h.http().get(`/api/workers/${i.workerId}/labs?x=1`),
    400,
    'x',
  ],
  [
    'list labs: parameter in the wrong case',
    (h, i) => h.http().get(`/api/workers/${i.workerId}/labs?State=STOPPED`),
    400,
    'State',
  ],
  ['list labs: empty state', (h, i) => h.http().get(`/api/workers/${i.workerId}/labs?state=`), 400, 'state'],
  [
    'list labs: repeated state',
    (h, i) => h.http().get(`/api/workers/${i.workerId}/labs?state=STOPPED&state=STARTED`),
    400,
  ],
  [
    'get lab: unknown query parameter',
    (h, i) => h.http().get(`/api/workers/${i.workerId}/labs/${i.labId}?x=1`),
    400,
    'x',
  ],
  [
    'delete lab: force=TRUE',
    (h, i) => h.http().delete(`/api/workers/${i.workerId}/labs/${i.labId}?force=TRUE`),
    400,
  ],
  [
    'delete lab: force=1',
    (h, i) => h.http().delete(`/api/workers/${i.workerId}/labs/${i.labId}?force=1`),
    400,
  ],
  [
    'delete lab: empty force',
    (h, i) => h.http().delete(`/api/workers/${i.workerId}/labs/${i.labId}?force=`),
    400,
  ],
  [
    'refresh: unknown query parameter',
    (h, i) => h.http().post(`/api/workers/${i.workerId}/labs/refresh?x=1`),
    400,
    'x',
  ],
  [
    'refresh: dry_run (not the parameter)',
    (h, i) => h.http().post(`/api/workers/${i.workerId}/labs/refresh?dry_run=true`),
    400,
    'dry_run',
  ],
  [
    'refresh: dryrun in the wrong case',
    (h, i) => h.http().post(`/api/workers/${i.workerId}/labs/refresh?dryrun=true`),
    400,
    'dryrun',
  ],
  [
    'refresh: dryRun=maybe',
    (h, i) => h.http().post(`/api/workers/${i.workerId}/labs/refresh?dryRun=maybe`),
    400,
    'dryRun',
  ],
  ['refresh: dryRun=1', (h, i) => h.http().post(`/api/workers/${i.workerId}/labs/refresh?dryRun=1`), 400],
  [
    'refresh: dryRun=TRUE',
    (h, i) => h.http().post(`/api/workers/${i.workerId}/labs/refresh?dryRun=TRUE`),
    400,
  ],
  ['refresh: empty dryRun', (h, i) => h.http().post(`/api/workers/${i.workerId}/labs/refresh?dryRun`), 400],
  [
    'refresh: repeated dryRun',
    (h, i) => h.http().post(`/api/workers/${i.workerId}/labs/refresh?dryRun=false&dryRun=false`),
    400,
  ],
  [
    'refresh: dryRun=false with an unknown parameter',
    (h, i) => h.http().post(`/api/workers/${i.workerId}/labs/refresh?dryRun=false&force=true`),
    400,
    'force',
  ],
  [
    'orphans: unknown query parameter',
    (h, i) => h.http().get(`/api/workers/${i.workerId}/orphans?x=1`),
    400,
    'x',
  ],
  [
    'approve: unknown query parameter',
    (h, i) => h.http().post(`/api/workers/${i.workerId}/orphans/approve?dryRun=true`).send({}),
    400,
    'dryRun',
  ],
  [
    'reconciliations: unknown query parameter',
    (h) => h.http().get('/api/reconciliations?limit=5'),
    400,
    'limit',
  ],
  [
    'reconciliation: unknown query parameter',
    (h) => h.http().get(`/api/reconciliations/${UNKNOWN}?x=1`),
    400,
    'x',
  ],
  ['outbox: unknown query parameter', (h) => h.http().get('/api/outbox?x=1'), 400, 'x'],
  ['notifications: unknown query parameter', (h) => h.http().get('/api/notifications?x=1'), 400, 'x'],
  [
    'notification retry: unknown query parameter',
    (h) => h.http().post(`/api/notifications/${'0'.repeat(32)}/retry?x=1`),
    400,
    'x',
  ],
  [
    'outbox: status with an unknown parameter',
    (h) => h.http().get('/api/outbox?status=dead&limit=5'),
    400,
    'limit',
  ],
  [
    'outbox retry: unknown query parameter',
    (h) => h.http().post(`/api/outbox/${UNKNOWN}/retry?x=1`),
    400,
    'x',
  ],
  // Routes that take no body refuse one: a non-empty JSON object, an array, or any non-JSON content.
  ['list workers: JSON body', (h) => h.http().get('/api/workers').send({ limit: 1 }), 400, 'limit'],
  ['get worker: JSON body', (h, i) => h.http().get(`/api/workers/${i.workerId}`).send({ x: 1 }), 400, 'x'],
  [
    'list labs: JSON body',
    (h, i) => h.http().get(`/api/workers/${i.workerId}/labs`).send({ state: 'STOPPED' }),
    400,
    'state',
  ],
  [
    'get lab: JSON body',
    (h, i) => h.http().get(`/api/workers/${i.workerId}/labs/${i.labId}`).send({ x: 1 }),
    400,
    'x',
  ],
  [
    'refresh: JSON body',
    (h, i) => h.http().post(`/api/workers/${i.workerId}/labs/refresh`).send({ dryRun: true }),
    400,
    'dryRun',
  ],
  [
    'refresh: JSON array body',
    (h, i) => h.http().post(`/api/workers/${i.workerId}/labs/refresh`).send([]),
    400,
  ],
  [
    'refresh: text/plain body',
    (h, i) =>
      h
        .http()
        .post(`/api/workers/${i.workerId}/labs/refresh`)
        .set('content-type', 'text/plain')
        .send('dryRun=true'),
    400,
  ],
  [
    'refresh: form body',
    (h, i) =>
      h
        .http()
        .post(`/api/workers/${i.workerId}/labs/refresh`)
        .set('content-type', 'application/x-www-form-urlencoded')
        .send('dryRun=true'),
    400,
  ],
  [
    'orphans: JSON body',
    (h, i) => h.http().get(`/api/workers/${i.workerId}/orphans`).send({ x: 1 }),
    400,
    'x',
  ],
  [
    'reconciliations: JSON body',
    (h) => h.http().get('/api/reconciliations').send({ limit: 5 }),
    400,
    'limit',
  ],
  [
    'reconciliation: JSON body',
    (h) => h.http().get(`/api/reconciliations/${UNKNOWN}`).send({ x: 1 }),
    400,
    'x',
  ],
  ['outbox: JSON body', (h) => h.http().get('/api/outbox').send({ status: 'dead' }), 400, 'status'],
  ['outbox retry: JSON body', (h) => h.http().post(`/api/outbox/${UNKNOWN}/retry`).send({ x: 1 }), 400, 'x'],
  [
    'notifications: JSON body',
    (h) => h.http().get('/api/notifications').send({ status: 'dead' }),
    400,
    'status',
  ],
  [
    'notification retry: JSON body',
    (h) =>
      h
        .http()
        .post(`/api/notifications/${'0'.repeat(32)}/retry`)
        .send({ x: 1 }),
    400,
    'x',
  ],
  // Last, because before validation covered them they changed something (a lab, a run, a worker).
  [
    'delete lab: JSON body',
    (h, i) => h.http().delete(`/api/workers/${i.workerId}/labs/${i.labId}`).send({ force: true }),
    400,
    'force',
  ],
  [
    'start reconciliation: unknown query parameter',
    (h) => h.http().post('/api/reconciliations?x=1'),
    400,
    'x',
  ],
  [
    'start reconciliation: JSON body',
    (h, i) =>
      h
        .http()
        .post('/api/reconciliations')
        .send({ workerIds: [i.workerId] }),
    400,
    'workerIds',
  ],
  [
    'delete worker: unknown query parameter',
    (h, i) => h.http().delete(`/api/workers/${i.baseWorkerId}?force=true`),
    400,
    'force',
  ],
  [
    'delete worker: JSON body',
    (h, i) => h.http().delete(`/api/workers/${i.baseWorkerId}`).send({ x: 1 }),
    400,
    'x',
  ],
];

describe(`Bad input: ${cases.length} cases over every route, each a 4xx problem+json that changes nothing (e2e)`, () => {
  let h: ApiHarness;
  const ids = {} as Ids;

  beforeAll(async () => {
    h = await startApiHarness('bad_input_e2e');
    ids.baseWorkerId = (await h.http().post('/api/workers').send(valid).expect(201)).body.id;
    ids.workerId = await h.registerSimulatorWorker('bad-input-sim');
    [ids.labId] = h.simulator.state.seedLabs({ count: 2 });
    await h.http().post(`/api/workers/${ids.workerId}/labs/refresh`).expect(200);
  });
  afterAll(() => h.close());

  it('has at least 50 cases', () => expect(cases.length).toBeGreaterThanOrEqual(50));

  // Objects, not arrays: jest would pass `done` as the fourth argument of a three-element row.
  const rows = cases.map(([name, call, status, field]) => ({ name, call, status, field }));
  it.each(rows)('$name', async ({ call, status, field }) => {
    const before = await dump(h);
    const res = await call(h, ids);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      instance: expect.stringMatching(/^\//),
    });
    if (field) {
      expect(res.body).toMatchObject({
        errors: expect.arrayContaining([expect.objectContaining({ field })]),
      });
      expect((res.body as { detail: string }).detail).toContain(field);
    }
    expect(JSON.stringify(res.body)).not.toMatch(/admin-password|stack|at \w+ \(/);
    expect(await dump(h)).toEqual(before);
  });

  it('still accepts what the web console sends, and an empty JSON object where no body is taken', async () => {
    await h.http().get('/api/workers?limit=50').expect(200);
    await h.http().get(`/api/workers/${ids.workerId}/labs?state=STOPPED&owner=admin&limit=10`).expect(200);
    await h.http().get('/api/outbox?status=dead').expect(200);
    await h.http().get('/api/outbox').expect(200);
    await h.http().get(`/api/workers/${ids.workerId}/orphans`).send({}).expect(200);
    await h.http().get('/api/reconciliations').expect(200);
    await h.http().get(`/api/workers/${ids.workerId}/labs/${ids.labId}`).expect(200);
  });

  it('refresh?dryRun=true never removes anything: the record of a lab gone from CML stays listed', async () => {
    const { workerId } = ids;
    const [gone] = h.simulator.state.seedLabs({ count: 3 });
    await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
    const listed = async () =>
      (
        (await h.http().get(`/api/workers/${workerId}/labs?limit=500`).expect(200)).body.items as {
          labId: string;
        }[]
      )
        .map((lab) => lab.labId)
        .sort();
    const records = () => h.db.collection('lab_records').find({ workerId }).sort({ _id: 1 }).toArray();
    expect(await listed()).toContain(gone);
    // Behind the service's back, as if someone deleted it on the controller.
    expect(h.simulator.state.deleteLab(gone)).toBe(true);
    const before = { listed: await listed(), records: await records() };
    const removals: LabOrphanRemovedEvent[] = [];
    const subscription = h.app.get(EventBus).subscribe((event) => {
      if (event instanceof LabOrphanRemovedEvent) removals.push(event);
    });
    try {
      const res = await h.http().post(`/api/workers/${workerId}/labs/refresh?dryRun=true`);
      // 400 while dry runs are not implemented, 200 (a preview) once they are; never a real refresh.
      expect([200, 400]).toContain(res.status);
      if (res.status === 400) {
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body.detail).toMatch(/dryRun/);
      }
      expect(await listed()).toEqual(before.listed);
      expect(await listed()).toContain(gone);
      await h.http().get(`/api/workers/${workerId}/labs/${gone}`).expect(200);
      expect(await records()).toEqual(before.records);
      expect(removals).toEqual([]);
      // The setup is meaningful: a real refresh does remove it, and the spy sees that.
      const real = await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      expect(real.body).toMatchObject({ orphansRemoved: 1 });
      expect(removals.map((event) => event.labId)).toEqual([gone]);
      expect(await listed()).not.toContain(gone);
    } finally {
      subscription.unsubscribe();
    }
  });
});
