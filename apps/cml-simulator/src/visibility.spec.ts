import { LabView } from './simulated-lab';
import { RunningCmlSimulator, startCmlSimulator } from './start-cml-simulator';
import { createSimulatorTestClient, SimulatorTestClient } from './testing/simulator-test-client';

const USERS = [
  { username: 'admin', password: 'admin-password', admin: true, fullname: 'Administrator' },
  { username: 'alice', password: 'alice-password', admin: false, fullname: 'Alice', groups: ['students'] },
  {
    username: 'bob',
    password: 'bob-password',
    admin: false,
    fullname: 'Bob',
    groups: ['teachers', 'students'],
  },
];

describe('cml-simulator visibility and permissions per user', () => {
  let sim: RunningCmlSimulator;
  let client: SimulatorTestClient;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    sim = await startCmlSimulator({ users: USERS, startMs: 0, stopMs: 0, wipeMs: 0 });
    client = createSimulatorTestClient(sim);
    for (const u of USERS) {
      tokens[u.username] = await client.login(u.username, u.password);
    }
  });

  afterAll(async () => {
    client.close();
    await sim.close();
  });

  beforeEach(() => sim.state.reset());

  const get = (path: string, as: string) => client.http.get(path, client.bearer(tokens[as]));
  const put = (path: string, as: string) => client.http.put(path, undefined, client.bearer(tokens[as]));
  const del = (path: string, as: string) => client.http.delete(path, client.bearer(tokens[as]));

  /** admin: 2 own labs; alice: 1 own; bob: 1 own; one admin lab shared read_only with students, one read_write with teachers. */
  const seedWorld = () => {
    const [adminPrivate] = sim.state.seedLabs({ count: 1 });
    const [sharedStudents] = sim.state.seedLabs({
      count: 1,
      groups: [{ name: 'students', permission: 'read_only' }],
    });
    const [sharedTeachers] = sim.state.seedLabs({
      count: 1,
      groups: [{ name: 'teachers', permission: 'read_write' }],
    });
    const [aliceOwn] = sim.state.seedLabs({ count: 1, owner: 'alice' });
    const [bobOwn] = sim.state.seedLabs({ count: 1, owner: 'bob' });
    return { adminPrivate, sharedStudents, sharedTeachers, aliceOwn, bobOwn };
  };

  it('without show_all lists the caller’s own labs only, for admins too', async () => {
    const w = seedWorld();
    expect((await get('/api/v0/labs', 'admin')).data).toEqual([
      w.adminPrivate,
      w.sharedStudents,
      w.sharedTeachers,
    ]);
    expect((await get('/api/v0/labs', 'alice')).data).toEqual([w.aliceOwn]);
    expect((await get('/api/v0/labs?show_all=false', 'bob')).data).toEqual([w.bobOwn]);
  });

  it('with show_all=true an admin sees every lab; a non-admin its own plus those shared with its groups', async () => {
    const w = seedWorld();
    expect((await get('/api/v0/labs?show_all=true', 'admin')).data).toEqual([
      w.adminPrivate,
      w.sharedStudents,
      w.sharedTeachers,
      w.aliceOwn,
      w.bobOwn,
    ]);
    expect((await get('/api/v0/labs?show_all=true', 'alice')).data).toEqual([w.sharedStudents, w.aliceOwn]);
    expect((await get('/api/v0/labs?show_all=True', 'bob')).data).toEqual([
      w.sharedStudents,
      w.sharedTeachers,
      w.bobOwn,
    ]);
  });

  it('answers another user’s invisible lab like an unknown one by default: 404 "Lab not found: <id>"', async () => {
    const w = seedWorld();
    const expected = { code: 404, description: `Lab not found: ${w.adminPrivate}` };
    for (const res of [
      await get(`/api/v0/labs/${w.adminPrivate}`, 'alice'),
      await get(`/api/v0/labs/${w.adminPrivate}/state`, 'alice'),
      await get(`/api/v0/labs/${w.adminPrivate}/topology`, 'alice'),
      await get(`/api/v0/labs/${w.adminPrivate}/check_if_converged`, 'alice'),
      await put(`/api/v0/labs/${w.adminPrivate}/start`, 'alice'),
      await del(`/api/v0/labs/${w.adminPrivate}`, 'alice'),
    ]) {
      expect(res.status).toBe(404);
      expect(res.data).toEqual(expected);
    }
    expect((await get(`/api/v0/labs/${w.bobOwn}`, 'alice')).status).toBe(404);
    // Nothing happened to the lab.
    expect(sim.state.listLabs().find((l) => l.id === w.adminPrivate)?.state).toBe('DEFINED_ON_CORE');
  });

  it('answers 403 instead when foreignLabStatus is 403 (setting at run time, or option at start)', async () => {
    const w = seedWorld();
    expect((await client.http.patch('/_sim/settings', { foreignLabStatus: 403 })).data).toMatchObject({
      foreignLabStatus: 403,
    });
    for (const res of [
      await get(`/api/v0/labs/${w.adminPrivate}`, 'alice'),
      await put(`/api/v0/labs/${w.adminPrivate}/stop`, 'alice'),
      await del(`/api/v0/labs/${w.adminPrivate}`, 'alice'),
    ]) {
      expect(res.status).toBe(403);
      expect(res.data).toEqual({
        code: 403,
        description: `User alice does not have access to lab ${w.adminPrivate}`,
      });
    }
    // An unknown lab is still a 404.
    const unknown = 'b9a5c7e2-0000-4000-8000-000000000000';
    expect((await get(`/api/v0/labs/${unknown}`, 'alice')).data).toEqual({
      code: 404,
      description: `Lab not found: ${unknown}`,
    });
    expect((await client.http.patch('/_sim/settings', { foreignLabStatus: 401 })).status).toBe(400);

    const strict = await startCmlSimulator({ users: USERS, foreignLabStatus: 403 });
    const strictClient = createSimulatorTestClient(strict);
    try {
      const [lab] = strict.state.seedLabs({ count: 1 });
      const token = await strictClient.login('bob', 'bob-password');
      expect((await strictClient.http.get(`/api/v0/labs/${lab}`, strictClient.bearer(token))).status).toBe(
        403,
      );
    } finally {
      strictClient.close();
      await strict.close();
    }
  });

  it('reports the caller’s effective_permissions and enforces them: read_only views, read_write runs', async () => {
    const w = seedWorld();
    const asAlice = (await get(`/api/v0/labs/${w.sharedStudents}`, 'alice')).data as LabView;
    expect(asAlice.effective_permissions).toEqual(['lab_view']);
    expect(asAlice.groups).toEqual([{ id: expect.any(String), permission: 'read_only', name: 'students' }]);
    const start = await put(`/api/v0/labs/${w.sharedStudents}/start`, 'alice');
    expect(start.status).toBe(403);
    expect(start.data).toEqual({
      code: 403,
      description: `User alice does not have lab_exec permission on lab ${w.sharedStudents}`,
    });

    const asBob = (await get(`/api/v0/labs/${w.sharedTeachers}`, 'bob')).data as LabView;
    expect(asBob.effective_permissions).toEqual(['lab_edit', 'lab_exec', 'lab_view']);
    expect((await put(`/api/v0/labs/${w.sharedTeachers}/start`, 'bob')).status).toBe(204);
    expect((await put(`/api/v0/labs/${w.sharedTeachers}/stop`, 'bob')).status).toBe(204);
    expect((await put(`/api/v0/labs/${w.sharedTeachers}/wipe`, 'bob')).status).toBe(204);
    expect((await del(`/api/v0/labs/${w.sharedTeachers}`, 'bob')).data).toEqual({
      code: 403,
      description: `User bob does not have lab_admin permission on lab ${w.sharedTeachers}`,
    });

    // Owners and admins have every permission.
    const full = ['lab_admin', 'lab_edit', 'lab_exec', 'lab_view'];
    expect((await get(`/api/v0/labs/${w.aliceOwn}`, 'alice')).data.effective_permissions).toEqual(full);
    expect((await get(`/api/v0/labs/${w.aliceOwn}`, 'admin')).data.effective_permissions).toEqual(full);
    expect((await del(`/api/v0/labs/${w.aliceOwn}`, 'admin')).status).toBe(204);
  });

  it('shares labs with groups by name through /_sim PATCH, and the view names the group', async () => {
    const [id] = sim.state.seedLabs({ count: 1 });
    expect((await get(`/api/v0/labs/${id}`, 'alice')).status).toBe(404);
    const patched = await client.http.patch(`/_sim/labs/${id}`, {
      groups: [{ name: 'students', permission: 'read_only' }],
    });
    expect(patched.status).toBe(200);
    expect(patched.data.groups).toEqual([
      { id: expect.any(String), permission: 'read_only', name: 'students' },
    ]);
    expect((await get(`/api/v0/labs/${id}`, 'alice')).status).toBe(200);
    expect((await get('/api/v0/labs?show_all=true', 'alice')).data).toEqual([id]);
    expect(
      (await client.http.patch(`/_sim/labs/${id}`, { groups: [{ permission: 'read_only' }] })).status,
    ).toBe(400);
  });

  it('populate_lab_tiles returns the labs the caller can see, keyed by id, with a light topology', async () => {
    const w = seedWorld();
    const admin = (await get('/api/v0/populate_lab_tiles', 'admin')).data as {
      lab_tiles: Record<string, LabView>;
    };
    expect(Object.keys(admin.lab_tiles)).toHaveLength(5);
    const alice = (await get('/api/v0/populate_lab_tiles', 'alice')).data as {
      lab_tiles: Record<string, LabView & { topology: { nodes: unknown[]; links: unknown[] } }>;
    };
    expect(Object.keys(alice.lab_tiles).sort()).toEqual([w.sharedStudents, w.aliceOwn].sort());
    const tile = alice.lab_tiles[w.aliceOwn];
    expect(tile).toMatchObject({
      id: w.aliceOwn,
      owner_username: 'alice',
      state: 'DEFINED_ON_CORE',
      node_count: 2,
    });
    expect(tile.topology.nodes).toEqual([
      expect.objectContaining({ label: 'iosv-0', node_definition: 'iosv', state: 'DEFINED_ON_CORE' }),
      expect.objectContaining({ label: 'iosv-1' }),
    ]);
    expect(tile.topology.links).toEqual([expect.objectContaining({ state: 'DEFINED_ON_CORE' })]);
  });

  it('lists users at GET /users for anyone logged in (ids, names, admin flag, group ids; no passwords)', async () => {
    const res = await get('/api/v0/users', 'alice');
    expect(res.status).toBe(200);
    const users = res.data as Record<string, unknown>[];
    expect(users.map((u) => u.username)).toEqual(['admin', 'alice', 'bob']);
    expect(users[0]).toMatchObject({ id: '00000000-0000-4000-a000-000000000000', admin: true });
    expect(users[2].groups).toHaveLength(2);
    expect(JSON.stringify(users)).not.toContain('password');
    const one = await get(`/api/v0/users/${users[1].id as string}`, 'bob');
    expect(one.data).toMatchObject({ username: 'alice', fullname: 'Alice' });
    expect((await get('/api/v0/users/nobody', 'bob')).status).toBe(404);
  });
});

