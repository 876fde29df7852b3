import { ApiHarness, startApiHarness } from './support/api-harness';
import { startTwoInstances, TwoInstanceHarness } from './support/second-instance';

interface LabDoc {
  _id: string;
  labId: string;
  workerId: string;
  removal: { kind: string; event: { eventId: string; type: string } } | null;
}

const REMOVAL_KINDS = ['lab.deleted', 'lab.orphan_removed'];

describe('Reconciliation concurrency (e2e, FerretDB + CML simulator over HTTPS)', () => {
  describe('Phase 1 delete racing Phase 2 refresh on one instance', () => {
    let h: ApiHarness;
    let workerId: string;
    const refresh = () => h.http().post(`/api/workers/${workerId}/labs/refresh`);
    const docsOf = (labIds: string[]) =>
      h.db
        .collection<LabDoc>('lab_records')
        .find({ _id: { $in: labIds.map((id) => `${workerId}:${id}`) } })
        .toArray();

    beforeAll(async () => {
      h = await startApiHarness('race_delete_refresh', { RECONCILE_MAX_DELETE_RATIO: '1' });
      workerId = await h.registerSimulatorWorker();
    });
    afterAll(() => h.close());

    it.each([1, 2, 3, 4, 5, 6])(
      'round %i: every deleted lab ends with exactly one tombstone, every lab in CML stays live',
      async () => {
        const syncedIds = h.simulator.state.seedLabs({ count: 6, state: 'STARTED' });
        await refresh().expect(200);
        // Labs the service has not seen yet: the delete creates the tombstone while a refresh may create the record.
        const unsynced = h.simulator.state.seedLabs({ count: 4 });
        const all = [...syncedIds, ...unsynced];
        const toDelete = [...syncedIds.slice(0, 4), ...unsynced.slice(0, 3)];
        const external = syncedIds[4];

        const deletes = toDelete.map((id) =>
          h
            .http()
            .delete(`/api/workers/${workerId}/labs/${id}`)
            .query({ force: 'true' })
            .then((r) => r),
        );
        const refreshes = [0, 1, 2].map(async (i) => {
          await new Promise((r) => setTimeout(r, i * 7));
          if (i === 1) h.simulator.state.deleteLab(external);
          return refresh();
        });
        const [deleted, refreshed] = await Promise.all([Promise.all(deletes), Promise.all(refreshes)]);

        for (const r of refreshed) {
          expect(r.status).toBe(200);
          expect(['succeeded', 'skipped']).toContain(r.body.status);
        }
        deleted.forEach((r) => {
          expect(r.status).toBe(200);
          expect(r.body.alreadyAbsentInCml).toBe(false);
        });

        const inCml = new Set(h.simulator.state.listLabs().map((l) => l.id));
        for (const id of toDelete) expect(inCml.has(id)).toBe(false);

        const docs = new Map((await docsOf(all)).map((d) => [d.labId, d]));
        const problems: string[] = [];
        toDelete.forEach((id, i) => {
          const d = docs.get(id);
          if (!d)
            problems.push(
              `${id}: deleted (localRecordRemoved=${deleted[i].body.localRecordRemoved}) but no record`,
            );
          else if (!d.removal)
            problems.push(
              `${id}: deleted in CML (localRecordRemoved=${deleted[i].body.localRecordRemoved}) but its record is LIVE`,
            );
          else if (!REMOVAL_KINDS.includes(d.removal.kind))
            problems.push(`${id}: removal kind ${d.removal.kind}`);
          else if (deleted[i].body.localRecordRemoved && d.removal.kind !== 'lab.deleted')
            problems.push(`${id}: localRecordRemoved but tombstone is ${d.removal.kind}`);
          else if (!deleted[i].body.localRecordRemoved && d.removal.kind !== 'lab.orphan_removed')
            problems.push(`${id}: localRecordRemoved=false yet tombstone is ${d.removal.kind}`);
        });
        for (const id of all.filter((x) => inCml.has(x))) {
          const d = docs.get(id);
          if (d?.removal) problems.push(`${id}: still in CML but removed (${d.removal.kind})`);
        }
        expect(problems).toEqual([]);

        const read = await h.http().get(`/api/workers/${workerId}/labs?limit=100`).expect(200);
        const live = new Set((read.body.items as { labId: string }[]).map((l) => l.labId));
        for (const id of toDelete) expect(live.has(id)).toBe(false);

        // After a quiet refresh, the local view equals CML.
        await refresh().expect(200);
        const after = await h.http().get(`/api/workers/${workerId}/labs?limit=100`).expect(200);
        expect((after.body.items as { labId: string }[]).map((l) => l.labId).sort()).toEqual(
          [...inCml].sort(),
        );
      },
    );
  });

  describe('Phase 1 delete of a lab not yet synced racing the refresh that creates its record', () => {
    let h: ApiHarness;
    let workerId: string;

    beforeAll(async () => {
      h = await startApiHarness('race_unsynced', { RECONCILE_MAX_DELETE_RATIO: '1' });
      workerId = await h.registerSimulatorWorker();
    });
    afterAll(() => h.close());

    // Sweeps the delay between starting a refresh and the deletes so that some delete reads "no record"
    // just before the refresh inserts it. Stops at the first violation (or after ~15 s without one).
    it('a successful DELETE never leaves a live record behind (stress)', async () => {
      const deadline = Date.now() + 15_000;
      const violations: string[] = [];
      for (let attempt = 0; attempt < 200 && Date.now() < deadline && violations.length === 0; attempt++) {
        const ids = h.simulator.state.seedLabs({ count: 4 });
        const refreshing = h
          .http()
          .post(`/api/workers/${workerId}/labs/refresh`)
          .then((r) => r);
        await new Promise((r) => setTimeout(r, attempt % 40));
        const deletes = await Promise.all(
          ids.map((id) =>
            h
              .http()
              .delete(`/api/workers/${workerId}/labs/${id}`)
              .then((r) => r),
          ),
        );
        expect((await refreshing).status).toBe(200);
        for (const [i, id] of ids.entries()) {
          expect(deletes[i].status).toBe(200);
          const d = await h.db.collection<LabDoc>('lab_records').findOne({ _id: `${workerId}:${id}` });
          const read = await h.http().get(`/api/workers/${workerId}/labs/${id}`);
          if (!d?.removal || read.status !== 404)
            violations.push(
              `attempt ${attempt}: lab ${id} deleted in CML (DELETE 200 ${JSON.stringify(deletes[i].body)}) ` +
                `but its record is ${d ? (d.removal ? d.removal.kind : 'LIVE') : 'missing'}, GET answers ${read.status}`,
            );
        }
      }
      expect(violations).toEqual([]);
    }, 40_000);
  });

  describe('two service instances on one database', () => {
    let t: TwoInstanceHarness;
    let workerId: string;
    const docsOf = (labIds: string[]) =>
      t.db
        .collection<LabDoc>('lab_records')
        .find({ _id: { $in: labIds.map((id) => `${workerId}:${id}`) } })
        .toArray();

    beforeAll(async () => {
      t = await startTwoInstances('two_instances');
      workerId = await t.registerSimulatorWorker();
    });
    afterAll(() => t.close());

    it('both instances see the worker and its labs', async () => {
      t.simulator.state.seedLabs({ count: 3 });
      await t.a.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      const fromB = await t.b.http().get(`/api/workers/${workerId}/labs`).expect(200);
      expect(fromB.body.items).toHaveLength(3);
    });

    it.each([1, 2, 3, 4, 5])(
      'round %i: concurrent refreshes on both instances remove each orphan exactly once',
      async () => {
        t.simulator.state.seedLabs({ count: 6 });
        await t.b.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
        const ids = t.simulator.state.listLabs().map((l) => l.id);
        const orphans = ids.slice(0, 3);
        for (const id of orphans) t.simulator.state.deleteLab(id);

        const [ra, rb] = await Promise.all([
          t.a.http().post(`/api/workers/${workerId}/labs/refresh`),
          t.b.http().post(`/api/workers/${workerId}/labs/refresh`),
        ]);
        expect(ra.status).toBe(200);
        expect(rb.status).toBe(200);
        for (const r of [ra, rb]) {
          expect(['succeeded', 'skipped']).toContain(r.body.status);
          if (r.body.status === 'skipped') expect(r.body.reason).toMatch(/another instance|being reconciled/);
        }
        expect(ra.body.orphansRemoved + rb.body.orphansRemoved).toBe(orphans.length);

        const docs = await docsOf(ids);
        for (const id of orphans) {
          const d = docs.find((x) => x.labId === id);
          expect(d?.removal?.kind).toBe('lab.orphan_removed');
        }
        for (const id of ids.slice(3)) expect(docs.find((x) => x.labId === id)?.removal).toBeNull();

        for (const inst of [t.a, t.b]) {
          const read = await inst.http().get(`/api/workers/${workerId}/labs?limit=100`).expect(200);
          expect((read.body.items as { labId: string }[]).map((l) => l.labId).sort()).toEqual(
            t.simulator.state
              .listLabs()
              .map((l) => l.id)
              .sort(),
          );
        }
      },
    );

    it('a delete on one instance racing a refresh on the other leaves exactly one tombstone per lab', async () => {
      const ids = t.simulator.state.seedLabs({ count: 8 });
      await t.a.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      const victims = ids.slice(0, 3);
      const [deletes, refreshes] = await Promise.all([
        Promise.all(victims.map((id) => t.a.http().delete(`/api/workers/${workerId}/labs/${id}`))),
        Promise.all([t.b.http().post(`/api/workers/${workerId}/labs/refresh`)]),
      ]);
      deletes.forEach((r) => expect(r.status).toBe(200));
      refreshes.forEach((r) => expect(r.status).toBe(200));
      const docs = await docsOf(ids);
      victims.forEach((id, i) => {
        const d = docs.find((x) => x.labId === id);
        expect(REMOVAL_KINDS).toContain(d?.removal?.kind);
        expect(d?.removal?.kind).toBe(
          deletes[i].body.localRecordRemoved ? 'lab.deleted' : 'lab.orphan_removed',
        );
      });
      for (const id of ids.slice(3)) expect(docs.find((x) => x.labId === id)?.removal).toBeNull();
    });
  });
});
