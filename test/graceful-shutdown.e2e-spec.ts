import { ReconcileLeaseKeeper, ReconcileLeaseRepository } from '@app/labs';
import { startApiHarness } from './support/api-harness';

describe('Graceful shutdown (e2e)', () => {
  it('finishes the running reconciliation, then releases its leases while the database is still open', async () => {
    const h = await startApiHarness('shutdown_e2e');
    try {
      const workerId = await h.registerSimulatorWorker();
      h.simulator.state.seedLabs({ count: 3 });
      // A slow CML keeps the reconciliation running while the app is asked to stop.
      h.simulator.state.addFault({ route: 'labs.get', kind: 'latency', latencyMs: 300 });
      const leases = h.app.get(ReconcileLeaseRepository);
      const holder = h.app.get(ReconcileLeaseKeeper).instanceId;
      // A lease this instance holds on another worker, as a crash-free shutdown must give it back.
      const other = await leases.acquire('00000000-0000-4000-8000-0000000000aa', holder, 60_000, new Date());
      expect(other).not.toBeNull();

      const refresh = h
        .http()
        .post(`/api/workers/${workerId}/labs/refresh`)
        .then((r) => r);
      await new Promise((r) => setTimeout(r, 150));
      const run = h.http().post('/api/reconciliations').expect(202);
      await run;
      await h.app.close();
      const res = await refresh;
      // The request that was running when the app was asked to stop still completes.
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'succeeded', created: 3 });

      const docs = await h.db.collection('reconcile_leases').find({}).toArray();
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) expect(new Date(doc.expiresAt).getTime()).toBe(0);
      const runs = await h.db.collection('reconciliation_runs').find({}).toArray();
      expect(runs).toHaveLength(1);
      expect(runs[0].finishedAt).not.toBeNull();
    } finally {
      await h.db.dropDatabase().catch(() => undefined);
      await h.db.close();
      await h.simulator.close();
    }
  });
});
