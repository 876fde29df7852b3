import { LabView } from './simulated-lab';
import { RunningCmlSimulator, startCmlSimulator } from './start-cml-simulator';
import { createSimulatorTestClient, SimulatorTestClient } from './testing/simulator-test-client';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** CML's timestamps: seconds precision with an explicit offset, e.g. 2022-06-10T14:23:33+00:00. */
const CML_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

describe('cml-simulator labs API', () => {
  let sim: RunningCmlSimulator;
  let client: SimulatorTestClient;
  let adminToken: string;
  let aliceToken: string;

  beforeAll(async () => {
    // Zero transition times: this file is about the API's shape; lab-lifecycle.spec.ts covers the timing.
    sim = await startCmlSimulator({
      users: [
        { username: 'admin', password: 'admin-password', admin: true, fullname: 'Administrator' },
        { username: 'alice', password: 'alice-password', admin: false, fullname: 'Alice Liddell' },
      ],
      startMs: 0,
      stopMs: 0,
      wipeMs: 0,
    });
    client = createSimulatorTestClient(sim);
    adminToken = await client.login();
    aliceToken = await client.login('alice', 'alice-password');
  });

  afterAll(async () => {
    client.close();
    await sim.close();
  });

  beforeEach(() => sim.state.reset());

  const get = (path: string, token = adminToken) => client.http.get(path, client.bearer(token));
  const put = (path: string, token = adminToken) => client.http.put(path, undefined, client.bearer(token));
  const del = (path: string, token = adminToken) => client.http.delete(path, client.bearer(token));
  const details = async (id: string): Promise<LabView> => (await get(`/api/v0/labs/${id}`)).data as LabView;

  it('lists only the caller’s labs, and all labs with show_all=true for an admin', async () => {
    const adminLabs = sim.state.seedLabs({ count: 2 });
    const aliceLabs = sim.state.seedLabs({ count: 3, owner: 'alice' });

    expect((await get('/api/v0/labs')).data).toEqual(adminLabs);
    expect((await get('/api/v0/labs?show_all=true')).data).toEqual([...adminLabs, ...aliceLabs]);
    expect((await get('/api/v0/labs', aliceToken)).data).toEqual(aliceLabs);
    // show_all is an admin privilege; for others it still means "my labs".
    expect((await get('/api/v0/labs?show_all=true', aliceToken)).data).toEqual(aliceLabs);
  });

  it('answers lab details with every CML field', async () => {
    const [id] = sim.state.seedLabs({ count: 1, owner: 'alice', titlePrefix: 'Edge', nodeCount: 4 });
    const res = await get(`/api/v0/labs/${id}`);
    expect(res.status).toBe(200);
    const lab = res.data as LabView;
    expect(Object.keys(lab).sort()).toEqual(
      [
        'created',
        'effective_permissions',
        'groups',
        'id',
        'lab_description',
        'lab_notes',
        'lab_title',
        'link_count',
        'modified',
        'node_count',
        'owner',
        'owner_fullname',
        'owner_username',
        'state',
      ].sort(),
    );
    expect(lab).toMatchObject({
      id,
      state: 'DEFINED_ON_CORE',
      lab_title: 'Edge 1',
      owner_username: 'alice',
      owner_fullname: 'Alice Liddell',
      node_count: 4,
      link_count: 3,
      groups: [],
      effective_permissions: ['lab_admin', 'lab_edit', 'lab_exec', 'lab_view'],
    });
    expect(lab.owner).toMatch(UUID);
    expect(lab.created).toMatch(CML_TIMESTAMP);
    expect(lab.modified).toMatch(CML_TIMESTAMP);
    // Counts are live: they follow the lab's nodes and links.
    expect((await get(`/api/v0/labs/${id}/nodes`)).data).toHaveLength(4);
    expect((await get(`/api/v0/labs/${id}/links`)).data).toHaveLength(3);
  });

  it('gives the first admin the built-in admin id', async () => {
    const [id] = sim.state.seedLabs({ count: 1 });
    expect((await details(id)).owner).toBe('00000000-0000-4000-a000-000000000000');
  });

  it('answers the lab state as a bare JSON string and convergence as a bare JSON boolean', async () => {
    const [id] = sim.state.seedLabs({ count: 1, state: 'STOPPED' });
    const raw = (path: string) =>
      client.http.get(path, { ...client.bearer(adminToken), transformResponse: [(data: unknown) => data] });
    const state = await raw(`/api/v0/labs/${id}/state`);
    expect(state.headers['content-type']).toMatch(/application\/json/);
    expect(state.data).toBe('"STOPPED"');
    expect((await raw(`/api/v0/labs/${id}/check_if_converged`)).data).toBe('true');
  });

  it('updates title, description, notes and groups through PATCH /labs/{id}', async () => {
    const [id] = sim.state.seedLabs({ count: 1 });
    const before = await details(id);
    const groupId = sim.state.listUsers()[0].id; // any uuid will do as a group id here
    const res = await client.http.patch(
      `/api/v0/labs/${id}`,
      { title: 'Renamed', notes: 'n', groups: [{ id: groupId, permission: 'read_only' }], autostart: {} },
      client.bearer(adminToken),
    );
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({
      lab_title: 'Renamed',
      lab_notes: 'n',
      lab_description: before.lab_description,
      groups: [{ id: groupId, permission: 'read_only', name: '' }],
    });
    expect(Date.parse(res.data.modified)).toBeGreaterThan(Date.parse(before.modified));
    const bad = await client.http.patch(`/api/v0/labs/${id}`, { title: 5 }, client.bearer(adminToken));
    expect(bad.status).toBe(400);
    expect(bad.data.code).toBe(400);
  });

  it('keeps user ids stable across simulator instances', async () => {
    const [id] = sim.state.seedLabs({ count: 1 });
    const other = await startCmlSimulator();
    try {
      const [otherId] = other.state.seedLabs({ count: 1 });
      expect(other.state.listLabs().find((l) => l.id === otherId)?.owner).toBe((await details(id)).owner);
    } finally {
      await other.close();
    }
  });

  it('answers 404 in the CML envelope for an unknown lab on every per-lab route', async () => {
    const id = 'b9a5c7e2-0000-4000-8000-000000000000';
    const expected = { code: 404, description: `Lab not found: ${id}` };
    for (const res of [
      await get(`/api/v0/labs/${id}`),
      await put(`/api/v0/labs/${id}/start`),
      await put(`/api/v0/labs/${id}/stop`),
      await put(`/api/v0/labs/${id}/wipe`),
      await del(`/api/v0/labs/${id}`),
      await get(`/api/v0/labs/${id}/state`),
      await get(`/api/v0/labs/${id}/check_if_converged`),
      await get(`/api/v0/labs/${id}/topology`),
      await get(`/api/v0/labs/${id}/download`),
      await get(`/api/v0/labs/${id}/nodes`),
      await get(`/api/v0/labs/${id}/links`),
      await get(`/api/v0/labs/${id}/interfaces`),
      await get(`/api/v0/labs/${id}/lab_element_state`),
      await client.http.patch(`/api/v0/labs/${id}`, { title: 'x' }, client.bearer(adminToken)),
    ]) {
      expect(res.status).toBe(404);
      expect(res.data).toEqual(expected);
    }
  });

  it('walks start → stop → wipe → delete, bumping modified on each state change (times set to 0)', async () => {
    const [id] = sim.state.seedLabs({ count: 1 });
    const initial = await details(id);

    expect((await put(`/api/v0/labs/${id}/start`)).status).toBe(204);
    const started = await details(id);
    expect(started.state).toBe('STARTED');
    expect(Date.parse(started.modified)).toBeGreaterThan(Date.parse(initial.modified));

    expect((await put(`/api/v0/labs/${id}/stop`)).status).toBe(204);
    const stopped = await details(id);
    expect(stopped.state).toBe('STOPPED');
    expect(Date.parse(stopped.modified)).toBeGreaterThan(Date.parse(started.modified));

    expect((await put(`/api/v0/labs/${id}/wipe`)).status).toBe(204);
    const wiped = await details(id);
    expect(wiped.state).toBe('DEFINED_ON_CORE');
    expect(Date.parse(wiped.modified)).toBeGreaterThan(Date.parse(stopped.modified));

    expect((await del(`/api/v0/labs/${id}`)).status).toBe(204);
    expect((await get(`/api/v0/labs/${id}`)).status).toBe(404);
    expect((await get('/api/v0/labs')).data).toEqual([]);
  });

  it('treats stop of a lab that is not running as a no-op', async () => {
    const [id] = sim.state.seedLabs({ count: 1 });
    const before = await details(id);
    expect((await put(`/api/v0/labs/${id}/stop`)).status).toBe(204);
    expect(await details(id)).toEqual(before);
  });

  it('refuses to wipe a running lab', async () => {
    const [id] = sim.state.seedLabs({ count: 1, state: 'STARTED' });
    const res = await put(`/api/v0/labs/${id}/wipe`);
    expect(res.status).toBe(400);
    expect(res.data).toEqual({ code: 400, description: `Lab ${id} is running. Stop it before wiping.` });
    expect((await details(id)).state).toBe('STARTED');
  });

  it('deletes only labs that are stopped and wiped', async () => {
    for (const state of ['STARTED', 'STOPPED'] as const) {
      const [id] = sim.state.seedLabs({ count: 1, state });
      const res = await del(`/api/v0/labs/${id}`);
      expect(res.status).toBe(400);
      expect(res.data).toEqual({ code: 400, description: `Lab ${id} is not stopped and wiped` });
      expect((await details(id)).state).toBe(state);
    }
  });

  it('answers unknown routes with a CML-shaped 404', async () => {
    const res = await get('/api/v0/no_such_route');
    expect(res.status).toBe(404);
    expect(res.data).toEqual({ code: 404, description: 'Not found: GET /api/v0/no_such_route' });
  });
});
