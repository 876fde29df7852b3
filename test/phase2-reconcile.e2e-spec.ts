import { ApiHarness, startApiHarness } from './support/api-harness';

interface LabDoc {
  _id: string;
  labId: string;
  workerId: string;
  removal: {
    kind: string;
    event: { eventId: string; evidence?: { confirmedBy: string; listedAt: string }; type: string };
  } | null;
  pendingOrphan: unknown;
}

describe('Phase 2: reconciliation (e2e, FerretDB + CML simulator over HTTPS)', () => {
  let h: ApiHarness;
  let workerId: string | undefined;
  let n = 0;
  const w = () => workerId!;
  const refresh = () => h.http().post(`/api/workers/${w()}/labs/refresh`);
  const docs = () =>
    h.db.collection<LabDoc>('lab_records').find({ workerId: w() }).sort({ _id: 1 }).toArray();
  const doc = (labId: string) => h.db.collection<LabDoc>('lab_records').findOne({ _id: `${w()}:${labId}` });
  const liveIds = async () =>
    ((await h.http().get(`/api/workers/${w()}/labs?limit=100`).expect(200)).body.items as { labId: string }[])
      .map((l) => l.labId)
      .sort();
  const simIds = () =>
    h.simulator.state
      .listLabs()
      .map((l) => l.id)
      .sort();

  /** Seeds labs and syncs them; returns their ids. */
  async function synced(count: number): Promise<string[]> {
    const ids = h.simulator.state.seedLabs({ count });
    const res = await refresh().expect(200);
    expect(res.body).toMatchObject({ status: 'succeeded', created: count });
    return ids;
  }

  beforeAll(async () => {
    h = await startApiHarness('phase2_reconcile_e2e');
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    // A fresh worker and an empty simulator per test, so that tests do not depend on each other.
    if (workerId) await h.http().delete(`/api/workers/${workerId}`).expect(204);
    h.simulator.state.reset();
    workerId = await h.registerSimulatorWorker(`sim-${++n}`);
  });
  afterEach(() => h.simulator.state.clearFaults());

  it('removes a lab deleted in CML behind our back, with lookup-404 evidence', async () => {
    const [gone, ...kept] = await synced(4);
    expect(h.simulator.state.deleteLab(gone)).toBe(true);
    const res = await refresh().expect(200);
    expect(res.body).toMatchObject({
      status: 'succeeded',
      workerId: w(),
      trigger: 'manual',
      orphansRemoved: 1,
      orphansPending: 0,
      created: 0,
      unchanged: 3,
    });
    expect(await liveIds()).toEqual([...kept].sort());
    await h.http().get(`/api/workers/${w()}/labs/${gone}`).expect(404);
    const tomb = await doc(gone);
    expect(tomb?.removal?.kind).toBe('lab.orphan_removed');
    expect(tomb?.removal?.event.evidence?.confirmedBy).toBe('lookup-404');
    expect(typeof tomb?.removal?.event.eventId).toBe('string');
    // A second run finds nothing more to do.
    expect((await refresh().expect(200)).body).toMatchObject({ orphansRemoved: 0, unchanged: 3 });
    expect(await doc(gone)).toEqual(tomb);
  });

  it('holds orphans above RECONCILE_MAX_DELETE_RATIO back until approved, re-checking each in CML', async () => {
    const ids = await synced(4);
    const [g1, g2, alive, fake] = ids;
    h.simulator.state.deleteLab(g1);
    h.simulator.state.deleteLab(g2);
    // `fake` still exists, but during this run the list omits it (the list is [alive, fake]; keep the first)
    // and its lookup answers 404: a confirmed orphan that will come back.
    h.simulator.state.addFault({ route: 'labs.list', kind: 'partial_list', keep: 1 });
    h.simulator.state.addFault({ route: 'labs.get', kind: 'error', status: 404, labId: fake });
    const before = await docs();
    const res = await refresh().expect(200);
    expect(res.body).toMatchObject({ status: 'succeeded', orphansRemoved: 0, orphansPending: 3 });
    expect(res.body.reason).toMatch(/RECONCILE_MAX_DELETE_RATIO/);
    expect((await docs()).every((d) => d.removal === null)).toBe(true);
    expect((await docs()).map((d) => d._id)).toEqual(before.map((d) => d._id));

    const pending = await h.http().get(`/api/workers/${w()}/orphans`).expect(200);
    expect((pending.body.items as { labId: string }[]).map((o) => o.labId).sort()).toEqual(
      [g1, g2, fake].sort(),
    );
    for (const o of pending.body.items) {
      expect(Object.keys(o).sort()).toEqual(['detectedAt', 'labId', 'lastConfirmedAt', 'owner', 'title']);
    }
    h.simulator.state.clearFaults();

    // Approving only g1 removes only g1.
    const one = await h
      .http()
      .post(`/api/workers/${w()}/orphans/approve`)
      .send({ labIds: [g1] })
      .expect(200);
    expect(one.body).toMatchObject({ status: 'succeeded', orphansRemoved: 1 });
    expect((await doc(g1))?.removal?.kind).toBe('lab.orphan_removed');
    expect((await doc(g2))?.removal).toBeNull();

    // Approving the rest: g2 is gone and removed, `fake` exists again and is kept.
    const rest = await h.http().post(`/api/workers/${w()}/orphans/approve`).send({}).expect(200);
    expect(rest.body).toMatchObject({
      status: 'succeeded',
      orphansRemoved: 1,
      orphansPending: 0,
      updated: 1,
    });
    expect((await doc(g2))?.removal?.kind).toBe('lab.orphan_removed');
    expect((await doc(g2))?.removal?.event.evidence?.confirmedBy).toBe('lookup-404');
    expect((await doc(fake))?.removal).toBeNull();
    expect((await doc(fake))?.pendingOrphan).toBeNull();
    expect((await h.http().get(`/api/workers/${w()}/orphans`).expect(200)).body.items).toEqual([]);
    expect(await liveIds()).toEqual([fake, alive].sort());
    expect(await liveIds()).toEqual(simIds());
  });

  it('keeps a lab that CML lists although its details answer 404 (contradicting answers)', async () => {
    const ids = await synced(3);
    h.simulator.state.addFault({ route: 'labs.get', kind: 'error', status: 404, labId: ids[0] });
    const res = await refresh().expect(200);
    expect(res.body).toMatchObject({ status: 'succeeded', orphansRemoved: 0, orphansPending: 0 });
    expect((await doc(ids[0]))?.removal).toBeNull();
    h.simulator.state.clearFaults();
  });

  it('a pending orphan that CML lists again is no longer pending after a refresh', async () => {
    const ids = await synced(2);
    h.simulator.state.addFault({ route: 'labs.list', kind: 'empty_list' });
    for (const id of ids)
      h.simulator.state.addFault({ route: 'labs.get', kind: 'error', status: 404, labId: id });
    expect((await refresh().expect(200)).body).toMatchObject({ orphansPending: 2, orphansRemoved: 0 });
    h.simulator.state.clearFaults();
    expect((await refresh().expect(200)).body).toMatchObject({ orphansPending: 0, orphansRemoved: 0 });
    expect((await h.http().get(`/api/workers/${w()}/orphans`).expect(200)).body.items).toEqual([]);
    expect(await liveIds()).toEqual([...ids].sort());
  });

  describe('never deletes on bad evidence', () => {
    it.each([
      ['the list answers 500', 502, { route: 'labs.list', kind: 'error', status: 500 } as const],
      ['the list hangs', 504, { route: 'labs.list', kind: 'hang' } as const],
      ['the list has a bad body', 502, { route: 'labs.list', kind: 'bad_body' } as const],
      ['the list is an HTML page', 502, { route: 'labs.list', kind: 'bad_body', body: 'html' } as const],
      [
        'system_information answers 500',
        502,
        { route: 'system_information', kind: 'error', status: 500 } as const,
      ],
    ])('%s: %d and nothing removed', async (_name, status, fault) => {
      const [gone] = await synced(4);
      h.simulator.state.deleteLab(gone);
      const before = await docs();
      h.simulator.state.addFault(fault);
      const res = await refresh();
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(await docs()).toEqual(before);
      const worker = await h.http().get(`/api/workers/${w()}`).expect(200);
      expect(worker.body.lastReconcile).toMatchObject({ status: 'failed', workerId: w() });
    });

    it('an empty list while the labs still exist removes nothing', async () => {
      const ids = await synced(4);
      h.simulator.state.addFault({ route: 'labs.list', kind: 'empty_list' });
      const res = await refresh().expect(200);
      expect(res.body).toMatchObject({ status: 'succeeded', orphansRemoved: 0, orphansPending: 0 });
      expect(await liveIds()).toEqual([...ids].sort());
      expect((await docs()).every((d) => d.removal === null)).toBe(true);
    });

    it('an empty list removes only the labs that really are gone', async () => {
      const ids = await synced(4);
      h.simulator.state.deleteLab(ids[0]);
      h.simulator.state.addFault({ route: 'labs.list', kind: 'empty_list' });
      const res = await refresh().expect(200);
      expect(res.body).toMatchObject({ status: 'succeeded', orphansRemoved: 1 });
      expect(await liveIds()).toEqual(ids.slice(1).sort());
    });

    it('a partial list removes nothing', async () => {
      const ids = await synced(6);
      h.simulator.state.addFault({ route: 'labs.list', kind: 'partial_list', keep: 2 });
      const res = await refresh().expect(200);
      expect(res.body).toMatchObject({ status: 'succeeded', orphansRemoved: 0, orphansPending: 0 });
      expect(await liveIds()).toEqual([...ids].sort());
    });

    it('a controller that is not ready: 502 to a manual refresh, skipped in the history, nothing removed', async () => {
      const [gone] = await synced(3);
      h.simulator.state.deleteLab(gone);
      h.simulator.state.addFault({ route: 'system_information', kind: 'not_ready' });
      const before = await docs();
      const res = await refresh().expect(502);
      expect(res.body.detail).toMatch(/not ready/);
      const worker = await h.http().get(`/api/workers/${w()}`).expect(200);
      expect(worker.body.lastReconcile).toMatchObject({ status: 'skipped', orphansRemoved: 0 });
      expect(await docs()).toEqual(before);
    });

    it('a lookup answering 500 for a candidate keeps it; the next clean run removes it', async () => {
      const [gone] = await synced(4);
      h.simulator.state.deleteLab(gone);
      h.simulator.state.addFault({ route: 'labs.get', kind: 'error', status: 500, labId: gone });
      const res = await refresh().expect(200);
      expect(res.body).toMatchObject({ status: 'succeeded', orphansRemoved: 0, orphansPending: 0 });
      expect(res.body.reason).toMatch(/kept/);
      expect((await doc(gone))?.removal).toBeNull();
      h.simulator.state.clearFaults();
      expect((await refresh().expect(200)).body).toMatchObject({ orphansRemoved: 1 });
      expect((await doc(gone))?.removal?.kind).toBe('lab.orphan_removed');
    });

    it('a 401 in the middle of a run (one lookup) makes the client log in again; nothing wrongly removed', async () => {
      const ids = await synced(4);
      h.simulator.state.deleteLab(ids[0]);
      h.simulator.state.resetStats();
      h.simulator.state.addFault({ route: 'labs.get', kind: 'unauthorized', times: 1 });
      const res = await refresh().expect(200);
      expect(res.body).toMatchObject({ status: 'succeeded', orphansRemoved: 1 });
      expect(h.simulator.state.stats().requests.auth_extended).toBeGreaterThanOrEqual(1);
      expect(await liveIds()).toEqual(ids.slice(1).sort());
    });

    it('a 401 on the list makes the client log in again; nothing wrongly removed', async () => {
      const ids = await synced(4);
      h.simulator.state.addFault({ route: 'labs.list', kind: 'unauthorized', times: 1 });
      const res = await refresh().expect(200);
      expect(res.body).toMatchObject({ status: 'succeeded', orphansRemoved: 0 });
      expect(await liveIds()).toEqual([...ids].sort());
    });

    it('expired tokens: the client logs in again; nothing wrongly removed', async () => {
      const ids = await synced(4);
      h.simulator.state.deleteLab(ids[1]);
      h.simulator.state.expireTokens();
      const res = await refresh().expect(200);
      expect(res.body).toMatchObject({ status: 'succeeded', orphansRemoved: 1 });
      expect(await liveIds()).toEqual(simIds());
    });
  });

  it('observe mode reports orphans and writes nothing; paused skips', async () => {
    const [gone] = await synced(4);
    h.simulator.state.deleteLab(gone);
    await h.http().patch(`/api/workers/${w()}`).send({ reconcileMode: 'observe' }).expect(200);
    const before = await docs();
    const observed = await refresh().expect(200);
    expect(observed.body).toMatchObject({ status: 'succeeded', orphansRemoved: 1 });
    expect(observed.body.reason).toMatch(/observe mode/);
    expect(await docs()).toEqual(before);

    await h.http().patch(`/api/workers/${w()}`).send({ reconcileMode: 'paused' }).expect(200);
    expect((await refresh().expect(200)).body).toMatchObject({ status: 'skipped', orphansRemoved: 0 });
    expect(await docs()).toEqual(before);

    await h.http().patch(`/api/workers/${w()}`).send({ reconcileMode: 'enforce' }).expect(200);
    expect((await refresh().expect(200)).body).toMatchObject({ status: 'succeeded', orphansRemoved: 1 });
    expect((await doc(gone))?.removal?.kind).toBe('lab.orphan_removed');
  });

  it('orphans routes answer 404 for an unknown worker', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await h.http().get(`/api/workers/${unknown}/orphans`)).status).toBe(404);
    expect((await h.http().post(`/api/workers/${unknown}/orphans/approve`).send({})).status).toBe(404);
  });

  describe('all-workers reconciliation (POST /api/reconciliations)', () => {
    async function runAll(): Promise<{ id: string; body: Record<string, unknown> }> {
      const started = await h.http().post('/api/reconciliations').expect(202);
      const id = started.body.reconciliationId as string;
      expect(typeof id).toBe('string');
      for (let i = 0; i < 100; i++) {
        const run = await h.http().get(`/api/reconciliations/${id}`);
        if (run.status === 200 && run.body.finishedAt) return { id, body: run.body };
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`reconciliation ${id} did not finish`);
    }

    it('reconciles every enabled worker, reports per-worker summaries and lists runs newest first', async () => {
      const [gone] = await synced(4);
      h.simulator.state.deleteLab(gone);
      const first = await runAll();
      expect(first.body).toMatchObject({ id: first.id, trigger: 'manual' });
      const summaries = first.body.workers as { workerId: string; status: string; orphansRemoved: number }[];
      const mine = summaries.find((s) => s.workerId === w());
      expect(mine).toMatchObject({ status: 'succeeded', orphansRemoved: 1, reconciliationId: first.id });
      expect((await doc(gone))?.removal?.kind).toBe('lab.orphan_removed');
      expect((await doc(gone))?.removal?.event).toMatchObject({ reconciliationId: first.id });

      const second = await runAll();
      const list = await h.http().get('/api/reconciliations').expect(200);
      const ids = (list.body.items as { id: string }[]).map((r) => r.id);
      expect(ids.indexOf(second.id)).toBe(0);
      expect(ids.indexOf(first.id)).toBeGreaterThan(0);
    });

    it('skips a paused worker and writes nothing for an observed one', async () => {
      const [gone] = await synced(3);
      h.simulator.state.deleteLab(gone);
      await h.http().patch(`/api/workers/${w()}`).send({ reconcileMode: 'paused' }).expect(200);
      const paused = await runAll();
      expect((paused.body.workers as { workerId: string }[]).find((s) => s.workerId === w())).toMatchObject({
        status: 'skipped',
      });
      await h.http().patch(`/api/workers/${w()}`).send({ reconcileMode: 'observe' }).expect(200);
      const observed = await runAll();
      expect((observed.body.workers as { workerId: string }[]).find((s) => s.workerId === w())).toMatchObject(
        {
          status: 'succeeded',
          orphansRemoved: 1,
        },
      );
      expect((await doc(gone))?.removal).toBeNull();
    });

    it('GET of an unknown reconciliation is 404', async () => {
      expect((await h.http().get('/api/reconciliations/00000000-0000-4000-8000-000000000000')).status).toBe(
        404,
      );
    });
  });
});
