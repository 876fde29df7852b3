import { generateSelfSignedCertificate } from './self-signed-certificate';
import { LabView } from './simulated-lab';
import { RunningCmlSimulator, startCmlSimulator } from './start-cml-simulator';
import { createSimulatorTestClient, SimulatorTestClient } from './testing/simulator-test-client';

describe('cml-simulator /_sim admin API', () => {
  let sim: RunningCmlSimulator;
  let client: SimulatorTestClient;
  let token: string;

  beforeAll(async () => {
    sim = await startCmlSimulator({
      users: [
        { username: 'admin', password: 'admin-password', admin: true },
        { username: 'carol', password: 'carol-password', admin: false, fullname: 'Carol' },
      ],
    });
    client = createSimulatorTestClient(sim);
    token = await client.login();
  });

  afterAll(async () => {
    client.close();
    await sim.close();
  });

  beforeEach(async () => {
    expect((await client.http.post('/_sim/reset')).status).toBe(204);
  });

  const adminLabs = async (): Promise<LabView[]> => (await client.http.get('/_sim/labs')).data as LabView[];

  it('seeds labs with owner, state, title prefix and node count', async () => {
    const res = await client.http.post('/_sim/labs/seed', {
      count: 3,
      owner: 'carol',
      state: 'STARTED',
      titlePrefix: 'Bench',
      nodeCount: 5,
    });
    expect(res.status).toBe(200);
    const ids = (res.data as { ids: string[] }).ids;
    expect(ids).toHaveLength(3);
    const labs = await adminLabs();
    expect(labs.map((l) => l.id)).toEqual(ids);
    expect(labs.map((l) => l.lab_title)).toEqual(['Bench 1', 'Bench 2', 'Bench 3']);
    for (const lab of labs) {
      expect(lab).toMatchObject({ owner_username: 'carol', state: 'STARTED', node_count: 5, link_count: 4 });
    }
  });

  it('rejects an invalid seed request with 400', async () => {
    for (const body of [{}, { count: -1 }, { count: 1, owner: 'nobody' }, { count: 1, state: 'RUNNING' }]) {
      const res = await client.http.post('/_sim/labs/seed', body);
      expect(res.status).toBe(400);
      expect(res.data.code).toBe(400);
    }
  });

  it('deletes a lab behind the service’s back, in any state', async () => {
    const [running] = sim.state.seedLabs({ count: 1, state: 'STARTED' });
    expect((await client.http.delete(`/_sim/labs/${running}`)).status).toBe(204);
    expect((await client.http.get(`/api/v0/labs/${running}`, client.bearer(token))).status).toBe(404);
    expect((await client.http.delete(`/_sim/labs/${running}`)).data).toEqual({
      code: 404,
      description: `Lab not found: ${running}`,
    });
  });

  it('patches a lab externally and bumps modified', async () => {
    const [id] = sim.state.seedLabs({ count: 1 });
    const before = (await adminLabs())[0];
    const res = await client.http.patch(`/_sim/labs/${id}`, {
      lab_title: 'Renamed on the controller',
      lab_description: 'changed',
      state: 'STOPPED',
      owner: 'carol',
    });
    expect(res.status).toBe(200);
    expect(res.data.state).toBe('STOPPED');
    const after = (await client.http.get(`/api/v0/labs/${id}`, client.bearer(token))).data as LabView;
    expect(after).toMatchObject({
      lab_title: 'Renamed on the controller',
      lab_description: 'changed',
      state: 'STOPPED',
      owner_username: 'carol',
    });
    expect(Date.parse(after.modified)).toBeGreaterThan(Date.parse(before.modified));
    expect((await client.http.patch(`/_sim/labs/${id}`, { title: 'typo' })).status).toBe(400);
    expect((await client.http.patch('/_sim/labs/unknown', { lab_title: 'x' })).status).toBe(404);
  });

  it('counts public API requests per route, including faulted ones, and resets the counts', async () => {
    const [id] = sim.state.seedLabs({ count: 1 });
    await client.http.get('/api/v0/labs', client.bearer(token));
    await client.http.get('/api/v0/labs', client.bearer(token));
    sim.state.addFault({ route: 'labs.get', kind: 'error', times: 1 });
    await client.http.get(`/api/v0/labs/${id}`, client.bearer(token));
    await client.http.get('/api/v0/system_information');
    await client.http.get('/_sim/labs');

    expect((await client.http.get('/_sim/stats')).data).toEqual({
      requests: { 'labs.list': 2, 'labs.get': 1, system_information: 1 },
      total: 4,
    });
    expect((await client.http.post('/_sim/stats/reset')).status).toBe(204);
    expect(sim.state.stats()).toEqual({ requests: {}, total: 0 });
  });

  it('resizes a lab through node_count and link_count, with made-up nodes in the lab’s state', async () => {
    const [id] = sim.state.seedLabs({ count: 1, state: 'STARTED', nodeCount: 2 });
    const res = await client.http.patch(`/_sim/labs/${id}`, { node_count: 4, link_count: 3 });
    expect(res.data).toMatchObject({ node_count: 4, link_count: 3, state: 'STARTED' });
    const nodes = (await client.http.get(`/api/v0/labs/${id}/nodes?data=true`, client.bearer(token)))
      .data as {
      state: string;
    }[];
    expect(nodes.map((n) => n.state)).toEqual(['BOOTED', 'BOOTED', 'BOOTED', 'BOOTED']);
    expect((await client.http.patch(`/_sim/labs/${id}`, { node_count: 1 })).data).toMatchObject({
      node_count: 1,
      link_count: 0,
    });
    const bad = await client.http.patch(`/_sim/labs/${id}`, { link_count: 1 });
    expect(bad.status).toBe(400);
    expect(bad.data.description).toContain('links need at least 2 nodes');
  });

  it('reads and changes the settings at /_sim/settings; reset restores them', async () => {
    expect((await client.http.get('/_sim/settings')).data).toEqual({
      version: '2.9.0',
      authExtended: true,
      foreignLabStatus: 404,
    });
    const res = await client.http.patch('/_sim/settings', { version: '2.10.0', foreignLabStatus: 403 });
    expect(res.data).toEqual({ version: '2.10.0', authExtended: true, foreignLabStatus: 403 });
    expect((await client.http.patch('/_sim/settings', { colour: 'red' })).status).toBe(400);
    await client.http.post('/_sim/reset');
    expect(sim.state.getSettings()).toEqual({ version: '2.9.0', authExtended: true, foreignLabStatus: 404 });
  });

  it('reset drops labs, faults and stats but keeps tokens valid', async () => {
    sim.state.seedLabs({ count: 2 });
    sim.state.addFault({ route: 'labs.list', kind: 'empty_list' });
    await client.http.get('/api/v0/system_information');
    expect((await client.http.post('/_sim/reset')).status).toBe(204);
    expect(await adminLabs()).toEqual([]);
    expect((await client.http.get('/_sim/faults')).data).toEqual([]);
    expect(sim.state.stats().total).toBe(0);
    expect((await client.http.get('/api/v0/labs', client.bearer(token))).status).toBe(200);
  });

  it('answers unknown admin routes with a CML-shaped 404 and malformed JSON with 400', async () => {
    expect((await client.http.get('/_sim/nope')).data).toEqual({
      code: 404,
      description: 'Not found: GET /_sim/nope',
    });
    const res = await client.http.post('/_sim/faults', '{not json', {
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.data).toEqual({ code: 400, description: 'Malformed JSON body' });
  });
});

describe('cml-simulator start options', () => {
  it('seeds labs at start and adds the global latency to every public request', async () => {
    const sim = await startCmlSimulator({ seedLabs: 3, latencyMs: 150 });
    const client = createSimulatorTestClient(sim);
    try {
      expect(sim.state.listLabs()).toHaveLength(3);
      const started = Date.now();
      expect((await client.http.get('/api/v0/system_information')).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      client.close();
      await sim.close();
    }
  });

  it('uses the TLS material it is given and hands its certificate out as caCertPem', async () => {
    const material = generateSelfSignedCertificate();
    const sim = await startCmlSimulator({ tls: material });
    const client = createSimulatorTestClient(sim);
    try {
      expect(sim.caCertPem).toBe(material.cert);
      expect((await client.http.get('/api/v0/system_information')).status).toBe(200);
    } finally {
      client.close();
      await sim.close();
    }
  });
});
