import { ApiHarness, startApiHarness } from './support/api-harness';
import { CommandCounter } from './support/command-counter';

interface Tombstone {
  _id: string;
  removal: {
    kind: string;
    event: { eventId: string; deletedBy?: string; alreadyAbsentInCml?: boolean; type: string };
  } | null;
  version: number;
}

describe('Phase 1: DELETE /api/workers/:w/labs/:l (e2e, FerretDB + CML simulator over HTTPS)', () => {
  let h: ApiHarness;
  let workerId: string;
  const refresh = () => h.http().post(`/api/workers/${workerId}/labs/refresh`);
  const del = (labId: string, force = false) =>
    h
      .http()
      .delete(`/api/workers/${workerId}/labs/${labId}`)
      .query(force ? { force: 'true' } : {});
  const record = (labId: string) =>
    h.db.collection<Tombstone>('lab_records').findOne({ _id: `${workerId}:${labId}` });
  const simHas = (labId: string) => h.simulator.state.listLabs().some((l) => l.id === labId);
  const listedIds = async () =>
    (
      (await h.http().get(`/api/workers/${workerId}/labs?limit=100`).expect(200)).body.items as {
        labId: string;
      }[]
    ).map((l) => l.labId);
  const allRecords = () => h.db.collection('lab_records').find({}).sort({ _id: 1 }).toArray();

  async function expectDeletedLocally(labId: string, alreadyAbsentInCml: boolean): Promise<void> {
    expect(await listedIds()).not.toContain(labId);
    await h.http().get(`/api/workers/${workerId}/labs/${labId}`).expect(404);
    const doc = await record(labId);
    expect(doc?.removal?.kind).toBe('lab.deleted');
    expect(doc?.removal?.event).toMatchObject({ type: 'lab.deleted', alreadyAbsentInCml });
    expect(typeof doc?.removal?.event.eventId).toBe('string');
    expect(doc?.removal?.event.eventId.length).toBeGreaterThan(0);
    expect(typeof doc?.removal?.event.deletedBy).toBe('string');
  }

  beforeAll(async () => {
    h = await startApiHarness('phase1_delete_e2e');
    workerId = await h.registerSimulatorWorker();
  });
  afterAll(() => h.close());
  afterEach(() => h.simulator.state.clearFaults());

  it('deletes a wiped lab at the request floor: one CML request, two database round trips besides the worker', async () => {
    const [id] = h.simulator.state.seedLabs({ count: 1 });
    await refresh().expect(200);
    const counter = new CommandCounter(h.app);
    h.simulator.state.resetStats();
    try {
      await del(id).expect(200);
      // The tombstone's write commits the event, whose delivery (outbox claims, a read of the
      // record) then runs on its own: Phase 1's own commands are those up to the tombstone.
      const sent = counter.targets.slice(0, counter.targets.indexOf('update:lab_records') + 1);
      expect(h.simulator.state.stats().requests).toEqual({ 'labs.delete': 1 });
      expect(sent.filter((t) => !t.endsWith(':workers'))).toEqual([
        'findAndModify:lab_records',
        'update:lab_records',
      ]);
      expect(sent.filter((t) => t.endsWith(':workers'))).toEqual(['find:workers']);
    } finally {
      counter.stop();
    }
    await expectDeletedLocally(id, false);
  });

  it('deletes a DEFINED_ON_CORE lab in CML and locally at once', async () => {
    const [id, other] = h.simulator.state.seedLabs({ count: 2 });
    await refresh().expect(200);
    const res = await del(id).expect(200);
    expect(res.body).toEqual({
      workerId,
      labId: id,
      message: 'Lab deleted successfully',
      alreadyAbsentInCml: false,
      localRecordRemoved: true,
    });
    expect(simHas(id)).toBe(false);
    expect(simHas(other)).toBe(true);
    await expectDeletedLocally(id, false);
    expect(await listedIds()).toContain(other);
  });

  it.each(['STOPPED', 'STARTED'] as const)(
    'refuses a %s lab without force: 409 and nothing changes in CML or locally',
    async (state) => {
      const [id] = h.simulator.state.seedLabs({ count: 1, state });
      await refresh().expect(200);
      const before = await allRecords();
      h.simulator.state.resetStats();
      const res = await del(id);
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const stats = h.simulator.state.stats().requests;
      expect(stats['labs.stop'] ?? 0).toBe(0);
      expect(stats['labs.wipe'] ?? 0).toBe(0);
      expect(stats['labs.delete'] ?? 0).toBe(0);
      expect(h.simulator.state.listLabs().find((l) => l.id === id)?.state).toBe(state);
      expect(await allRecords()).toEqual(before);
    },
  );

  it('with force=true stops, wipes and deletes a STARTED lab', async () => {
    const [id] = h.simulator.state.seedLabs({ count: 1, state: 'STARTED' });
    await refresh().expect(200);
    h.simulator.state.resetStats();
    const res = await del(id, true).expect(200);
    expect(res.body).toMatchObject({ alreadyAbsentInCml: false, localRecordRemoved: true });
    const stats = h.simulator.state.stats().requests;
    expect(stats['labs.stop']).toBe(1);
    expect(stats['labs.wipe']).toBe(1);
    expect(stats['labs.delete']).toBe(1);
    expect(simHas(id)).toBe(false);
    await expectDeletedLocally(id, false);
  });

  it('with force=true wipes a STOPPED lab without stopping it', async () => {
    const [id] = h.simulator.state.seedLabs({ count: 1, state: 'STOPPED' });
    await refresh().expect(200);
    h.simulator.state.resetStats();
    await del(id, true).expect(200);
    const stats = h.simulator.state.stats().requests;
    expect(stats['labs.stop'] ?? 0).toBe(0);
    expect(stats['labs.wipe']).toBe(1);
    expect(simHas(id)).toBe(false);
    await expectDeletedLocally(id, false);
  });

  it('counts a lab CML no longer has as deleted (alreadyAbsentInCml)', async () => {
    const [id] = h.simulator.state.seedLabs({ count: 1 });
    await refresh().expect(200);
    h.simulator.state.deleteLab(id);
    const res = await del(id).expect(200);
    expect(res.body).toMatchObject({ alreadyAbsentInCml: true, localRecordRemoved: true });
    await expectDeletedLocally(id, true);
  });

  it('answers 404 for a lab absent in CML and locally, and for a second delete', async () => {
    const unknown = '11111111-2222-4333-8444-555555555555';
    const res = await del(unknown);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await record(unknown)).toBeNull();

    const [id] = h.simulator.state.seedLabs({ count: 1 });
    await refresh().expect(200);
    await del(id).expect(200);
    const tomb = await record(id);
    expect((await del(id)).status).toBe(404);
    expect(await record(id)).toEqual(tomb);
  });

  it('answers 404 for an unknown worker and 400 for malformed ids', async () => {
    const unknownWorker = '00000000-0000-4000-8000-000000000000';
    const [id] = h.simulator.state.seedLabs({ count: 1 });
    expect((await h.http().delete(`/api/workers/${unknownWorker}/labs/${id}`)).status).toBe(404);
    expect((await h.http().delete(`/api/workers/${workerId}/labs/nope`)).status).toBe(400);
    expect((await h.http().delete(`/api/workers/nope/labs/${id}`)).status).toBe(400);
    expect(simHas(id)).toBe(true);
  });

  it('deletes a lab that was never synced and leaves a tombstone a refresh does not undo', async () => {
    const [id] = h.simulator.state.seedLabs({ count: 1 });
    const res = await del(id).expect(200);
    expect(res.body).toMatchObject({ alreadyAbsentInCml: false, localRecordRemoved: true });
    await expectDeletedLocally(id, false);
    await refresh().expect(200);
    expect(await listedIds()).not.toContain(id);
    expect((await record(id))?.removal?.kind).toBe('lab.deleted');
  });

  it.each([
    ['a CML 5xx on delete', 502, { route: 'labs.delete', kind: 'error', status: 500 } as const],
    ['a CML 5xx reading the lab', 502, { route: 'labs.get', kind: 'error', status: 503 } as const],
    ['a CML hang on delete', 504, { route: 'labs.delete', kind: 'hang' } as const],
    ['a CML 5xx on wipe (force)', 502, { route: 'labs.wipe', kind: 'error', status: 500 } as const],
  ])('answers %s with %d and changes nothing locally', async (_name, status, fault) => {
    // A lab its record says is wiped is deleted without a read (one CML request), so the read is
    // faulted for a stopped lab, which is read first.
    const readFirst = fault.route === 'labs.wipe' || fault.route === 'labs.get';
    const [id] = h.simulator.state.seedLabs({ count: 1, state: readFirst ? 'STOPPED' : 'DEFINED_ON_CORE' });
    await refresh().expect(200);
    const before = await allRecords();
    h.simulator.state.addFault({ ...fault, labId: id });
    const res = await del(id, fault.route === 'labs.wipe');
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await allRecords()).toEqual(before);
    expect(simHas(id)).toBe(true);
    await h.http().get(`/api/workers/${workerId}/labs/${id}`).expect(200);
  });

  it('refuses with 409 on a disabled worker and changes nothing', async () => {
    const [id] = h.simulator.state.seedLabs({ count: 1 });
    await refresh().expect(200);
    const before = await allRecords();
    await h.http().patch(`/api/workers/${workerId}`).send({ enabled: false }).expect(200);
    try {
      h.simulator.state.resetStats();
      const res = await del(id, true);
      expect(res.status).toBe(409);
      expect(h.simulator.state.stats().requests['labs.delete'] ?? 0).toBe(0);
      expect(simHas(id)).toBe(true);
      expect(await allRecords()).toEqual(before);
    } finally {
      await h.http().patch(`/api/workers/${workerId}`).send({ enabled: true }).expect(200);
    }
  });

  it('a stale CML listing never brings a deleted lab back', async () => {
    // CML answers 404 to the DELETE and to the lab's details, yet keeps listing it: the listing is
    // stale, our tombstone must win. (A listing AND a 200 for the details restore it: v1.2,
    // test/restore.e2e-spec.ts.)
    const [id] = h.simulator.state.seedLabs({ count: 1 });
    await refresh().expect(200);
    h.simulator.state.addFault({ route: 'labs.delete', kind: 'error', status: 404, labId: id, times: 1 });
    const res = await del(id).expect(200);
    expect(res.body).toMatchObject({ alreadyAbsentInCml: true, localRecordRemoved: true });
    expect(simHas(id)).toBe(true);
    h.simulator.state.addFault({ route: 'labs.get', kind: 'error', status: 404, labId: id });
    const tomb = await record(id);
    for (let i = 0; i < 2; i++) {
      const summary = await refresh().expect(200);
      expect(summary.body).toMatchObject({ status: 'succeeded', created: 0 });
    }
    expect(await listedIds()).not.toContain(id);
    await h.http().get(`/api/workers/${workerId}/labs/${id}`).expect(404);
    expect(await record(id)).toEqual(tomb);
    h.simulator.state.deleteLab(id);
  });
});