describe('cml-simulator /_sim/users', () => {
  let sim: RunningCmlSimulator;
  let client: SimulatorTestClient;

  beforeAll(async () => {
    sim = await startCmlSimulator();
    client = createSimulatorTestClient(sim);
  });

  afterAll(async () => {
    client.close();
    await sim.close();
  });

  it('adds a non-admin at run time who can log in and sees only its own labs', async () => {
    const added = await client.http.post('/_sim/users', {
      username: 'carol',
      password: 'carol-password',
      fullname: 'Carol',
      groups: ['ops'],
    });
    expect(added.status).toBe(200);
    expect(added.data).toEqual({
      id: expect.stringMatching(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/),
      username: 'carol',
      fullname: 'Carol',
      admin: false,
      groups: [{ id: expect.any(String), name: 'ops' }],
    });
    const listed = (await client.http.get('/_sim/users')).data as { username: string }[];
    expect(listed.map((u) => u.username)).toEqual(['admin', 'carol']);
    expect(JSON.stringify(listed)).not.toContain('carol-password');

    sim.state.seedLabs({ count: 2 });
    const [own] = sim.state.seedLabs({ count: 1, owner: 'carol' });
    const token = await client.login('carol', 'carol-password');
    expect((await client.http.get('/api/v0/labs?show_all=true', client.bearer(token))).data).toEqual([own]);

    // Users survive a reset.
    sim.state.reset();
    expect(typeof (await client.login('carol', 'carol-password'))).toBe('string');
  });

  it('refuses a duplicate or malformed user with 400', async () => {
    for (const body of [
      { username: 'admin', password: 'x' },
      { username: '', password: 'x' },
      { username: 'dave' },
      { username: 'dave', password: 'x', role: 'admin' },
    ]) {
      const res = await client.http.post('/_sim/users', body);
      expect(res.status).toBe(400);
      expect(res.data.code).toBe(400);
    }
  });
});
