import { RunningCmlSimulator, startCmlSimulator } from './start-cml-simulator';
import { createSimulatorTestClient, SimulatorTestClient } from './testing/simulator-test-client';
import { FOREIGN_404_HTML } from './request-fault-gate';
import { UNAUTHORIZED_DESCRIPTIONS } from './token-issuer';

describe('cml-simulator faults', () => {
  let sim: RunningCmlSimulator;
  let client: SimulatorTestClient;
  let token: string;

  beforeAll(async () => {
    sim = await startCmlSimulator();
    client = createSimulatorTestClient(sim);
    token = await client.login();
  });

  afterAll(async () => {
    client.close();
    await sim.close();
  });

  beforeEach(() => sim.state.reset());

  const listLabs = () => client.http.get('/api/v0/labs', client.bearer(token));
  const getLab = (id: string) => client.http.get(`/api/v0/labs/${id}`, client.bearer(token));
  const addFault = async (spec: object): Promise<string> => {
    const res = await client.http.post('/_sim/faults', spec);
    expect(res.status).toBe(200);
    return (res.data as { id: string }).id;
  };

  it('replace_json answers its JSON with 200 in place of the real answer', async () => {
    sim.state.seedLabs({ count: 2 });
    await addFault({ route: 'labs.list', kind: 'replace_json', json: ['NOT-A-UUID', 42], times: 1 });
    expect((await listLabs()).data).toEqual(['NOT-A-UUID', 42]);
    expect((await listLabs()).data).toHaveLength(2);
  });

  it('merge_json writes its fields over the real lab of labs.get, and only there', async () => {
    const [id, other] = sim.state.seedLabs({ count: 2 });
    await addFault({
      route: 'labs.get',
      kind: 'merge_json',
      labId: id,
      json: { lab_title: 'x'.repeat(5000) },
    });
    const res = await getLab(id);
    expect(res.data).toMatchObject({ id, lab_title: 'x'.repeat(5000), state: 'DEFINED_ON_CORE' });
    expect((await getLab(other)).data.lab_title).not.toBe('x'.repeat(5000));
    expect(
      (await client.http.post('/_sim/faults', { route: 'labs.list', kind: 'merge_json', json: {} })).status,
    ).toBe(400);
    expect(
      (await client.http.post('/_sim/faults', { route: 'labs.get', kind: 'merge_json', json: [1] })).status,
    ).toBe(400);
    expect(
      (await client.http.post('/_sim/faults', { route: 'labs.list', kind: 'replace_json' })).status,
    ).toBe(400);
  });

  it('latency delays the answer, then answers normally', async () => {
    sim.state.seedLabs({ count: 1 });
    await addFault({ route: 'labs.list', kind: 'latency', latencyMs: 250 });
    const started = Date.now();
    const res = await listLabs();
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(res.status).toBe(200);
    expect(res.data).toHaveLength(1);
  });

  it('error answers the given status (default 500) in the CML envelope', async () => {
    await addFault({ route: 'labs.list', kind: 'error', times: 1 });
    const res = await listLabs();
    expect(res.status).toBe(500);
    expect(res.data).toEqual({
      code: 500,
      description: expect.stringContaining('Simulated error 500 on labs.list'),
    });

    await addFault({ route: 'labs.list', kind: 'error', status: 503, times: 1 });
    const unavailable = await listLabs();
    expect(unavailable.status).toBe(503);
    expect(unavailable.data.code).toBe(503);
  });

  it('hang never answers: the client times out', async () => {
    await addFault({ route: 'system_information', kind: 'hang', times: 1 });
    await expect(client.http.get('/api/v0/system_information', { timeout: 200 })).rejects.toMatchObject({
      code: 'ECONNABORTED',
    });
    // The fault used its one application; the next call is answered.
    expect((await client.http.get('/api/v0/system_information')).status).toBe(200);
  });

  it('unauthorized answers 401 as if the token had expired', async () => {
    await addFault({ route: 'labs.list', kind: 'unauthorized', times: 1 });
    const res = await listLabs();
    expect(res).toMatchObject({
      status: 401,
      data: { code: 401, description: UNAUTHORIZED_DESCRIPTIONS.expired },
    });
    expect((await listLabs()).status).toBe(200);
  });

  it('empty_list answers [] and partial_list only the first `keep` ids', async () => {
    const ids = sim.state.seedLabs({ count: 4 });
    await addFault({ route: 'labs.list', kind: 'empty_list', times: 1 });
    expect((await listLabs()).data).toEqual([]);

    await addFault({ route: 'labs.list', kind: 'partial_list', keep: 1, times: 1 });
    expect((await listLabs()).data).toEqual(ids.slice(0, 1));

    await addFault({ route: 'labs.list', kind: 'partial_list', times: 1 });
    expect((await listLabs()).data).toEqual(ids.slice(0, 2));

    expect((await listLabs()).data).toEqual(ids);
  });

  it('not_ready makes system_information answer ready: false', async () => {
    await addFault({ route: 'system_information', kind: 'not_ready', times: 1 });
    expect((await client.http.get('/api/v0/system_information')).data).toMatchObject({
      version: '2.9.0',
      ready: false,
    });
    expect((await client.http.get('/api/v0/system_information')).data.ready).toBe(true);
  });

  it('bad_body answers 200 with JSON CML never sends, or with HTML', async () => {
    await addFault({ route: 'labs.list', kind: 'bad_body', times: 1 });
    expect(await listLabs()).toMatchObject({ status: 200, data: { unexpected: true } });

    await addFault({ route: 'authenticate', kind: 'bad_body', body: 'html', times: 1 });
    const html = await client.http.post('/api/v0/authenticate', {
      username: 'admin',
      password: 'admin-password',
    });
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.data).toMatch(/<html>/);
  });

  it('foreign_404 answers an nginx 404 page in HTML on the chosen lab only, as a reverse proxy would', async () => {
    const [proxied, healthy] = sim.state.seedLabs({ count: 2 });
    await addFault({ route: 'labs.get', kind: 'foreign_404', labId: proxied });
    const res = await getLab(proxied);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.data).toBe(FOREIGN_404_HTML);
    expect(res.data).toContain('<title>404 Not Found</title>');
    expect(res.data).not.toContain('Lab not found');
    // The lab is still there, and other labs and routes answer normally.
    expect((await getLab(healthy)).status).toBe(200);
    expect((await client.http.get(`/api/v0/labs/${proxied}/state`, client.bearer(token))).data).toBe(
      'DEFINED_ON_CORE',
    );
    expect(sim.state.listFaults()).toEqual([expect.objectContaining({ kind: 'foreign_404', applied: 1 })]);
  });

  it('foreign_404 on delete leaves the lab in place, and works on any route with route "*"', async () => {
    const [id] = sim.state.seedLabs({ count: 1 });
    await addFault({ route: 'labs.delete', kind: 'foreign_404', times: 1 });
    const res = await client.http.delete(`/api/v0/labs/${id}`, client.bearer(token));
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(sim.state.listLabs().map((l) => l.id)).toEqual([id]);

    await addFault({ route: '*', kind: 'foreign_404', times: 1 });
    const info = await client.http.get('/api/v0/system_information');
    expect(info.status).toBe(404);
    expect(info.data).toBe(FOREIGN_404_HTML);
  });

  it('times applies a fault N times, then removes it', async () => {
    await addFault({ route: 'labs.list', kind: 'error', status: 502, times: 2 });
    expect((await listLabs()).status).toBe(502);
    expect((await client.http.get('/_sim/faults')).data).toEqual([
      expect.objectContaining({ kind: 'error', remaining: 1, applied: 1 }),
    ]);
    expect((await listLabs()).status).toBe(502);
    expect((await listLabs()).status).toBe(200);
    expect((await client.http.get('/_sim/faults')).data).toEqual([]);
  });

  it('keeps a fault without times until cleared', async () => {
    await addFault({ route: '*', kind: 'error', status: 500 });
    expect((await listLabs()).status).toBe(500);
    expect((await client.http.get('/api/v0/system_information')).status).toBe(500);
    expect((await client.http.delete('/_sim/faults')).status).toBe(204);
    expect((await listLabs()).status).toBe(200);
  });

  it('labId restricts a per-lab fault to one lab', async () => {
    const [faulty, healthy] = sim.state.seedLabs({ count: 2 });
    await addFault({ route: 'labs.get', kind: 'error', status: 500, labId: faulty });
    expect((await getLab(faulty)).status).toBe(500);
    expect((await getLab(healthy)).status).toBe(200);
    // Routes without a lab id are not affected by a lab-scoped fault.
    expect((await listLabs()).status).toBe(200);
  });

  it('checks route names given to sim.state.addFault at run time, as the HTTP route does', () => {
    const route: string = 'labs.get';
    expect(typeof sim.state.addFault({ route, kind: 'foreign_404' })).toBe('string');
    expect(() => sim.state.addFault({ route: 'nodes.list', kind: 'error' })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it('rejects invalid faults with 400', async () => {
    for (const spec of [
      { route: 'labs.list', kind: 'explode' },
      { route: 'nodes.list', kind: 'error' },
      { route: 'labs.get', kind: 'empty_list' },
      { route: 'labs.list', kind: 'latency' },
      { route: 'labs.list', kind: 'error', times: 0 },
    ]) {
      const res = await client.http.post('/_sim/faults', spec);
      expect(res.status).toBe(400);
      expect(res.data.code).toBe(400);
    }
  });
});

describe('cml-simulator close()', () => {
  it('ends requests held by a hang fault', async () => {
    const sim = await startCmlSimulator();
    const client = createSimulatorTestClient(sim);
    sim.state.addFault({ route: 'system_information', kind: 'hang' });
    const pending = client.http.get('/api/v0/system_information');
    // Let the request reach the server before closing.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sim.close();
    await expect(pending).rejects.toThrow();
    client.close();
  });

  it('cancels pending latency so nothing keeps the process alive', async () => {
    const sim = await startCmlSimulator();
    const client = createSimulatorTestClient(sim);
    sim.state.addFault({ route: 'system_information', kind: 'latency', latencyMs: 60_000 });
    const pending = client.http.get('/api/v0/system_information');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sim.close();
    await expect(pending).rejects.toThrow();
    client.close();
  });
});
