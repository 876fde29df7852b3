import { ApiHarness, startApiHarness } from './support/api-harness';

/**
 * A run of all workers goes through the same command as a person's refresh, so what it records
 * for a worker is the worker's own summary, whatever the CML said.
 */
describe('Reconciliation history (e2e)', () => {
  let h: ApiHarness;
  let workerId: string;

  beforeAll(async () => {
    h = await startApiHarness('history_e2e');
    workerId = await h.registerSimulatorWorker();
  });
  afterAll(() => h.close());

  async function runAll(): Promise<Record<string, unknown>> {
    const started = await h.http().post('/api/reconciliations').expect(202);
    const id = started.body.reconciliationId as string;
    for (let i = 0; i < 200; i++) {
      const run = await h.http().get(`/api/reconciliations/${id}`);
      if (run.status === 200 && run.body.finishedAt) return run.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`reconciliation ${id} did not finish`);
  }

  it('records a not-ready CML as the same skipped summary in the run history as on the worker', async () => {
    h.simulator.state.addFault({ route: 'system_information', kind: 'not_ready' });

    const run = await runAll();

    const worker = (await h.http().get(`/api/workers/${workerId}`).expect(200)).body;
    expect(worker.lastReconcile).toMatchObject({
      status: 'skipped',
      reason: 'CML reports it is not ready; nothing was changed',
    });
    expect(run.workers).toEqual([worker.lastReconcile]);
  });

  it('still answers a person’s refresh of a not-ready CML with 502', async () => {
    h.simulator.state.addFault({ route: 'system_information', kind: 'not_ready' });
    const res = await h.http().post(`/api/workers/${workerId}/labs/refresh`);
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
