import fc from 'fast-check';
import { CmlLabSnapshot } from './cml-lab-snapshot';
import { DeleteIntent } from './delete-intent';
import { LabRecord } from './lab-record.aggregate';
import { LabLookup, planRemovals, removalCandidates, RemovalEvidence } from './removal-plan';

const W = '0b6f9a52-7d2c-4c1e-9a51-3f7e8d1c2b10';
const t0 = new Date('2026-01-01T00:00:00Z');
const LAB_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

function record(id: string): LabRecord {
  const snapshot: CmlLabSnapshot = {
    id,
    state: 'STOPPED',
    created: '',
    modified: '',
    title: id,
    description: '',
    notes: '',
    owner: 'u',
    ownerUsername: 'alice',
    ownerFullname: '',
    nodeCount: 1,
    linkCount: 0,
    groups: [],
  };
  return LabRecord.discovered(W, snapshot, t0);
}

const lookupArb: fc.Arbitrary<LabLookup | undefined> = fc.constantFrom<LabLookup | undefined>(
  { kind: 'gone' },
  { kind: 'unknown', error: 'HTTP 404 that is not CML' },
  { kind: 'present', lab: { id: 'x' } as CmlLabSnapshot },
  undefined,
);

/** A worker's records, a trusted listing, lookups, intents and the account's role, at random. */
const worldArb = fc.record({
  ids: fc.uniqueArray(fc.constantFrom(...LAB_IDS), { minLength: 1 }),
  listed: fc.uniqueArray(fc.constantFrom(...LAB_IDS)),
  lookups: fc.dictionary(fc.constantFrom(...LAB_IDS), lookupArb),
  intentIds: fc.uniqueArray(fc.constantFrom(...LAB_IDS)),
  accountIsAdmin: fc.boolean(),
  maxDeleteRatio: fc.constantFrom(0, 0.1, 0.5, 1),
});

type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

function evaluate(world: World) {
  const records = world.ids.map(record);
  const listed = new Set(world.listed);
  const lookups = new Map(
    Object.entries(world.lookups).filter((e): e is [string, LabLookup] => e[1] !== undefined),
  );
  const intents = new Map<string, DeleteIntent>(
    world.intentIds.map((id) => [id, { workerId: W, labId: id, by: 'carol', at: t0, force: false }]),
  );
  const evidence: RemovalEvidence = { listed, lookups, accountIsAdmin: world.accountIsAdmin, intents };
  const candidates = removalCandidates(records, listed);
  const plan = planRemovals(candidates, records.length, evidence, { maxDeleteRatio: world.maxDeleteRatio });
  const decided = [...plan.remove, ...plan.hold, ...plan.complete.map((c) => c.record)];
  return { records, listed, lookups, intents, candidates, plan, decided };
}

describe('planRemovals (properties)', () => {
  it('never removes, holds or completes a record without CML’s own word that its lab is gone', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { plan, decided, lookups } = evaluate(world);
        for (const r of decided) expect(lookups.get(r.labId)?.kind).toBe('gone');
        expect(
          plan.keep.every((k) => lookups.get(k.record.labId)?.kind !== 'gone' || !world.accountIsAdmin),
        ).toBe(true);
      }),
    );
  });

  it('never touches a listed lab', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { decided, listed, plan } = evaluate(world);
        for (const r of [...decided, ...plan.keep.map((k) => k.record)])
          expect(listed.has(r.labId)).toBe(false);
      }),
    );
  });

  it('without an admin account removes, holds and completes nothing', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { decided, plan, candidates } = evaluate({ ...world, accountIsAdmin: false });
        expect(decided).toEqual([]);
        expect(plan.keep.map((k) => k.why)).toEqual(candidates.map(() => 'account-not-admin'));
      }),
    );
  });

  it('a held-back plan removes nothing, and what it removes stays within the ratio', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { plan, records } = evaluate(world);
        if (plan.hold.length > 0) expect(plan.remove).toEqual([]);
        if (plan.remove.length > 0)
          expect(plan.remove.length).toBeLessThanOrEqual(world.maxDeleteRatio * records.length);
      }),
    );
  });

  it('completes as a delete exactly the confirmed-gone candidates with a live intent, never held', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { plan, intents } = evaluate(world);
        for (const { record, intent } of plan.complete) expect(intents.get(record.labId)).toBe(intent);
        for (const r of [...plan.remove, ...plan.hold]) expect(intents.has(r.labId)).toBe(false);
      }),
    );
  });

  it('decides each candidate exactly once', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { plan, decided, candidates } = evaluate(world);
        const all = [...decided, ...plan.keep.map((k) => k.record)].map((r) => r.labId).sort();
        expect(all).toEqual(candidates.map((r) => r.labId).sort());
      }),
    );
  });
});
