import { ApiHarness, startApiHarness } from './support/api-harness';

describe('Worker endpoint SSRF guard (e2e)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    // Overrides the harness default, which allows loopback for the simulator.
    h = await startApiHarness('endpoint_guard_e2e', { CML_ALLOW_PRIVATE_ENDPOINTS: '' });
  });
  afterAll(() => h.close());

  const worker = (name: string, endpoint: string) => ({
    name,
    endpoint,
    username: 'admin',
    password: 'sup3r-secret',
  });

  it.each([
    ['loopback', 'https://127.0.0.1:9443', '127.0.0.1'],
    ['cloud metadata', 'https://169.254.169.254', '169.254.169.254'],
    ['IPv6 loopback', 'https://[::1]:9443', '::1'],
  ])('refuses a %s endpoint with 400 problem+json naming it', async (_kind, endpoint, address) => {
    const res = await h
      .http()
      .post('/api/workers')
      .send(worker(`blocked-${address}`, endpoint));

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = JSON.parse(res.text) as { detail: string; errors: { field: string }[] };
    expect(problem.detail).toContain(`endpoint resolves to a blocked address: ${endpoint}`);
    expect(problem.detail).toContain(`(${address})`);
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'endpoint' })]);
    expect(await h.db.collection('workers').countDocuments({ endpoint })).toBe(0);
  });

  it('accepts an endpoint on a private lab network', async () => {
    await h.http().post('/api/workers').send(worker('lab-net', 'https://10.0.0.5')).expect(201);
  });

  it('refuses to move an existing worker to a blocked endpoint', async () => {
    const created = await h
      .http()
      .post('/api/workers')
      .send(worker('movable', 'https://10.0.0.6'))
      .expect(201);

    const res = await h
      .http()
      .patch(`/api/workers/${created.body.id as string}`)
      .send({ endpoint: 'https://169.254.169.254', password: 'p' });

    expect(res.status).toBe(400);
    expect(res.text).toContain('cloud metadata');
  });
});
