import { load } from 'js-yaml';
import { RunningCmlSimulator, startCmlSimulator } from './start-cml-simulator';
import { createSimulatorTestClient, SimulatorTestClient } from './testing/simulator-test-client';

const UUID4 = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;

const PAIR = `
lab:
  title: Pair
  description: two routers
  notes: some notes
  version: 0.3.0
nodes:
  - id: n0
    label: r1
    node_definition: iosv
    x: -100
    y: 0
    configuration: hostname r1
    interfaces:
      - {id: i0, label: Loopback0, type: loopback}
      - {id: i1, label: GigabitEthernet0/0, slot: 0, type: physical}
  - id: n1
    label: r2
    node_definition: iosv
    x: 100
    y: 0
    interfaces:
      - {id: i0, label: GigabitEthernet0/0, slot: 0, type: physical}
links:
  - {id: l0, n1: n0, n2: n1, i1: i1, i2: i0, label: r1-r2}
`;

interface TopologyBody {
  lab: Record<string, unknown>;
  nodes: (Record<string, unknown> & { id: string; interfaces: { id: string; label: string }[] })[];
  links: (Record<string, unknown> & { id: string; interface_a: string; interface_b: string })[];
}

describe('cml-simulator topology, nodes, interfaces and links', () => {
  let sim: RunningCmlSimulator;
  let client: SimulatorTestClient;
  let token: string;
  let labId: string;

  beforeAll(async () => {
    sim = await startCmlSimulator({ startMs: 0, stopMs: 0, wipeMs: 0 });
    client = createSimulatorTestClient(sim);
    token = await client.login();
  });

  afterAll(async () => {
    client.close();
    await sim.close();
  });

  beforeEach(async () => {
    sim.state.reset();
    const res = await client.http.post('/api/v0/import', PAIR, {
      headers: { ...client.bearer(token).headers, 'Content-Type': 'text/plain' },
    });
    labId = res.data.id as string;
  });

  const get = (path: string) => client.http.get(path, client.bearer(token));
  const topology = async (query = '') =>
    (await get(`/api/v0/labs/${labId}/topology${query}`)).data as TopologyBody;

  it('answers the topology as virl2-client joins it: uuids, interfaces in nodes, links by interface', async () => {
    const body = await topology('?exclude_configurations=false');
    expect(body.lab).toEqual({
      version: '0.3.0',
      title: 'Pair',
      description: 'two routers',
      notes: 'some notes',
      owner: '00000000-0000-4000-a000-000000000000',
    });
    expect(body.nodes.map((n) => n.label)).toEqual(['r1', 'r2']);
    const [r1, r2] = body.nodes;
    expect(r1).toMatchObject({
      x: -100,
      y: 0,
      node_definition: 'iosv',
      configuration: 'hostname r1',
      tags: [],
    });
    expect(r1.id).toMatch(UUID4);
    expect(r1.interfaces).toEqual([
      {
        id: expect.stringMatching(UUID4),
        label: 'Loopback0',
        slot: null,
        type: 'loopback',
        mac_address: null,
      },
      {
        id: expect.stringMatching(UUID4),
        label: 'GigabitEthernet0/0',
        slot: 0,
        type: 'physical',
        mac_address: null,
      },
    ]);
    expect(body.links).toEqual([
      {
        id: expect.stringMatching(UUID4),
        lab_id: labId,
        label: 'r1-r2',
        interface_a: r1.interfaces[1].id,
        interface_b: r2.interfaces[0].id,
        node_a: r1.id,
        node_b: r2.id,
      },
    ]);
    expect(body).toMatchObject({ annotations: [], smart_annotations: [] });
    expect((await topology('?exclude_configurations=true')).nodes[0]).not.toHaveProperty('configuration');
  });

  it('lists node ids, or node objects with data=true, and answers one node and its state', async () => {
    const ids = (await get(`/api/v0/labs/${labId}/nodes`)).data as string[];
    expect(ids).toHaveLength(2);
    const nodes = (
      await get(`/api/v0/labs/${labId}/nodes?data=true&operational=true&exclude_configurations=true`)
    ).data as Record<string, unknown>[];
    expect(nodes.map((n) => n.id)).toEqual(ids);
    expect(nodes[0]).toMatchObject({
      id: ids[0],
      lab_id: labId,
      label: 'r1',
      state: 'DEFINED_ON_CORE',
      boot_progress: 'Not running',
      compute_id: null,
      operational: expect.objectContaining({ compute_id: null }),
    });
    expect(nodes[0]).not.toHaveProperty('configuration');

    await client.http.put(`/api/v0/labs/${labId}/start`, undefined, client.bearer(token));
    const node = (await get(`/api/v0/labs/${labId}/nodes/${ids[1]}`)).data as Record<string, unknown>;
    expect(node).toMatchObject({ id: ids[1], label: 'r2', state: 'BOOTED', boot_progress: 'Booted' });
    expect(node.compute_id).toMatch(UUID4);
    expect((await get(`/api/v0/labs/${labId}/nodes/${ids[0]}/state`)).data).toEqual({
      state: 'BOOTED',
      progress: 'Booted',
    });

    const missing = 'aaaaaaaa-0000-4000-8000-000000000000';
    expect((await get(`/api/v0/labs/${labId}/nodes/${missing}`)).data).toEqual({
      code: 404,
      description: `Node not found: ${missing}`,
    });
  });

  it('answers the state of every element, following the lifecycle', async () => {
    const body = await topology();
    const state = async () => (await get(`/api/v0/labs/${labId}/lab_element_state`)).data;
    const all = (value: string) => ({
      nodes: Object.fromEntries(body.nodes.map((n) => [n.id, value === 'STARTED' ? 'BOOTED' : value])),
      links: Object.fromEntries(body.links.map((l) => [l.id, value])),
      interfaces: Object.fromEntries(body.nodes.flatMap((n) => n.interfaces.map((i) => [i.id, value]))),
    });
    expect(await state()).toEqual(all('DEFINED_ON_CORE'));
    await client.http.put(`/api/v0/labs/${labId}/start`, undefined, client.bearer(token));
    expect(await state()).toEqual(all('STARTED'));
    await client.http.put(`/api/v0/labs/${labId}/stop`, undefined, client.bearer(token));
    expect(await state()).toEqual(all('STOPPED'));
  });

  it('lists interfaces (objects, as virl2-client 2.10 reads them; ids with data=false) and links', async () => {
    const body = await topology();
    const ifaceIds = body.nodes.flatMap((n) => n.interfaces.map((i) => i.id));
    expect((await get(`/api/v0/labs/${labId}/interfaces?data=false`)).data).toEqual(ifaceIds);
    expect((await get(`/api/v0/labs/${labId}/interfaces`)).data).toEqual(
      (await get(`/api/v0/labs/${labId}/interfaces?data=true`)).data,
    );
    const ifaces = (await get(`/api/v0/labs/${labId}/interfaces?data=true`)).data as Record<
      string,
      unknown
    >[];
    expect(ifaces[1]).toMatchObject({
      id: ifaceIds[1],
      node: body.nodes[0].id,
      label: 'GigabitEthernet0/0',
      is_connected: true,
      state: 'DEFINED_ON_CORE',
      operational: expect.any(Object),
    });
    expect(ifaces[0]).toMatchObject({ type: 'loopback', is_connected: false });
    expect((await get(`/api/v0/labs/${labId}/nodes/${body.nodes[1].id}/interfaces`)).data).toEqual([
      ifaceIds[2],
    ]);
    expect((await get(`/api/v0/labs/${labId}/interfaces/${ifaceIds[2]}`)).data).toMatchObject({
      id: ifaceIds[2],
    });

    const linkIds = body.links.map((l) => l.id);
    expect((await get(`/api/v0/labs/${labId}/links`)).data).toEqual(linkIds);
    expect((await get(`/api/v0/labs/${labId}/links?data=true`)).data).toEqual([
      expect.objectContaining({ id: linkIds[0], state: 'DEFINED_ON_CORE', interface_a: ifaceIds[1] }),
    ]);
    expect((await get(`/api/v0/labs/${labId}/links/${linkIds[0]}`)).data).toMatchObject({ label: 'r1-r2' });
    expect((await get(`/api/v0/labs/${labId}/links/${ifaceIds[0]}`)).data).toEqual({
      code: 404,
      description: `Link not found: ${ifaceIds[0]}`,
    });
  });

  it('downloads the lab as topology YAML with file-local ids that imports back to the same lab', async () => {
    const res = await get(`/api/v0/labs/${labId}/download`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const yaml = res.data as string;
    const document = load(yaml) as TopologyBody & { links: Record<string, unknown>[] };
    expect(document.lab).toMatchObject({ title: 'Pair', description: 'two routers', version: '0.3.0' });
    expect(document.nodes.map((n) => n.id)).toEqual(['n0', 'n1']);
    expect(document.nodes[0].interfaces.map((i) => i.id)).toEqual(['i0', 'i1']);
    expect(document.links).toEqual([{ id: 'l0', n1: 'n0', n2: 'n1', i1: 'i1', i2: 'i0', label: 'r1-r2' }]);

    const again = await client.http.post('/api/v0/import?title=Copy', yaml, {
      headers: { ...client.bearer(token).headers, 'Content-Type': 'application/json' },
      transformRequest: [(data: unknown) => data],
    });
    expect(again.status).toBe(200);
    const copy = (await get(`/api/v0/labs/${again.data.id}/topology`)).data as TopologyBody;
    const shape = (t: TopologyBody) => ({
      nodes: t.nodes.map((n) => [n.label, n.x, n.interfaces.map((i) => i.label)]),
      links: t.links.map((l) => l.label),
    });
    expect(shape(copy)).toEqual(shape(await topology()));
    expect(copy.lab.title).toBe('Copy');
  });

  it('answers what a full sync reads: simulation stats, layer 3 addresses and resource pools', async () => {
    const body = await topology();
    expect((await get(`/api/v0/labs/${labId}/simulation_stats`)).data).toEqual({
      nodes: Object.fromEntries(
        body.nodes.map((n) => [n.id, { cpu_usage: 0, block0_rd_bytes: 0, block0_wr_bytes: 0 }]),
      ),
      links: {
        [body.links[0].id]: { readbytes: 0, readpackets: 0, writebytes: 0, writepackets: 0, drops: 0 },
      },
    });
    expect((await get(`/api/v0/labs/${labId}/layer3_addresses`)).data).toEqual({});
    expect((await get(`/api/v0/labs/${labId}/resource_pools`)).data).toEqual([]);
    expect((await get('/api/v0/resource_pools?data=true')).data).toEqual([]);
  });

  it('counts each route under its own name', async () => {
    sim.state.resetStats();
    await topology();
    await get(`/api/v0/labs/${labId}/nodes`);
    await get(`/api/v0/labs/${labId}/lab_element_state`);
    await get(`/api/v0/labs/${labId}/download`);
    await get(`/api/v0/labs/${labId}/check_if_converged`);
    await get(`/api/v0/labs/${labId}/state`);
    expect(sim.state.stats().requests).toEqual({
      'labs.topology': 1,
      'labs.nodes': 1,
      'labs.element_state': 1,
      'labs.download': 1,
      'labs.converged': 1,
      'labs.state': 1,
    });
  });
});
