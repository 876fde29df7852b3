/**
 * Issue 15, items 1, 2 and 4 over HTTPS with the CML simulator and FerretDB: the dry run writes
 * nothing and lists the candidates; a record removed on wrong evidence (CML hid the lab, then
 * showed it again) is restored by the next trusted refresh with a lab.restored.v1 at the sink; an
 * admin restores by hand (200) unless CML does not have the lab (409); a run shows its progress.
 */
import { ApiHarness, startApiHarness } from './support/api-harness';
import { TestSink, waitFor } from './support/test-sink';

describe('preview, progress, self-healing and restore (e2e, FerretDB + CML simulator over HTTPS)', () => {
  const sink = new TestSink();
  let h: ApiHarness;
  let workerId: string | undefined;
  let n = 0;
  const w = () => workerId!;
  const refresh = (query = '') => h.http().post(`/api/workers/${w()}/labs/refresh${query}`);
  const typesAtSink = () => sink.delivered.map((r) => String(r.headers['ce-type']));
  const records = () => h.db.collection('lab_records');

  beforeAll(async () => {
    await sink.start();
    h = await startApiHarness('restore_e2e', {
      CLOUDEVENTS_SINK_URL: sink.url,
      OUTBOX_RELAY_INTERVAL_MS: '150',
      OUTBOX_RETRY_BASE_MS: '40',
    });
  });
  afterAll(async () => {
    await h.close();
    await sink.stop();
  });
  beforeEach(async () => {
    if (workerId) await h.http().delete(`/api/workers/${workerId}`).expect(204);
    h.simulator.state.reset();
    sink.received.length = 0;
    workerId = await h.registerSimulatorWorker(`sim-${++n}`);
  });
  afterEach(() => h.simulator.state.clearFaults());

  /** Syncs 4 labs, then removes the last one on wrong evidence: CML's list leaves it out and its details answer 404 once. */
  async function removedOnWrongEvidence(): Promise<{ ids: string[]; hidden: string }> {
    const ids = h.simulator.state.seedLabs({ count: 4 });
    await refresh().expect(200);
    const listed = (await h.http().get(`/api/workers/${w()}/labs?limit=100`).expect(200)).body.items as {
      labId: string;
    }[];
    expect(listed).toHaveLength(4);
    const hidden = h.simulator.state.listLabs().map((l) => l.id)[3]!;
    h.simulator.state.addFault({ route: 'labs.list', kind: 'partial_list', keep: 3, times: 1 });
    h.simulator.state.addFault({ route: 'labs.get', kind: 'error', status: 404, labId: hidden, times: 1 });
    const removed = await refresh().expect(200);
    expect(removed.body).toMatchObject({ orphansRemoved: 1 });
    expect(removed.body.candidates).toEqual([
      expect.objectContaining({ labId: hidden, decision: 'remove', why: expect.stringMatching(/404/) }),
    ]);
    await h.http().get(`/api/workers/${w()}/labs/${hidden}`).expect(404);
    return { ids, hidden };
  }

  it('a dry run writes nothing (documents counted before and after) and lists the candidates', async () => {
    h.simulator.state.seedLabs({ count: 3 });
    await refresh().expect(200);
    const gone = h.simulator.state.listLabs()[0]!.id;
    h.simulator.state.deleteLab(gone);
    h.simulator.state.seedLabs({ count: 1 });
    const count = async () =>
      Object.fromEntries(
        await Promise.all(
          ['lab_records', 'worker_sync_states', 'reconcile_leases', 'reconciliation_runs'].map(
            async (c) => [c, await h.db.collection(c).countDocuments()] as const,
          ),
        ),
      );
    const before = { counts: await count(), docs: await records().find({ workerId: w() }).toArray() };
    const syncBefore = await h.db.collection('worker_sync_states').findOne({ _id: w() as never });

    const res = await refresh('?dryRun=true').expect(200);
    expect(res.body).toMatchObject({ mode: 'dry-run', created: 1, orphansRemoved: 1, restored: 0 });
    expect(res.body.candidates).toEqual([expect.objectContaining({ labId: gone, decision: 'remove' })]);

    expect(await count()).toEqual(before.counts);
    expect(await records().find({ workerId: w() }).toArray()).toEqual(before.docs);
    expect(await h.db.collection('worker_sync_states').findOne({ _id: w() as never })).toEqual(syncBefore);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.received).toEqual([]);
  });

  it('the next trusted refresh restores a record removed on wrong evidence, and lab.restored.v1 reaches the sink', async () => {
    const { hidden } = await removedOnWrongEvidence();
    await waitFor(() => typesAtSink().includes('io.cml-labs.lab.orphan_removed.v1'), 5000, 'removal event');

    const removedList = await h.http().get(`/api/workers/${w()}/labs?removed=true`).expect(200);
    expect(removedList.body.items).toEqual([
      expect.objectContaining({ labId: hidden, removal: 'orphan_removed', removedAt: expect.any(String) }),
    ]);

    // CML shows the lab again (the faults were used up).
    const healed = await refresh().expect(200);
    expect(healed.body).toMatchObject({ status: 'succeeded', restored: 1, created: 0 });
    await h.http().get(`/api/workers/${w()}/labs/${hidden}`).expect(200);
    await waitFor(() => typesAtSink().includes('io.cml-labs.lab.restored.v1'), 5000, 'restore event');
    const restored = sink.delivered.find((r) => r.headers['ce-type'] === 'io.cml-labs.lab.restored.v1')!;
    expect(restored.headers).toMatchObject({
      'ce-source': `/cml-labs/workers/${w()}`,
      'ce-subject': `labs/${hidden}`,
      'ce-workerid': w(),
      'ce-labid': hidden,
    });
    expect(JSON.parse(restored.body)).toMatchObject({
      workerId: w(),
      labId: hidden,
      restoredBy: 'reconciliation',
      removedAt: expect.any(String),
      occurredAt: expect.any(String),
    });
    expect(typesAtSink().indexOf('io.cml-labs.lab.orphan_removed.v1')).toBeLessThan(
      typesAtSink().indexOf('io.cml-labs.lab.restored.v1'),
    );
    expect((await h.http().get(`/api/workers/${w()}/labs?removed=true`).expect(200)).body.items).toEqual([]);
  });

  it('an admin restores by hand: 200 when CML has the lab, 409 when it does not', async () => {
    const { hidden } = await removedOnWrongEvidence();
    const ok = await h.http().post(`/api/workers/${w()}/labs/${hidden}/restore`).expect(200);
    expect(ok.body).toMatchObject({ workerId: w(), labId: hidden });
    await h.http().get(`/api/workers/${w()}/labs/${hidden}`).expect(200);
    await waitFor(() => typesAtSink().includes('io.cml-labs.lab.restored.v1'), 5000, 'restore event');

    // Deleted for real through Phase 1: CML no longer has it, so a restore is refused.
    await h.http().delete(`/api/workers/${w()}/labs/${hidden}?force=true`).expect(200);
    const refused = await h.http().post(`/api/workers/${w()}/labs/${hidden}/restore`).expect(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    await h.http().get(`/api/workers/${w()}/labs/${hidden}`).expect(404);
    await h.http().get(`/api/workers/${w()}/labs?removed=true&state=STOPPED`).expect(400);
  });

  it('a run of all workers shows its progress while it runs', async () => {
    h.simulator.state.seedLabs({ count: 2 });
    h.simulator.state.addFault({ route: 'labs.list', kind: 'latency', latencyMs: 1500, times: 1 });
    const started = await h.http().post('/api/reconciliations').expect(202);
    const id = started.body.reconciliationId as string;
    const running = await h.http().get(`/api/reconciliations/${id}`).expect(200);
    expect(running.body).toMatchObject({
      status: 'running',
      workersTotal: 1,
      workersDone: 0,
      finishedAt: null,
    });
    await waitFor(
      async () => (await h.http().get(`/api/reconciliations/${id}`)).body.status !== 'running',
      10_000,
      'the run to end',
    );
    const done = await h.http().get(`/api/reconciliations/${id}`).expect(200);
    expect(done.body).toMatchObject({ status: 'succeeded', workersTotal: 1, workersDone: 1 });
    expect(done.body.workers[0]).toMatchObject({ workerId: w(), created: 2, candidates: [] });
  });
});
