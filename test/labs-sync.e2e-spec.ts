import { DEFAULT_SIMULATOR_USERS } from '@app/cml-simulator';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { CommandCounter } from './support/command-counter';

interface Summary {
  status: string;
  created: number;
  updated: number;
  unchanged: number;
  reason?: string;
}

describe('Lab sync (e2e, FerretDB + CML simulator over HTTPS)', () => {
  let h: ApiHarness;
  let workerId: string;
  const refresh = () => h.http().post(`/api/workers/${workerId}/labs/refresh`);

  beforeAll(async () => {
    h = await startApiHarness(
      'labs_sync_e2e',
      {},
      {
        users: [
          ...DEFAULT_SIMULATOR_USERS,
          { username: 'bob', password: 'bob-password', admin: false, fullname: 'Bob' },
        ],
      },
    );
    workerId = await h.registerSimulatorWorker();
  });
  afterAll(() => h.close());
  afterEach(() => h.simulator.state.clearFaults());

  it('creates records for every lab of every owner, then writes nothing when nothing changed', async () => {
    h.simulator.state.seedLabs({ count: 5, state: 'STOPPED' });
    h.simulator.state.seedLabs({ count: 2, owner: 'bob', state: 'STARTED' });
    const first = await refresh().expect(200);
    expect(first.body as Summary).toMatchObject({
      status: 'succeeded',
      created: 7,
      updated: 0,
      unchanged: 0,
      workerId,
      trigger: 'manual',
    });

    const counter = new CommandCounter(h.app);
    h.simulator.state.resetStats();
    const second = await refresh().expect(200);
    counter.stop();
    expect(second.body as Summary).toMatchObject({
      status: 'succeeded',
      created: 0,
      updated: 0,
      unchanged: 7,
    });
    // Lab records are not written; the worker's lastReconcile and the lease are.
    expect(counter.writesTo('lab_records')).toEqual([]);
    expect(counter.targets.filter((t) => t.startsWith('find:lab_records'))).toHaveLength(1);
    // One list and one request for every lab's tile; the tiles show every lab unchanged, so no
    // lab's details are read.
    const stats = h.simulator.state.stats();
    expect(stats.requests['labs.list']).toBe(1);
    expect(stats.requests['populate_lab_tiles']).toBe(1);
    expect(stats.requests['labs.get']).toBeUndefined();
  });

  it('updates only the labs that changed in CML, reading the details of those alone', async () => {
    const lab = h.simulator.state.listLabs()[0];
    h.simulator.state.patchLab(lab.id, { lab_title: 'Renamed in CML', state: 'STARTED' });
    h.simulator.state.resetStats();
    const res = await refresh().expect(200);
    expect(res.body as Summary).toMatchObject({ created: 0, updated: 1, unchanged: 6 });
    expect(h.simulator.state.stats().requests['labs.get']).toBe(1);
    const read = await h.http().get(`/api/workers/${workerId}/labs/${lab.id}`).expect(200);
    expect(read.body).toMatchObject({ workerId, labId: lab.id, title: 'Renamed in CML', state: 'STARTED' });
    const stored = await h.db.collection('lab_records').findOne({ _id: `${workerId}:${lab.id}` as never });
    expect(stored?.version).toBe(1);
  });

  it('serves the contract Lab shape', async () => {
    const lab = h.simulator.state.listLabs()[1];
    const res = await h.http().get(`/api/workers/${workerId}/labs/${lab.id}`).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'workerId',
        'labId',
        'title',
        'description',
        'notes',
        'state',
        'owner',
        'ownerUsername',
        'ownerFullname',
        'nodeCount',
        'linkCount',
        'groups',
        'cmlCreatedAt',
        'cmlModifiedAt',
        'firstSeenAt',
        'lastSyncedAt',
      ].sort(),
    );
    expect(res.body.title).toBe(lab.lab_title);
    expect(res.body.ownerUsername).toBe(lab.owner_username);
    expect(res.body.nodeCount).toBe(lab.node_count);
    expect(new Date(res.body.lastSyncedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(res.body.firstSeenAt).getTime(),
    );
  });

  it('filters by state and owner and pages with a cursor', async () => {
    const started = await h.http().get(`/api/workers/${workerId}/labs?state=STARTED`).expect(200);
    expect(started.body.items.every((l: { state: string }) => l.state === 'STARTED')).toBe(true);
    expect(started.body.items).toHaveLength(3);
    const bob = await h.http().get(`/api/workers/${workerId}/labs?owner=bob`).expect(200);
    expect(bob.body.items).toHaveLength(2);
    expect(bob.body.items.every((l: { ownerUsername: string }) => l.ownerUsername === 'bob')).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { labId: string }[]; nextCursor: string | null } } = await h
        .http()
        .get(`/api/workers/${workerId}/labs`)
        .query({ limit: 3, ...(cursor ? { cursor } : {}) })
        .expect(200);
      seen.push(...page.body.items.map((l) => l.labId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect([...seen].sort()).toEqual(seen);
  });

  it('answers 502 when CML fails to list, 504 when it hangs, and changes nothing', async () => {
    const before = await h.db.collection('lab_records').find({}).sort({ _id: 1 }).toArray();
    h.simulator.state.addFault({ route: 'labs.list', kind: 'error', status: 500 });
    const failed = await refresh();
    expect(failed.status).toBe(502);
    expect(failed.headers['content-type']).toContain('application/problem+json');
    h.simulator.state.clearFaults();

    h.simulator.state.addFault({ route: 'labs.list', kind: 'hang' });
    const timedOut = await refresh();
    expect(timedOut.status).toBe(504);
    h.simulator.state.clearFaults();

    h.simulator.state.addFault({ route: 'labs.list', kind: 'bad_body', body: 'html' });
    expect((await refresh()).status).toBe(502);

    expect(await h.db.collection('lab_records').find({}).sort({ _id: 1 }).toArray()).toEqual(before);
    const worker = await h.http().get(`/api/workers/${workerId}`).expect(200);
    expect(worker.body.lastReconcile).toMatchObject({ status: 'failed', workerId });
  });

  it('keeps a record as it was when its details cannot be read', async () => {
    const lab = h.simulator.state.listLabs()[2];
    h.simulator.state.patchLab(lab.id, { lab_title: 'changed but unreadable' });
    h.simulator.state.addFault({ route: 'labs.get', kind: 'error', status: 503, labId: lab.id });
    const res = await refresh().expect(200);
    expect(res.body.reason).toMatch(/details of 1 labs could not be read/);
    const read = await h.http().get(`/api/workers/${workerId}/labs/${lab.id}`).expect(200);
    expect(read.body.title).not.toBe('changed but unreadable');
  });

  it('re-authenticates once when the CML token expired mid-run', async () => {
    h.simulator.state.expireTokens();
    h.simulator.state.seedLabs({ count: 1 });
    const res = await refresh().expect(200);
    expect(res.body).toMatchObject({ status: 'succeeded', created: 1 });
  });

  it('skips a disabled or paused worker and writes nothing in observe mode', async () => {
    await h.http().patch(`/api/workers/${workerId}`).send({ enabled: false }).expect(200);
    expect((await refresh().expect(200)).body).toMatchObject({
      status: 'skipped',
      reason: 'worker is disabled',
    });
    await h
      .http()
      .patch(`/api/workers/${workerId}`)
      .send({ enabled: true, reconcileMode: 'paused' })
      .expect(200);
    expect((await refresh().expect(200)).body).toMatchObject({
      status: 'skipped',
      reason: 'reconcileMode is paused',
    });
    await h.http().patch(`/api/workers/${workerId}`).send({ reconcileMode: 'observe' }).expect(200);
    h.simulator.state.seedLabs({ count: 2 });
    const before = await h.db.collection('lab_records').countDocuments({ workerId });
    const observed = await refresh().expect(200);
    expect(observed.body).toMatchObject({ status: 'succeeded', created: 2 });
    expect(await h.db.collection('lab_records').countDocuments({ workerId })).toBe(before);
    await h.http().patch(`/api/workers/${workerId}`).send({ reconcileMode: 'enforce' }).expect(200);
  });

  describe('lab tiles (GET /populate_lab_tiles) only spare detail reads', () => {
    const records = () => h.db.collection('lab_records').find({ workerId }).sort({ _id: 1 }).toArray();
    // What GET /populate_lab_tiles carries of each lab: its details (the topology is not read).
    const tilesNow = (): Record<string, Record<string, unknown>> =>
      Object.fromEntries(h.simulator.state.listLabs().map((l) => [l.id, { ...l }]));
    beforeAll(async () => {
      h.simulator.state.seedLabs({ count: 4 });
      await refresh().expect(200);
    });

    it.each([
      ['answers a proxy 404', { kind: 'foreign_404' }],
      ['answers 500', { kind: 'error', status: 500 }],
      ['sends a body that is no map of tiles', { kind: 'bad_body' }],
      ['hangs until the request times out', { kind: 'hang' }],
    ])('reads every listed lab when CML %s for the tiles, and syncs the same', async (_what, fault) => {
      const lab = h.simulator.state.listLabs()[3];
      h.simulator.state.patchLab(lab.id, { lab_title: `changed while tiles fail: ${fault.kind}` });
      h.simulator.state.addFault({ route: 'populate_lab_tiles', ...fault } as never);
      h.simulator.state.resetStats();
      const res = await refresh().expect(200);
      const listed = h.simulator.state.listLabs().length;
      expect(res.body as Summary).toMatchObject({ status: 'succeeded', created: 0, updated: 1 });
      expect((res.body as Summary).unchanged).toBe(listed - 1);
      expect(h.simulator.state.stats().requests['labs.get']).toBe(listed);
      const read = await h.http().get(`/api/workers/${workerId}/labs/${lab.id}`).expect(200);
      expect(read.body.title).toBe(`changed while tiles fail: ${fault.kind}`);
    });

    it('never writes what a tile says: a tile that differs from its record makes the details be read', async () => {
      const [lab, other] = h.simulator.state.listLabs();
      const stale = tilesNow();
      // A tile lagging behind (CML's tiles may be eventually consistent) and a tile whose id is
      // not its key: neither may reach a record.
      stale[lab.id] = { ...stale[lab.id], lab_title: 'only the tile says so' };
      stale[other.id] = { ...stale[other.id], id: lab.id };
      const before = await records();
      h.simulator.state.addFault({
        route: 'populate_lab_tiles',
        kind: 'replace_json',
        json: { lab_tiles: stale },
      });
      h.simulator.state.resetStats();
      const res = await refresh().expect(200);
      expect(res.body as Summary).toMatchObject({ status: 'succeeded', created: 0, updated: 0 });
      expect(h.simulator.state.stats().requests['labs.get']).toBe(2);
      expect(await records()).toEqual(before);
    });

    it('does not take a tile for a lab the list does not name: the list decides what exists', async () => {
      const [lab] = h.simulator.state.listLabs();
      const ghost = '5e7f9a0c-1111-4222-8333-444455556666';
      const withGhost = { ...tilesNow(), [ghost]: { ...tilesNow()[lab.id], id: ghost } };
      h.simulator.state.addFault({
        route: 'populate_lab_tiles',
        kind: 'replace_json',
        json: { lab_tiles: withGhost },
      });
      const res = await refresh().expect(200);
      expect(res.body as Summary).toMatchObject({ status: 'succeeded', created: 0 });
      expect(await h.db.collection('lab_records').countDocuments({ labId: ghost })).toBe(0);
    });
  });

  describe('bad input', () => {
    const unknownWorker = '00000000-0000-4000-8000-000000000000';
    const cases: [string, () => string, string, number][] = [
      ['labs of an unknown worker', () => `/api/workers/${unknownWorker}/labs`, 'get', 404],
      ['lab of an unknown worker', () => `/api/workers/${unknownWorker}/labs/${unknownWorker}`, 'get', 404],
      ['unknown lab', () => `/api/workers/${workerId}/labs/${unknownWorker}`, 'get', 404],
      ['malformed lab id', () => `/api/workers/${workerId}/labs/nope`, 'get', 400],
      ['malformed worker id', () => `/api/workers/nope/labs`, 'get', 400],
      ['unknown state', () => `/api/workers/${workerId}/labs?state=RUNNING`, 'get', 400],
      ['unknown query parameter', () => `/api/workers/${workerId}/labs?colour=red`, 'get', 400],
      ['limit too large', () => `/api/workers/${workerId}/labs?limit=100000`, 'get', 400],
      ['bad cursor', () => `/api/workers/${workerId}/labs?cursor=bad!`, 'get', 400],
      ['refresh of an unknown worker', () => `/api/workers/${unknownWorker}/labs/refresh`, 'post', 404],
      ['refresh of a malformed worker id', () => `/api/workers/x/labs/refresh`, 'post', 400],
    ];
    it.each(cases)('%s', async (_name, path, method, status) => {
      const before = await h.db.collection('lab_records').find({}).sort({ _id: 1 }).toArray();
      const res = method === 'get' ? await h.http().get(path()) : await h.http().post(path());
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(await h.db.collection('lab_records').find({}).sort({ _id: 1 }).toArray()).toEqual(before);
    });
  });
});
