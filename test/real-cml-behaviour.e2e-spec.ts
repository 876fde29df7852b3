import { ApiHarness, startApiHarness } from './support/api-harness';

/**
 * What a real CML 2.9/2.10 controller does that a naive client gets wrong (issue 11, items 1-3),
 * against the simulator over HTTPS and FerretDB: asynchronous stop and wipe, 404s that a proxy
 * answers, and a non-admin account that sees only its own and shared labs.
 */

const NON_ADMIN = { username: 'student', password: 'student-password', admin: false };

interface StoredRecord {
  _id: string;
  removal: { kind: string } | null;
  lastSyncedAt: Date;
}

describe('against CML as it behaves (e2e, FerretDB + CML simulator over HTTPS)', () => {
  describe('forced delete of a running lab whose stop takes 2 s', () => {
    let h: ApiHarness;
    let workerId: string;

    beforeAll(async () => {
      h = await startApiHarness(
        'real_cml_force_e2e',
        { CML_CONVERGE_TIMEOUT_MS: '10000' },
        { stopMs: 2000, wipeMs: 300 },
      );
      workerId = await h.registerSimulatorWorker();
    });
    afterAll(() => h.close());

    it('stops, waits until the nodes are down, wipes, waits, deletes: 200 and the lab is gone in CML', async () => {
      const [id] = h.simulator.state.seedLabs({ count: 1, state: 'STARTED' });
      await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      h.simulator.state.resetStats();

      const started = Date.now();
      const res = await h.http().delete(`/api/workers/${workerId}/labs/${id}`).query({ force: 'true' });
      const tookMs = Date.now() - started;

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ alreadyAbsentInCml: false, localRecordRemoved: true });
      expect(h.simulator.state.listLabs().some((l) => l.id === id)).toBe(false);
      // It really waited for the 2 s stop (and the wipe), and not much longer: polls back off to 1 s.
      expect(tookMs).toBeGreaterThanOrEqual(2300);
      expect(tookMs).toBeLessThan(5000);
      const stats = h.simulator.state.stats().requests;
      expect(stats['labs.stop']).toBe(1);
      expect(stats['labs.wipe']).toBe(1);
      expect(stats['labs.delete']).toBe(1);
      process.stdout.write(`forced delete of a lab whose stop takes 2 s: ${tookMs} ms\n`);
    });
  });

  describe('forced delete whose stop outlasts CML_CONVERGE_TIMEOUT_MS', () => {
    let h: ApiHarness;
    let workerId: string;

    beforeAll(async () => {
      h = await startApiHarness(
        'real_cml_converge_e2e',
        { CML_CONVERGE_TIMEOUT_MS: '500' },
        { stopMs: 3000 },
      );
      workerId = await h.registerSimulatorWorker();
    });
    afterAll(() => h.close());

    it('answers 504 naming the step (wait-stopped) and the change made (stop requested); the record stays', async () => {
      const [id] = h.simulator.state.seedLabs({ count: 1, state: 'STARTED' });
      await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);

      const res = await h.http().delete(`/api/workers/${workerId}/labs/${id}`).query({ force: 'true' });

      expect(res.status).toBe(504);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 504, step: 'wait-stopped', cmlChanges: ['stop-requested'] });
      expect(h.simulator.state.listLabs().some((l) => l.id === id)).toBe(true);
      await h.http().get(`/api/workers/${workerId}/labs/${id}`).expect(200);
      // The delete intent it recorded before stopping the lab is gone with the failure: a later
      // removal of this lab must not be blamed on whoever tried.
      const stored = await h.db
        .collection<{ _id: string; deleteIntent: unknown }>('lab_records')
        .findOne({ _id: `${workerId}:${id}` });
      expect(stored?.deleteIntent).toBeNull();
    });
  });

  describe("a 404 that is not CML's own (a reverse proxy's HTML page)", () => {
    let h: ApiHarness;
    let workerId: string;
    const record = (labId: string) =>
      h.db.collection<StoredRecord>('lab_records').findOne({ _id: `${workerId}:${labId}` });

    beforeAll(async () => {
      h = await startApiHarness('real_cml_proxy404_e2e');
      workerId = await h.registerSimulatorWorker();
    });
    afterAll(() => h.close());
    afterEach(() => h.simulator.state.clearFaults());

    it('Phase 2 keeps the record of a lab missing from the list whose lookup answers a foreign 404', async () => {
      const [gone, kept, other] = h.simulator.state.seedLabs({ count: 3 });
      await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      // The lab leaves the list while its lookup path is answered by the proxy, not by CML.
      h.simulator.state.deleteLab(gone);
      h.simulator.state.addFault({ route: 'labs.get', kind: 'foreign_404', labId: gone });

      const res = await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);

      expect(res.body).toMatchObject({ orphansRemoved: 0 });
      expect((await record(gone))?.removal).toBeNull();
      h.simulator.state.clearFaults();
      // CML's own 404 is evidence: the next run removes it, and only it.
      const next = await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      expect(next.body).toMatchObject({ orphansRemoved: 1 });
      expect((await record(gone))?.removal?.kind).toBe('lab.orphan_removed');
      expect((await record(kept))?.removal).toBeNull();
      expect((await record(other))?.removal).toBeNull();
    });

    it.each(['labs.get', 'labs.delete'])(
      'Phase 1 answers 502 with nothing changed when %s gets a foreign 404',
      async (route) => {
        // A lab its record says is wiped is deleted without a read, so the read is tested on a stopped one.
        const [id] = h.simulator.state.seedLabs({
          count: 1,
          state: route === 'labs.get' ? 'STOPPED' : 'DEFINED_ON_CORE',
        });
        await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
        h.simulator.state.addFault({ route, kind: 'foreign_404', labId: id });

        const res = await h.http().delete(`/api/workers/${workerId}/labs/${id}`);

        expect(res.status).toBe(502);
        expect(res.body).toMatchObject({ step: route === 'labs.get' ? 'read' : 'delete', cmlChanges: [] });
        expect((await record(id))?.removal).toBeNull();
        expect(h.simulator.state.listLabs().some((l) => l.id === id)).toBe(true);
        await h.http().get(`/api/workers/${workerId}/labs/${id}`).expect(200);
      },
    );
  });

  describe.each([404, 403] as const)(
    "a non-admin CML account (another user's lab answers %i)",
    (foreignLabStatus) => {
      let h: ApiHarness;
      let workerId: string;
      const record = (labId: string) =>
        h.db.collection<StoredRecord>('lab_records').findOne({ _id: `${workerId}:${labId}` });

      beforeAll(async () => {
        h = await startApiHarness(
          `real_cml_nonadmin_${foreignLabStatus}_e2e`,
          {},
          {
            foreignLabStatus,
            users: [{ username: 'admin', password: 'admin-password', admin: true }, NON_ADMIN],
          },
        );
        workerId = await h.registerSimulatorWorker();
      });
      afterAll(() => h.close());

      it('removes nothing (skipped, with why and how to fix), still creates its own labs, and records accountIsAdmin', async () => {
        // Another user's labs, and the student's own: the other user's are 2 of 6 records, under the
        // ratio guard, so nothing would hold back their removal.
        const adminLabs = h.simulator.state.seedLabs({ count: 2 });
        h.simulator.state.seedLabs({ count: 4, owner: NON_ADMIN.username });
        await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
        const admin = await h.http().get(`/api/workers/${workerId}`).expect(200);

        // The operator switches the worker to the student's account.
        await h
          .http()
          .patch(`/api/workers/${workerId}`)
          .send({ username: NON_ADMIN.username, password: NON_ADMIN.password })
          .expect(200);
        const [own] = h.simulator.state.seedLabs({ count: 1, owner: NON_ADMIN.username });

        const res = await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);

        for (const id of adminLabs) expect((await record(id))?.removal).toBeNull();
        expect(await record(own)).not.toBeNull();
        expect(res.body).toMatchObject({
          status: 'skipped',
          created: 1,
          orphansRemoved: 0,
          orphansPending: 0,
        });
        expect(res.body.reason).toContain('not a CML administrator');
        expect(res.body.reason).toContain('admin account');
        expect(admin.body.cml).toMatchObject({ ready: true, accountIsAdmin: true });
        expect(admin.body.cml.version).toMatch(/^2\.(9|10)\./);
        const worker = await h.http().get(`/api/workers/${workerId}`).expect(200);
        expect(worker.body.cml).toMatchObject({ accountIsAdmin: false });
        expect(worker.body.lastReconcile).toMatchObject({ status: 'skipped' });

        // Phase 1 does not take the 404/403 of another user's lab for "gone" either.
        const del = await h.http().delete(`/api/workers/${workerId}/labs/${adminLabs[1]}`);
        expect(del.status).toBe(502);
        expect((await record(adminLabs[1]))?.removal).toBeNull();
        expect(h.simulator.state.listLabs().some((l) => l.id === adminLabs[1])).toBe(true);
      });
    },
  );

  describe('a controller without /auth_extended (older CML)', () => {
    let h: ApiHarness;
    let workerId: string;

    beforeAll(async () => {
      h = await startApiHarness('real_cml_noext_e2e', {}, { authExtended: false });
      workerId = await h.registerSimulatorWorker();
    });
    afterAll(() => h.close());

    it('logs in through /authenticate, syncs, and removes nothing because the admin flag is unknown', async () => {
      const [a] = h.simulator.state.seedLabs({ count: 3 });
      const first = await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      expect(first.body).toMatchObject({ status: 'skipped', created: 3 });
      h.simulator.state.deleteLab(a);
      const res = await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      expect(res.body).toMatchObject({ status: 'skipped', orphansRemoved: 0 });
      expect(res.body.reason).toContain('could not be confirmed as a CML administrator');
      const worker = await h.http().get(`/api/workers/${workerId}`).expect(200);
      expect(worker.body.cml).toMatchObject({ accountIsAdmin: null });
    });
  });

  describe('observe mode and dry runs', () => {
    let h: ApiHarness;
    let workerId: string;
    const record = (labId: string) =>
      h.db.collection<StoredRecord>('lab_records').findOne({ _id: `${workerId}:${labId}` });
    // The worker's sync state (lastSuccessfulSyncAt) is kept by the labs context, one document a worker.
    const workerDoc = () =>
      h.db
        .collection<{ _id: string; lastSuccessfulSyncAt: Date | null }>('worker_sync_states')
        .findOne({ _id: workerId });

    beforeAll(async () => {
      h = await startApiHarness('real_cml_observe_e2e');
      workerId = await h.registerSimulatorWorker();
    });
    afterAll(() => h.close());

    it('observe changes no record and moves no sync time; its run is recorded as an observe run', async () => {
      const [a, b] = h.simulator.state.seedLabs({ count: 4 });
      await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      const syncedBefore = (await workerDoc())?.lastSuccessfulSyncAt;
      const labBefore = (await h.http().get(`/api/workers/${workerId}/labs/${b}`).expect(200)).body;
      const recordBefore = await record(b);
      expect(syncedBefore).toBeTruthy();

      await h.http().patch(`/api/workers/${workerId}`).send({ reconcileMode: 'observe' }).expect(200);
      h.simulator.state.deleteLab(a);
      h.simulator.state.patchLab(b, { lab_title: 'renamed in CML' });
      await new Promise((r) => setTimeout(r, 20));

      const res = await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);

      expect((await record(a))?.removal).toBeNull();
      expect(await record(b)).toEqual(recordBefore);
      const labAfter = (await h.http().get(`/api/workers/${workerId}/labs/${b}`).expect(200)).body;
      expect(labAfter.lastSyncedAt).toBe(labBefore.lastSyncedAt);
      expect(labAfter.title).toBe(labBefore.title);
      expect((await workerDoc())?.lastSuccessfulSyncAt).toEqual(syncedBefore);
      expect(res.body).toMatchObject({ status: 'succeeded', mode: 'observe', orphansRemoved: 1, updated: 1 });
      const worker = await h.http().get(`/api/workers/${workerId}`).expect(200);
      expect(worker.body.lastReconcile).toMatchObject({ mode: 'observe' });
    });

    it('a run that could not read some labs does not count as a confirmed sync', async () => {
      await h.http().patch(`/api/workers/${workerId}`).send({ reconcileMode: 'enforce' }).expect(200);
      await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      const syncedBefore = (await workerDoc())?.lastSuccessfulSyncAt;
      const [c] = h.simulator.state.seedLabs({ count: 1 });
      h.simulator.state.addFault({ route: 'labs.get', kind: 'error', status: 500, labId: c });
      await new Promise((r) => setTimeout(r, 20));

      const res = await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      h.simulator.state.clearFaults();

      expect(res.body.reason).toContain('could not be read');
      expect((await workerDoc())?.lastSuccessfulSyncAt).toEqual(syncedBefore);
    });

    it('a dry run computes the removal, writes nothing and is not recorded', async () => {
      const [d] = h.simulator.state.seedLabs({ count: 1 });
      await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      const workerBefore = await h.db.collection('workers').findOne({ _id: workerId as never });
      h.simulator.state.deleteLab(d);

      const res = await h
        .http()
        .post(`/api/workers/${workerId}/labs/refresh`)
        .query({ dryRun: 'true' })
        .expect(200);

      expect(res.body).toMatchObject({ status: 'succeeded', mode: 'dry-run', orphansRemoved: 1 });
      expect((await record(d))?.removal).toBeNull();
      expect(await h.db.collection('workers').findOne({ _id: workerId as never })).toEqual(workerBefore);
      await h.http().get(`/api/workers/${workerId}/labs/${d}`).expect(200);
    });
  });
});
