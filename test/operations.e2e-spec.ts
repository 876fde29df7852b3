import { ApiHarness, startApiHarness } from './support/api-harness';

function sample(metrics: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (wanted.every((w) => (m[2] ?? '').includes(w))) return Number(m[3]);
  }
  return undefined;
}

describe('Operations: metrics and health (e2e)', () => {
  let h: ApiHarness;
  let workerId: string;
  beforeAll(async () => {
    h = await startApiHarness('ops_e2e', { RECONCILE_MAX_DELETE_RATIO: '1' });
    workerId = await h.registerSimulatorWorker();
  });
  afterAll(() => h.close());

  it('exposes Prometheus metrics for deletes, reconciliations, CML requests, outbox and leases', async () => {
    const [a, b, gone] = h.simulator.state.seedLabs({ count: 3 });
    await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
    await h.http().delete(`/api/workers/${workerId}/labs/${a}`).expect(200);
    h.simulator.state.patchLab(b, { state: 'STARTED' });
    await h.http().delete(`/api/workers/${workerId}/labs/${b}`).expect(409);
    h.simulator.state.deleteLab(gone);
    await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);

    const res = await h.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.text;
    expect(sample(text, 'cml_labs_lab_deletes_total', { outcome: 'deleted' })).toBe(1);
    expect(sample(text, 'cml_labs_lab_deletes_total', { outcome: 'conflict' })).toBe(1);
    expect(sample(text, 'cml_labs_orphans_removed_total', { worker_id: workerId })).toBe(1);
    expect(sample(text, 'cml_labs_reconciliations_total', { worker_id: workerId, status: 'succeeded' })).toBe(
      2,
    );
    expect(
      sample(text, 'cml_labs_reconcile_duration_seconds_count', { worker_id: workerId, status: 'succeeded' }),
    ).toBe(2);
    expect(sample(text, 'cml_labs_cml_requests_total', { route: 'labs.list', outcome: 'ok' })).toBe(2);
    expect(sample(text, 'cml_labs_cml_requests_total', { route: 'labs.delete', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'cml_labs_outbox_backlog')).toBe(0);
    expect(sample(text, 'cml_labs_outbox_dead')).toBe(0);
    expect(sample(text, 'cml_labs_lease_takeovers_total')).toBe(0);
    expect(text).toMatch(/^# TYPE cml_labs_lease_takeovers_total counter$/m);
    expect(text).not.toMatch(/^cml_labs_lease_takeovers /m);
    expect(sample(text, 'cml_labs_process_resident_memory_bytes')).toBeGreaterThan(0);
    // HTTP requests by route template: two labs deleted, one series.
    const deleteRoute = { method: 'DELETE', route: '/api/workers/:workerId/labs/:labId' };
    expect(sample(text, 'http_requests_total', { ...deleteRoute, status: '200' })).toBe(1);
    expect(sample(text, 'http_requests_total', { ...deleteRoute, status: '409' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', { ...deleteRoute, status: '200' })).toBe(1);
    expect(text).not.toContain(a);
  });

  it('takes the correlation id from traceparent, or x-correlation-id, or makes one', async () => {
    const traced = await h
      .http()
      .get('/api/workers')
      .set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')
      .expect(200);
    expect(traced.headers['x-correlation-id']).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const given = await h.http().get('/api/workers').set('x-correlation-id', 'req-42').expect(200);
    expect(given.headers['x-correlation-id']).toBe('req-42');
    const fresh = await h.http().get('/api/workers').expect(200);
    expect(fresh.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers liveness and readiness (database ping) without a token', async () => {
    const live = await h.http().get('/health/live').expect(200);
    expect(live.body).toEqual({ status: 'ok', authDisabled: true });
    const ready = await h.http().get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });
});

describe('OpenAPI (e2e)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness('openapi_e2e');
  });
  afterAll(() => h.close());

  /** The routes of ../shared/contract/http-api.md, as OpenAPI paths. */
  const CONTRACT = [
    'POST /api/workers',
    'GET /api/workers',
    'GET /api/workers/{workerId}',
    'PATCH /api/workers/{workerId}',
    'DELETE /api/workers/{workerId}',
    'GET /api/workers/{workerId}/labs',
    'GET /api/workers/{workerId}/labs/{labId}',
    'DELETE /api/workers/{workerId}/labs/{labId}',
    'POST /api/workers/{workerId}/labs/refresh',
    'GET /api/workers/{workerId}/orphans',
    'POST /api/workers/{workerId}/orphans/approve',
    // v1.2 (operator features): restore a removed record.
    'POST /api/workers/{workerId}/labs/{labId}/restore',
    'POST /api/reconciliations',
    'GET /api/reconciliations',
    'GET /api/reconciliations/{id}',
    'GET /api/outbox',
    'POST /api/outbox/{eventId}/retry',
    'POST /api/labs/bulk-delete',
    'GET /api/jobs/{jobId}',
    // Issue 15, item 3: the notification outbox (operator reads, admin replays).
    'GET /api/notifications',
    'POST /api/notifications/{id}/retry',
  ];

  it('documents exactly the /api routes of the contract, generated from the code', async () => {
    const res = await h.http().get('/api/docs-json').expect(200);
    const routes = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.filter((r) => r.includes(' /api/')).sort()).toEqual([...CONTRACT].sort());
    expect(res.body.components.securitySchemes).toHaveProperty('bearer');
  });

  it('serves the OpenAPI UI', async () => {
    const res = await h.http().get('/api/docs').redirects(1).expect(200);
    expect(res.text).toContain('swagger');
  });
});
