import fc from 'fast-check';
import { plainLabSnapshot } from '../testing/plain-lab-snapshot.fixture';
import { DELETE_INTENT_TTL_MS, DeleteIntent } from './delete-intent';
import { LabRecord } from './lab-record.aggregate';
import { CmlListing, planReconciliation, ReconciliationEvidence } from './reconciliation-plan';
import { LabLookup } from './removal-plan';

const W = '0b6f9a52-7d2c-4c1e-9a51-3f7e8d1c2b10';
const t0 = new Date('2026-01-01T00:00:00Z');
const now = new Date('2026-01-02T00:00:00Z');
const LABS = Array.from({ length: 10 }, (_, i) => plainLabSnapshot(i + 1));
const IDS = LABS.map((l) => l.id);

const lookupArb = (i: number): fc.Arbitrary<LabLookup | undefined> =>
  fc.constantFrom<LabLookup | undefined>(
    { kind: 'gone' },
    { kind: 'unknown', error: 'an nginx 404 page' },
    { kind: 'present', lab: LABS[i]! },
    { kind: 'present', lab: { ...LABS[i]!, title: 'renamed in CML' } },
    undefined,
  );

/** A worker's records, what CML said about each lab, the account, the mode, at random. */
const worldArb = fc.record({
  recorded: fc.subarray(IDS.map((_, i) => i)),
  removed: fc.subarray(IDS.map((_, i) => i)),
  listed: fc.subarray(IDS.map((_, i) => i)),
  lookups: fc.tuple(...IDS.map((_, i) => lookupArb(i))),
  intents: fc.subarray(IDS.map((_, i) => i)),
  staleIntents: fc.boolean(),
  trusted: fc.boolean(),
  refused: fc.constantFrom<string[]>([], ['not-a-uuid']),
  admin: fc.constantFrom<boolean | null>(true, false, null),
  mode: fc.constantFrom('enforce' as const, 'observe' as const, 'dry-run' as const),
  maxDeleteRatio: fc.constantFrom(0, 0.2, 0.5, 1),
});
type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

function evaluate(world: World) {
  const records = world.recorded.map((i) => {
    const record = LabRecord.discovered(W, LABS[i]!, t0);
    if (world.removed.includes(i))
      record.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: t0 });
    return record;
  });
  const listing: CmlListing = world.trusted
    ? { trusted: true, ids: new Set(world.listed.map((i) => IDS[i]!)), refused: world.refused, listedAt: now }
    : { trusted: false, status: 'failed', reason: 'CML list not trusted: HTTP 502' };
  const lookups = new Map<string, LabLookup>();
  world.lookups.forEach((l, i) => l && lookups.set(IDS[i]!, l));
  const intentAt = world.staleIntents ? new Date(now.getTime() - DELETE_INTENT_TTL_MS - 1) : now;
  const intents = new Map<string, DeleteIntent>(
    world.intents.map((i) => [
      IDS[i]!,
      { workerId: W, labId: IDS[i]!, by: 'carol', at: intentAt, force: false },
    ]),
  );
  const evidence: ReconciliationEvidence = {
    workerId: W,
    listing,
    account: { username: 'admin', admin: world.admin },
    lookups,
    intents,
    now,
  };
  const plan = planReconciliation(records, evidence, {
    mode: world.mode,
    maxDeleteRatio: world.maxDeleteRatio,
  });
  const removals = plan.writes
    ? [
        ...plan.writes.removeOrphans,
        ...plan.writes.holdOrphans,
        ...plan.writes.completeDeletes.map((c) => c.record),
      ]
    : [];
  return { records, listing, lookups, plan, removals };
}

