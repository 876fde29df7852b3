import fc from 'fast-check';
import { ApiHarness, startApiHarness } from './support/api-harness';

interface LabDoc {
  _id: string;
  labId: string;
  workerId: string;
  removal: { kind: string } | null;
}

type ListFault = 'error' | 'empty_list' | 'partial_list' | 'not_ready';
type Step =
  | { kind: 'create'; state: 'DEFINED_ON_CORE' | 'STOPPED' | 'STARTED' }
  | { kind: 'serviceDelete'; pick: number }
  | { kind: 'externalDelete'; pick: number }
  | { kind: 'faultyRefresh'; fault: ListFault }
  | { kind: 'refresh' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      state: fc.constantFrom('DEFINED_ON_CORE' as const, 'STOPPED' as const, 'STARTED' as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('serviceDelete' as const), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('externalDelete' as const), pick: fc.nat(20) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('faultyRefresh' as const),
      fault: fc.constantFrom<ListFault>('error', 'empty_list', 'partial_list', 'not_ready'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refresh' as const) }) },
);

describe('Reconciliation under random sequences (property, e2e over HTTPS)', () => {
  let h: ApiHarness;
  let workerId: string | undefined;
  let n = 0;

  beforeAll(async () => {
    h = await startApiHarness('reconcile_property', { RECONCILE_MAX_DELETE_RATIO: '1' });
  });
  afterAll(() => h.close());

  async function freshWorker(): Promise<string> {
    if (workerId) await h.http().delete(`/api/workers/${workerId}`).expect(204);
    h.simulator.state.reset();
    workerId = await h.registerSimulatorWorker(`prop-${++n}`);
    return workerId;
  }

  const simIds = () => new Set(h.simulator.state.listLabs().map((l) => l.id));

  async function docs(w: string): Promise<LabDoc[]> {
    return h.db.collection<LabDoc>('lab_records').find({ workerId: w }).toArray();
  }

  async function apiLiveIds(w: string): Promise<string[]> {
    const res = await h.http().get(`/api/workers/${w}/labs?limit=200`).expect(200);
    return (res.body.items as { labId: string }[]).map((l) => l.labId).sort();
  }

  async function runStep(w: string, step: Step, deletedByService: Set<string>, log: string[]): Promise<void> {
    const ids = [...simIds()];
    switch (step.kind) {
      case 'create': {
        const [id] = h.simulator.state.seedLabs({ count: 1, state: step.state });
        log.push(`create ${id.slice(0, 8)} ${step.state}`);
        return;
      }
      case 'serviceDelete': {
        if (ids.length === 0) {
          // Nothing in CML: deleting a lab we deleted before is a 404; a never-known id too.
          const target = [...deletedByService][step.pick % Math.max(1, deletedByService.size)];
          if (!target) return;
          log.push(`serviceDelete (already deleted) ${target.slice(0, 8)}`);
          const res = await h.http().delete(`/api/workers/${w}/labs/${target}`).query({ force: 'true' });
          expect(res.status).toBe(404);
          return;
        }
        const target = ids[step.pick % ids.length];
        log.push(`serviceDelete ${target.slice(0, 8)}`);
        const res = await h.http().delete(`/api/workers/${w}/labs/${target}`).query({ force: 'true' });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ alreadyAbsentInCml: false, localRecordRemoved: true });
        deletedByService.add(target);
        expect(simIds().has(target)).toBe(false);
        // Absent from every read at once.
        expect(await apiLiveIds(w)).not.toContain(target);
        await h.http().get(`/api/workers/${w}/labs/${target}`).expect(404);
        return;
      }
      case 'externalDelete': {
        if (ids.length === 0) return;
        const target = ids[step.pick % ids.length];
        log.push(`externalDelete ${target.slice(0, 8)}`);
        h.simulator.state.deleteLab(target);
        return;
      }
      case 'faultyRefresh': {
        log.push(`faultyRefresh ${step.fault}`);
        if (step.fault === 'error')
          h.simulator.state.addFault({ route: 'labs.list', kind: 'error', status: 500 });
        else if (step.fault === 'not_ready')
          h.simulator.state.addFault({ route: 'system_information', kind: 'not_ready' });
        else h.simulator.state.addFault({ route: 'labs.list', kind: step.fault });
        try {
          const res = await h.http().post(`/api/workers/${w}/labs/refresh`);
          // An untrusted list (an error, or a controller that is not ready) is a 502 to a manual refresh.
          if (step.fault === 'error' || step.fault === 'not_ready') expect(res.status).toBe(502);
          else {
            expect(res.status).toBe(200);
            expect(res.body.status).toBe('succeeded');
          }
        } finally {
          h.simulator.state.clearFaults();
        }
        return;
      }
      case 'refresh': {
        log.push('refresh');
        const res = await h.http().post(`/api/workers/${w}/labs/refresh`).expect(200);
        expect(res.body).toMatchObject({ status: 'succeeded', orphansPending: 0 });
        // A fault-free refresh makes the local view equal CML's.
        const inCml = [...simIds()].sort();
        expect(await apiLiveIds(w)).toEqual(inCml);
        const live = (await docs(w)).filter((d) => d.removal === null).map((d) => d.labId);
        expect(live.sort()).toEqual(inCml);
        return;
      }
    }
  }

  async function checkInvariants(w: string, deletedByService: Set<string>): Promise<void> {
    const inCml = simIds();
    const all = await docs(w);
    // Never a tombstone for a lab CML still has.
    const wronglyRemoved = all.filter((d) => d.removal !== null && inCml.has(d.labId)).map((d) => d.labId);
    expect(wronglyRemoved).toEqual([]);
    // Never a live record for a lab deleted through the service (no resurrection).
    const resurrected = all
      .filter((d) => d.removal === null && deletedByService.has(d.labId))
      .map((d) => d.labId);
    expect(resurrected).toEqual([]);
    // Tombstones of service deletes say so.
    for (const d of all) if (deletedByService.has(d.labId)) expect(d.removal?.kind).toBe('lab.deleted');
    // Reads never show a removed record.
    const removed = new Set(all.filter((d) => d.removal !== null).map((d) => d.labId));
    expect((await apiLiveIds(w)).filter((id) => removed.has(id))).toEqual([]);
  }

  it('never removes a lab that exists in CML, never resurrects a deleted one, converges on a clean refresh', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
        const w = await freshWorker();
        h.simulator.state.clearFaults();
        const deletedByService = new Set<string>();
        const log: string[] = [];
        try {
          for (const step of steps) {
            await runStep(w, step, deletedByService, log);
            await checkInvariants(w, deletedByService);
          }
          // Finally: a clean refresh converges.
          await runStep(w, { kind: 'refresh' }, deletedByService, log);
          await checkInvariants(w, deletedByService);
        } catch (error) {
          (error as Error).message += `\nsteps: ${log.join(' -> ')}`;
          throw error;
        }
      }),
      { numRuns: 25 },
    );
  });
});
