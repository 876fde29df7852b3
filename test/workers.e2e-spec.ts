import { ApiHarness, startApiHarness } from './support/api-harness';

describe('Workers API (e2e, FerretDB + CML simulator over HTTPS)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness('workers_e2e');
  });
  afterAll(() => h.close());

  const valid = {
    name: 'cml-a',
    endpoint: 'https://cml-a.example.com',
    username: 'admin',
    password: 'sup3r-secret',
  };

  it('creates a worker without checking anything remote and never returns the password', async () => {
    const res = await h.http().post('/api/workers').send(valid).expect(201);
    expect(res.body).toMatchObject({
      name: 'cml-a',
      endpoint: 'https://cml-a.example.com',
      verifyTls: true,
      enabled: true,
      reconcileMode: 'enforce',
      lastReconcile: null,
    });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(res.body)).not.toContain('sup3r-secret');
    expect(res.body).not.toHaveProperty('password');
    expect(res.body).not.toHaveProperty('username');

    const stored = await h.db.collection('workers').findOne({ _id: res.body.id });
    expect(JSON.stringify(stored)).not.toContain('sup3r-secret');
    expect(stored?.passwordCiphertext).toMatch(/^v2\.[0-9a-f]{8}\./);
  });

  it('answers 409 for a taken name (any case) or endpoint', async () => {
    const name = await h
      .http()
      .post('/api/workers')
      .send({ ...valid, name: 'CML-A', endpoint: 'https://other.example.com' });
    expect(name.status).toBe(409);
    expect(name.headers['content-type']).toContain('application/problem+json');
    const endpoint = await h
      .http()
      .post('/api/workers')
      .send({ ...valid, name: 'cml-b', endpoint: 'https://CML-A.example.com/' });
    expect(endpoint.status).toBe(409);
  });

  it('pages through workers with a cursor', async () => {
    for (let i = 0; i < 4; i++) {
      await h
        .http()
        .post('/api/workers')
        .send({ ...valid, name: `page-${i}`, endpoint: `https://page-${i}.example.com:8443` })
        .expect(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await h
        .http()
        .get('/api/workers')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((w) => w.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it('patches settings, re-encrypts a new password, and 404s unknown workers', async () => {
    const created = await h
      .http()
      .post('/api/workers')
      .send({ ...valid, name: 'patch-me', endpoint: 'https://patch.example.com' })
      .expect(201);
    const before = await h.db.collection('workers').findOne({ _id: created.body.id });
    const res = await h
      .http()
      .patch(`/api/workers/${created.body.id}`)
      .send({ enabled: false, reconcileMode: 'observe', password: 'n3w-secret' })
      .expect(200);
    expect(res.body).toMatchObject({ enabled: false, reconcileMode: 'observe' });
    const after = await h.db.collection('workers').findOne({ _id: created.body.id });
    expect(after?.passwordCiphertext).not.toEqual(before?.passwordCiphertext);
    await h
      .http()
      .patch('/api/workers/00000000-0000-4000-8000-000000000000')
      .send({ enabled: true })
      .expect(404);
    await h.http().get('/api/workers/00000000-0000-4000-8000-000000000000').expect(404);
    // The stored password never follows the worker to another server, another user or weaker TLS.
    for (const change of [
      { endpoint: 'https://elsewhere.example.com' },
      { username: 'other' },
      { verifyTls: false },
    ]) {
      const res = await h.http().patch(`/api/workers/${created.body.id}`).send(change);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'password', message: 'required with this change' }]);
    }
    await h
      .http()
      .patch(`/api/workers/${created.body.id}`)
      .send({ endpoint: 'https://elsewhere.example.com', password: 'for-elsewhere' })
      .expect(200);
  });

  it('removes a worker and its lab records, never touching CML', async () => {
    const workerId = await h.registerSimulatorWorker('to-remove');
    h.simulator.state.seedLabs({ count: 3 });
    await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
    expect(await h.db.collection('lab_records').countDocuments({ workerId })).toBe(3);
    await h.http().delete(`/api/workers/${workerId}`).expect(204);
    expect(await h.db.collection('lab_records').countDocuments({ workerId })).toBe(0);
    expect(h.simulator.state.listLabs()).toHaveLength(3);
    await h.http().get(`/api/workers/${workerId}`).expect(404);
    await h.http().delete(`/api/workers/${workerId}`).expect(404);
  });

  describe('bad input is a 4xx problem+json and changes nothing', () => {
    const cases: [
      string,
      () => Promise<{ status: number; headers: Record<string, string>; body: unknown }>,
      number,
    ][] = [
      [
        'http endpoint',
        () =>
          h
            .http()
            .post('/api/workers')
            .send({ ...valid, name: 'x1', endpoint: 'http://cml.example.com' }),
        400,
      ],
      [
        'endpoint with a path',
        () =>
          h
            .http()
            .post('/api/workers')
            .send({ ...valid, name: 'x2', endpoint: 'https://cml.example.com/api' }),
        400,
      ],
      [
        'endpoint with credentials',
        () =>
          h
            .http()
            .post('/api/workers')
            .send({ ...valid, name: 'x3', endpoint: 'https://u:p@cml.example.com' }),
        400,
      ],
      [
        'not a URL',
        () =>
          h
            .http()
            .post('/api/workers')
            .send({ ...valid, name: 'x4', endpoint: 'cml' }),
        400,
      ],
      [
        'unknown field',
        () =>
          h
            .http()
            .post('/api/workers')
            .send({ ...valid, name: 'x5', admin: true }),
        400,
      ],
      [
        'missing password',
        () =>
          h
            .http()
            .post('/api/workers')
            .send({ name: 'x6', endpoint: 'https://x6.example.com', username: 'a' }),
        400,
      ],
      [
        'verifyTls not a boolean',
        () =>
          h
            .http()
            .post('/api/workers')
            .send({ ...valid, name: 'x7', verifyTls: 'no' }),
        400,
      ],
      [
        'CA that is not PEM',
        () =>
          h
            .http()
            .post('/api/workers')
            .send({ ...valid, name: 'x8', endpoint: 'https://x8.example.com', caCertPem: 'hello' }),
        400,
      ],
      [
        'broken JSON',
        () => h.http().post('/api/workers').set('content-type', 'application/json').send('{"name":'),
        400,
      ],
      [
        'body too large',
        () =>
          h
            .http()
            .post('/api/workers')
            .send({ ...valid, name: 'x9', caCertPem: 'x'.repeat(300_000) }),
        413,
      ],
      ['malformed id', () => h.http().get('/api/workers/not-a-uuid'), 400],
      ['malformed id on patch', () => h.http().patch('/api/workers/123').send({ enabled: true }), 400],
      [
        'empty patch',
        () => h.http().patch('/api/workers/00000000-0000-4000-8000-000000000000').send({}),
        400,
      ],
      [
        'bad reconcileMode',
        () =>
          h.http().patch('/api/workers/00000000-0000-4000-8000-000000000000').send({ reconcileMode: 'yolo' }),
        400,
      ],
      ['limit out of range', () => h.http().get('/api/workers?limit=0'), 400],
      ['limit not a number', () => h.http().get('/api/workers?limit=ten'), 400],
      ['forged cursor', () => h.http().get('/api/workers?cursor=%%%'), 400],
      ['cursor of garbage base64', () => h.http().get('/api/workers?cursor=aGVsbG8'), 400],
    ];
    it.each(cases)('%s', async (_name, call, status) => {
      const before = await h.db.collection('workers').find({}).sort({ _id: 1 }).toArray();
      const res = await call();
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        status,
        title: expect.any(String),
        detail: expect.any(String),
        type: expect.any(String),
      });
      const after = await h.db.collection('workers').find({}).sort({ _id: 1 }).toArray();
      expect(after).toEqual(before);
    });
  });
});