describe('planReconciliation (properties)', () => {
  const base: World = {
    recorded: [0, 1, 2],
    removed: [],
    listed: [0],
    lookups: [
      { kind: 'present', lab: { ...LABS[0]!, title: 'renamed' } },
      { kind: 'gone' },
      { kind: 'unknown', error: 'x' },
      ...Array(7).fill(undefined),
    ] as World['lookups'],
    intents: [],
    staleIntents: false,
    trusted: true,
    refused: [],
    admin: true,
    mode: 'enforce',
    maxDeleteRatio: 1,
  };

  it('in the plain case updates the listed lab, removes the one CML says is gone, keeps the unknown one', () => {
    const { plan } = evaluate(base);
    expect(plan.status).toBe('succeeded');
    expect(plan.writes!.updates.map((u) => u.record.labId)).toEqual([IDS[0]]);
    expect(plan.writes!.removeOrphans.map((r) => r.labId)).toEqual([IDS[1]]);
    expect(plan.kept).toEqual([expect.objectContaining({ why: 'not-confirmed-gone' })]);
    expect(plan.kept[0]!.record.labId).toBe(IDS[2]);
    expect(plan.counts).toEqual({
      created: 0,
      updated: 1,
      unchanged: 0,
      orphansRemoved: 1,
      orphansPending: 0,
      restored: 0,
    });
    expect(evaluate({ ...base, maxDeleteRatio: 0.2 }).plan.writes!.holdOrphans.map((r) => r.labId)).toEqual([
      IDS[1],
    ]);
    expect(
      evaluate({ ...base, intents: [1] }).plan.writes!.completeDeletes.map((c) => c.record.labId),
    ).toEqual([IDS[1]]);
  });

  it('plans no removal without CML’s own 404 for a lab a trusted list of an admin account left out', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { listing, lookups, removals } = evaluate(world);
        for (const record of removals) {
          expect(listing.trusted).toBe(true);
          expect(world.admin).toBe(true);
          expect(listing.trusted && listing.ids.has(record.labId)).toBe(false);
          expect(lookups.get(record.labId)?.kind).toBe('gone');
          expect(record.isRemoved).toBe(false);
        }
      }),
    );
  });

  it('removes nothing while it holds orphans back for approval', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { plan } = evaluate(world);
        if (plan.writes && plan.writes.holdOrphans.length > 0) {
          expect(plan.writes.removeOrphans).toEqual([]);
          expect(plan.counts.orphansRemoved).toBe(0);
        }
      }),
    );
  });

  it('plans no writes at all in observe mode or a dry run, and still reports what it found', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        fc.pre(world.mode !== 'enforce');
        const { plan } = evaluate(world);
        expect(plan.writes).toBeNull();
        if (world.trusted) expect(plan.notes.at(-1)).toMatch(/nothing was written/);
      }),
    );
    // The same world in enforce mode finds the same numbers: observe is a faithful preview.
    fc.assert(
      fc.property(worldArb, (world) => {
        const observed = evaluate({ ...world, mode: 'observe' }).plan.counts;
        const enforced = evaluate({ ...world, mode: 'enforce' }).plan.counts;
        expect(observed).toEqual(enforced);
      }),
    );
  });

  it('plans nothing from an untrusted listing: no writes, zero counts, its status and reason', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { plan } = evaluate({ ...world, trusted: false });
        expect(plan.writes).toBeNull();
        expect(plan.counts).toEqual({
          created: 0,
          updated: 0,
          unchanged: 0,
          orphansRemoved: 0,
          orphansPending: 0,
          restored: 0,
        });
        expect(plan.candidates).toEqual([]);
        expect(plan.restores).toEqual([]);
        expect(plan.status).toBe('failed');
        expect(plan.notes).toEqual(['CML list not trusted: HTTP 502']);
        expect(plan.complete).toBe(false);
      }),
    );
  });

  it('removes nothing for an account not known to be an admin, and says so', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        fc.pre(world.trusted && world.admin !== true);
        const { plan, removals } = evaluate(world);
        expect(removals).toEqual([]);
        expect(plan.status).toBe('skipped');
        expect(plan.complete).toBe(false);
        expect(plan.notes.some((n) => n.includes('No record was removed'))).toBe(true);
      }),
    );
  });

  it('vouches for every record only when it confirmed each: nothing kept, held, unreadable or refused', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { plan, listing, lookups } = evaluate(world);
        if (!plan.complete) return;
        expect(world.admin).toBe(true);
        expect(plan.kept).toEqual([]);
        expect(plan.writes?.holdOrphans ?? []).toEqual([]);
        if (listing.trusted) {
          expect(listing.refused).toEqual([]);
          for (const id of listing.ids) expect(lookups.get(id)?.kind).not.toBe('unknown');
        }
      }),
    );
  });

  it('completes a delete as the user’s only with a live intent; a stale one blames nobody', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { plan } = evaluate(world);
        if (!plan.writes) return;
        if (world.staleIntents) expect(plan.writes.completeDeletes).toEqual([]);
        for (const { record, intent } of plan.writes.completeDeletes) {
          expect(intent.labId).toBe(record.labId);
          expect(world.intents.map((i) => IDS[i])).toContain(record.labId);
        }
      }),
    );
  });

  it('accounts for every live record once: synced, kept with a reason, or planned for removal', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        fc.pre(world.trusted && world.mode === 'enforce');
        const { records, listing, lookups, plan } = evaluate(world);
        const w = plan.writes!;
        const kept = new Set(plan.kept.map((k) => k.record.labId));
        const planned = new Set(
          [...w.removeOrphans, ...w.holdOrphans, ...w.completeDeletes.map((c) => c.record)].map(
            (r) => r.labId,
          ),
        );
        const updated = new Set(w.updates.map((u) => u.record.labId));
        for (const record of records.filter((r) => !r.isRemoved)) {
          const listed = listing.trusted && listing.ids.has(record.labId);
          const inPlan = [kept.has(record.labId), planned.has(record.labId)].filter(Boolean).length;
          if (listed) expect(inPlan).toBe(0);
          else expect(inPlan).toBe(1);
          if (updated.has(record.labId)) {
            expect(listed).toBe(true);
            expect(lookups.get(record.labId)?.kind).toBe('present');
          }
        }
        // Creates only for listed labs CML described, never over a tombstone.
        for (const created of w.creates) {
          expect(listing.trusted && listing.ids.has(created.labId)).toBe(true);
          expect(records.some((r) => r.labId === created.labId)).toBe(false);
        }
      }),
    );
  });

  it('lists every removal candidate once, with the decision the plan applied to it', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        fc.pre(world.trusted);
        const { records, listing, plan } = evaluate(world);
        const candidates = records.filter(
          (r) => !r.isRemoved && listing.trusted && !listing.ids.has(r.labId),
        );
        expect(plan.candidates.map((c) => c.labId)).toEqual(candidates.map((r) => r.labId));
        // The decision is the one the plan applied (in enforce mode, the planned writes say which).
        const decided = new Map(plan.candidates.map((c) => [c.labId, c.decision]));
        for (const k of plan.kept) expect(decided.get(k.record.labId)).toBe('keep');
        if (plan.writes) {
          for (const r of plan.writes.removeOrphans) expect(decided.get(r.labId)).toBe('remove');
          for (const c of plan.writes.completeDeletes) expect(decided.get(c.record.labId)).toBe('remove');
          for (const r of plan.writes.holdOrphans) expect(decided.get(r.labId)).toBe('hold');
        }
        // Observe and dry runs decide exactly what enforce would, and write none of it.
        const enforced = evaluate({ ...world, mode: 'enforce' }).plan;
        expect(plan.candidates).toEqual(enforced.candidates);
        for (const c of plan.candidates) expect(c.why.length).toBeGreaterThan(0);
      }),
    );
  });

  it('restores a removed record only with a trusted list naming it AND a 200 for its details', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { records, listing, lookups, plan } = evaluate(world);
        const restored = plan.restores.map((r) => r.record.labId);
        for (const labId of restored) {
          const record = records.find((r) => r.labId === labId)!;
          expect(record.isRemoved).toBe(true);
          expect(listing.trusted && listing.ids.has(labId)).toBe(true);
          expect(lookups.get(labId)?.kind).toBe('present');
        }
        // ... and every such record is restored.
        const expected = records.filter(
          (r) =>
            r.isRemoved &&
            listing.trusted &&
            listing.ids.has(r.labId) &&
            lookups.get(r.labId)?.kind === 'present',
        );
        expect(restored).toEqual(expected.map((r) => r.labId));
        expect(plan.counts.restored).toBe(restored.length);
        // Only enforce writes them; a tombstone is never re-created nor updated as if it were live.
        if (world.mode === 'enforce' && world.trusted) expect(plan.writes!.restores).toEqual(plan.restores);
        else expect(plan.writes?.restores ?? []).toEqual([]);
        if (plan.writes) {
          const written = [...plan.writes.creates, ...plan.writes.updates.map((u) => u.record)];
          for (const r of written)
            expect(records.find((x) => x.labId === r.labId)?.isRemoved ?? false).toBe(false);
        }
      }),
    );
  });
});
