import { LabView } from './simulated-lab';
import { RunningCmlSimulator, startCmlSimulator } from './start-cml-simulator';
import { createSimulatorTestClient, SimulatorTestClient } from './testing/simulator-test-client';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('cml-simulator labs API', () => {
  let sim: RunningCmlSimulator;
  let client: SimulatorTestClient;
  let adminToken: string;
  let aliceToken: string;

  beforeAll(async () => {
    sim = await startCmlSimulator({
      users: [
        { username: 'admin', password: 'admin-password', admin: true, fullname: 'Administrator' },
        { username: 'alice', password: 'alice-password', admin: false, fullname: 'Alice Liddell' },
      ],
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
    });
    expect(lab.owner).toMatch(UUID);
    expect(lab.created).toMatch(ISO_8601);
    expect(lab.modified).toMatch(ISO_8601);
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
    ]) {
      expect(res.status).toBe(404);
      expect(res.data).toEqual(expected);
    }
  });

  it('answers 403 when a non-admin touches someone else’s lab; admins may', async () => {
    const [adminLab] = sim.state.seedLabs({ count: 1 });
    const res = await get(`/api/v0/labs/${adminLab}`, aliceToken);
    expect(res.status).toBe(403);
    expect(res.data.code).toBe(403);
    expect((await put(`/api/v0/labs/${adminLab}/start`, aliceToken)).status).toBe(403);
    expect((await del(`/api/v0/labs/${adminLab}`, aliceToken)).status).toBe(403);

    const [aliceLab] = sim.state.seedLabs({ count: 1, owner: 'alice' });
    expect((await get(`/api/v0/labs/${aliceLab}`)).status).toBe(200);
  });

  it('walks start → stop → wipe → delete, bumping modified on each state change', async () => {
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
    const res = await get('/api/v0/nodes');
    expect(res.status).toBe(404);
    expect(res.data).toEqual({ code: 404, description: 'Not found: GET /api/v0/nodes' });
  });
});
