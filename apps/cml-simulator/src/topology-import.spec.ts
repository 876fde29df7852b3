import { LabView } from './simulated-lab';
import { RunningCmlSimulator, startCmlSimulator } from './start-cml-simulator';
import { createSimulatorTestClient, SimulatorTestClient } from './testing/simulator-test-client';
import { importTopology } from './topology-import';

const TOPOLOGY = `
lab:
  title: Branch office
  description: Two routers and a switch
  notes: |
    Imported from the demo
  version: '0.2.2'
nodes:
  - id: n0
    label: r1
    node_definition: iosv
  - id: n1
    label: r2
    node_definition: iosv
  - id: n2
    label: sw1
    node_definition: iosvl2
links:
  - id: l0
    n1: n0
    n2: n2
  - id: l1
    n1: n1
    n2: n2
`;

describe('importTopology', () => {
  it('reads title, description, notes and counts nodes and links', () => {
    expect(importTopology(TOPOLOGY)).toEqual({
      title: 'Branch office',
      description: 'Two routers and a switch',
      notes: 'Imported from the demo\n',
      nodeCount: 3,
      linkCount: 2,
    });
  });

  it('lets the title parameter win and tolerates a missing lab section', () => {
    expect(importTopology('nodes: []\nlinks: []\n', 'Given')).toMatchObject({ title: 'Given', nodeCount: 0 });
  });

  it('rejects invalid YAML and non-mapping documents with 400', () => {
    expect(() => importTopology('lab: [unclosed')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => importTopology('- just\n- a list\n')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => importTopology('nodes: 3\n')).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('cml-simulator POST /api/v0/import', () => {
  let sim: RunningCmlSimulator;
  let client: SimulatorTestClient;
  let token: string;

  beforeAll(async () => {
    sim = await startCmlSimulator({
      users: [
        { username: 'admin', password: 'admin-password', admin: true },
        { username: 'bob', password: 'bob-password', admin: false, fullname: 'Bob' },
      ],
    });
    client = createSimulatorTestClient(sim);
    token = await client.login('bob', 'bob-password');
  });

  afterAll(async () => {
    client.close();
    await sim.close();
  });

  beforeEach(() => sim.state.reset());

  const importAs = (body: string, contentType: string, query = '') =>
    client.http.post(`/api/v0/import${query}`, body, {
      headers: { ...client.bearer(token).headers, 'Content-Type': contentType },
      // Send the body exactly as given; axios would otherwise JSON-encode strings for application/json.
      transformRequest: [(data: unknown) => data],
    });

  it.each(['text/plain', 'application/x-yaml'])(
    'imports YAML sent as %s into a lab owned by the caller',
    async (type) => {
      const res = await importAs(TOPOLOGY, type);
      expect(res.status).toBe(200);
      expect(res.data).toEqual({ id: expect.any(String), warnings: [] });

      const lab = (await client.http.get(`/api/v0/labs/${res.data.id}`, client.bearer(token)))
        .data as LabView;
      expect(lab).toMatchObject({
        state: 'DEFINED_ON_CORE',
        lab_title: 'Branch office',
        lab_description: 'Two routers and a switch',
        owner_username: 'bob',
        node_count: 3,
        link_count: 2,
      });
      expect((await client.http.get('/api/v0/labs', client.bearer(token))).data).toEqual([res.data.id]);
    },
  );

  it('imports a YAML document sent as a JSON string, with ?title= overriding the file', async () => {
    const res = await importAs(JSON.stringify(TOPOLOGY), 'application/json', '?title=Renamed');
    expect(res.status).toBe(200);
    expect(sim.state.listLabs()).toEqual([
      expect.objectContaining({ id: res.data.id, lab_title: 'Renamed' }),
    ]);
  });

  it('answers 400 for invalid YAML and creates nothing', async () => {
    const res = await importAs('lab: {title: [broken', 'text/plain');
    expect(res.status).toBe(400);
    expect(res.data.code).toBe(400);
    expect(res.data.description).toMatch(/^Invalid topology YAML/);
    expect(sim.state.listLabs()).toEqual([]);
  });

  it('needs a token', async () => {
    const res = await client.http.post('/api/v0/import', TOPOLOGY, {
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(res.status).toBe(401);
  });
});
