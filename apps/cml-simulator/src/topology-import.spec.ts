import { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
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

const UUID4 = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;

/** Two routers with explicit interfaces, linked interface to interface, as CML exports a topology. */
const WITH_INTERFACES = `
lab:
  title: Pair
  version: 0.3.0
nodes:
  - id: n0
    label: r1
    node_definition: iosv
    x: -100
    y: 50
    ram: 512
    tags: [core]
    configuration: hostname r1
    interfaces:
      - id: i0
        label: Loopback0
        type: loopback
      - id: i1
        label: GigabitEthernet0/0
        slot: 0
        type: physical
  - id: n1
    label: r2
    node_definition: iosv
    x: 100
    y: 50
    interfaces:
      - id: i0
        label: GigabitEthernet0/0
        slot: 0
        type: physical
links:
  - id: l0
    n1: n0
    n2: n1
    i1: i1
    i2: i0
    label: r1-r2
`;

describe('importTopology', () => {
  it('reads title, description, notes, and makes nodes and links with fresh uuids', () => {
    const topology = importTopology(TOPOLOGY);
    expect(topology).toMatchObject({
      title: 'Branch office',
      description: 'Two routers and a switch',
      notes: 'Imported from the demo\n',
    });
    expect(topology.nodes.map((n) => [n.label, n.nodeDefinition, n.state])).toEqual([
      ['r1', 'iosv', 'DEFINED_ON_CORE'],
      ['r2', 'iosv', 'DEFINED_ON_CORE'],
      ['sw1', 'iosvl2', 'DEFINED_ON_CORE'],
    ]);
    expect(topology.links).toHaveLength(2);
    for (const id of [...topology.nodes.map((n) => n.id), ...topology.links.map((l) => l.id)]) {
      expect(id).toMatch(UUID4);
    }
    // Links without i1/i2 get a new interface on each end.
    const [r1, , sw1] = topology.nodes;
    expect(topology.links[0]).toMatchObject({ nodeA: r1.id, nodeB: sw1.id });
    expect(r1.interfaces).toHaveLength(1);
    expect(sw1.interfaces).toHaveLength(2);
  });

  it('keeps interfaces as given and links them by i1/i2', () => {
    const { nodes, links } = importTopology(WITH_INTERFACES);
    const [r1, r2] = nodes;
    expect(r1).toMatchObject({ x: -100, y: 50, ram: 512, tags: ['core'], configuration: 'hostname r1' });
    expect(r1.interfaces.map((i) => [i.label, i.slot, i.type])).toEqual([
      ['Loopback0', null, 'loopback'],
      ['GigabitEthernet0/0', 0, 'physical'],
    ]);
    expect(links).toEqual([
      {
        id: expect.stringMatching(UUID4),
        label: 'r1-r2',
        nodeA: r1.id,
        nodeB: r2.id,
        interfaceA: r1.interfaces[1].id,
        interfaceB: r2.interfaces[0].id,
      },
    ]);
  });

  it('lets the title parameter win and tolerates a missing lab section', () => {
    expect(importTopology('nodes: []\nlinks: []\n', 'Given')).toMatchObject({ title: 'Given', nodes: [] });
  });

  it('rejects invalid YAML, non-mapping documents and dangling references with 400', () => {
    for (const bad of [
      'lab: [unclosed',
      '- just\n- a list\n',
      'nodes: 3\n',
      'nodes:\n  - id: n0\n    label: r1\n',
      'nodes:\n  - id: n0\n    node_definition: iosv\nlinks:\n  - id: l0\n    n1: n0\n    n2: n9\n',
      'nodes:\n  - id: n0\n    node_definition: iosv\n  - id: n0\n    node_definition: iosv\n',
      'nodes:\n  - {id: n0, node_definition: iosv}\n  - {id: n1, node_definition: iosv}\n' +
        'links:\n  - {id: l0, n1: n0, n2: n1, i1: i7}\n',
    ]) {
      expect(() => importTopology(bad)).toThrow(expect.objectContaining({ status: 400 }));
    }
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

  /** A POST with no Content-Type header at all (httpx sends none for `content=`). */
  const rawPost = (path: string, body: string, bearer: string) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const url = new URL(path, sim.url);
      const req = request(
        url,
        { method: 'POST', ca: sim.caCertPem, headers: { Authorization: `Bearer ${bearer}` }, agent: false },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

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
      const nodeIds = (await client.http.get(`/api/v0/labs/${res.data.id}/nodes`, client.bearer(token))).data;
      expect(nodeIds).toHaveLength(3);
      for (const id of nodeIds as string[]) expect(id).toMatch(UUID4);
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

  it('parses the body as YAML without a Content-Type (as virl2-client sends it), or JSON holding the document', async () => {
    const bare = await rawPost('/api/v0/import', TOPOLOGY, token);
    expect(bare.status).toBe(200);
    expect(bare.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(bare.body)).toEqual({ id: expect.stringMatching(UUID4), warnings: [] });
    const asJson = await importAs(
      JSON.stringify({ lab: { title: 'JSON' }, nodes: [], links: [] }),
      'application/json',
    );
    expect(asJson.status).toBe(200);
    expect(sim.state.listLabs().map((l) => l.lab_title)).toEqual(['Branch office', 'JSON']);
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
