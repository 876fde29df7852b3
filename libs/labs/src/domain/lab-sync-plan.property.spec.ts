import fc from 'fast-check';
import { CmlLabSnapshot } from './cml-lab-snapshot';
import { LabRecord } from './lab-record.aggregate';
import { planLabSync } from './lab-sync-plan';

const W = '0b6f9a52-7d2c-4c1e-9a51-3f7e8d1c2b10';
const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:30:00Z');
const LAB_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

const snapshotArb = (id: string): fc.Arbitrary<CmlLabSnapshot> =>
  fc.record({
    id: fc.constant(id),
    state: fc.constantFrom('DEFINED_ON_CORE', 'STOPPED', 'STARTED'),
    created: fc.constant('2025-12-01T10:00:00Z'),
    modified: fc.constantFrom('2025-12-02T10:00:00Z', '2025-12-03T10:00:00Z'),
    title: fc.constantFrom(`Lab ${id}`, `Renamed ${id}`),
    description: fc.constant(''),
    notes: fc.constant(''),
    owner: fc.constant('u-1'),
    ownerUsername: fc.constant('alice'),
    ownerFullname: fc.constant('Alice'),
    nodeCount: fc.integer({ min: 0, max: 3 }),
    linkCount: fc.integer({ min: 0, max: 2 }),
    groups: fc.constantFrom([], [{ id: 'g', permission: 'read_only' }]),
  });

type Kind = 'live' | 'pending' | 'deleted' | 'orphan_removed';
interface ExistingSpec {
  snapshot: CmlLabSnapshot;
  kind: Kind;
  version: number;
}

/** A world: the records we have (live, pending, tombstones) and what CML's details said (possibly stale, with repeats). */
const worldArb = fc
  .record({
    existing: fc.uniqueArray(
      fc.constantFrom(...LAB_IDS).chain((id) =>
        fc.record({
          snapshot: snapshotArb(id),
          kind: fc.constantFrom<Kind>('live', 'pending', 'deleted', 'orphan_removed'),
          version: fc.integer({ min: 0, max: 5 }),
        }),
      ),
      { selector: (e) => e.snapshot.id, maxLength: LAB_IDS.length },
    ),
    snapshots: fc.array(fc.constantFrom(...LAB_IDS).chain(snapshotArb), { maxLength: 12 }),
  })
  .map(({ existing, snapshots }) => ({ existing: existing as ExistingSpec[], snapshots }));

function build(specs: ExistingSpec[]): LabRecord[] {
  return specs.map(({ snapshot, kind, version }) => {
    const r = LabRecord.restore({ ...LabRecord.discovered(W, snapshot, t0).toProps(), version });
    if (kind === 'pending') r.markPendingOrphan(t0);
    if (kind === 'deleted') r.markDeleted({ deletedBy: 'u', alreadyAbsentInCml: false, now: t0 });
    if (kind === 'orphan_removed')
      r.markOrphanRemoved({
        trigger: 'manual',
        reconciliationId: 'r',
        lastSeenAt: t0,
        evidence: { listedAt: t0.toISOString(), confirmedBy: 'lookup-404' },
        now: t0,
      });
    r.uncommit();
    return r;
  });
}

describe('planLabSync (properties)', () => {
  it('never brings a tombstoned lab back, whatever CML (or a stale list) says', () => {
    fc.assert(
      fc.property(worldArb, ({ existing, snapshots }) => {
        const records = build(existing);
        const tombstones = records.filter((r) => r.isRemoved);
        const before = tombstones.map((r) => JSON.stringify(r.toProps()));
        const plan = planLabSync(W, records, snapshots, t1);
        const removedIds = new Set(tombstones.map((r) => r.labId));
        for (const r of plan.toCreate) expect(removedIds.has(r.labId)).toBe(false);
        for (const { record } of plan.toUpdate) expect(record.isRemoved).toBe(false);
        for (const r of plan.notInSnapshot) expect(r.isRemoved).toBe(false);
        expect(tombstones.map((r) => JSON.stringify(r.toProps()))).toEqual(before);
      }),
      { numRuns: 500 },
    );
  });

  it('partitions the listed labs: each unique id is created, updated, unchanged or a tombstone, once', () => {
    fc.assert(
      fc.property(worldArb, ({ existing, snapshots }) => {
        const records = build(existing);
        const byId = new Map(records.map((r) => [r.labId, r]));
        const plan = planLabSync(W, records, snapshots, t1);
        const listed = new Set(snapshots.map((s) => s.id));
        const created = plan.toCreate.map((r) => r.labId);
        const updated = plan.toUpdate.map((u) => u.record.labId);
        expect(new Set(created).size).toBe(created.length);
        expect(new Set(updated).size).toBe(updated.length);
        expect(created.every((id) => listed.has(id) && !byId.has(id))).toBe(true);
        expect(updated.every((id) => listed.has(id) && byId.has(id))).toBe(true);
        const listedTombstones = [...listed].filter((id) => byId.get(id)?.isRemoved).length;
        expect(created.length + updated.length + plan.unchanged + listedTombstones).toBe(listed.size);
        // Never-seen labs are all created.
        for (const id of listed) if (!byId.has(id)) expect(created).toContain(id);
      }),
      { numRuns: 500 },
    );
  });

  it('reports exactly the live records CML did not describe, and decides nothing about them', () => {
    fc.assert(
      fc.property(worldArb, ({ existing, snapshots }) => {
        const records = build(existing);
        const listed = new Set(snapshots.map((s) => s.id));
        const props = new Map(records.map((r) => [r.labId, JSON.stringify(r.toProps())]));
        const plan = planLabSync(W, records, snapshots, t1);
        const expected = records.filter((r) => !r.isRemoved && !listed.has(r.labId)).map((r) => r.labId);
        expect(plan.notInSnapshot.map((r) => r.labId).sort()).toEqual(expected.sort());
        for (const r of plan.notInSnapshot) expect(JSON.stringify(r.toProps())).toBe(props.get(r.labId));
      }),
      { numRuns: 500 },
    );
  });

  it('remembers the version it read, and a second plan with the same details writes nothing', () => {
    fc.assert(
      fc.property(worldArb, ({ existing, snapshots }) => {
        const records = build(existing);
        const versions = new Map(records.map((r) => [r.labId, r.version]));
        const plan = planLabSync(W, records, snapshots, t1);
        for (const { record, expectedVersion } of plan.toUpdate) {
          expect(expectedVersion).toBe(versions.get(record.labId));
          expect(record.pendingOrphan).toBeNull();
        }
        // Pending orphans that CML describes again stop being pending.
        for (const r of records)
          if (!r.isRemoved && snapshots.some((s) => s.id === r.labId)) expect(r.pendingOrphan).toBeNull();
        // Apply the plan (the records were updated in place; add the created ones), then plan again with
        // the last snapshot of each lab: this is a fixpoint when CML gave one version per lab.
        const lastById = new Map(snapshots.map((s) => [s.id, s]));
        const firstById = new Map<string, CmlLabSnapshot>();
        for (const s of snapshots) if (!firstById.has(s.id)) firstById.set(s.id, s);
        const consistent = [...lastById.values()].every(
          (s) => JSON.stringify(firstById.get(s.id)) === JSON.stringify(s),
        );
        fc.pre(consistent);
        const again = planLabSync(W, [...records, ...plan.toCreate], snapshots, t1);
        expect(again.toCreate).toEqual([]);
        expect(again.toUpdate).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same plan for any order of the details', () => {
    fc.assert(
      fc.property(
        worldArb.chain((w) =>
          fc
            .shuffledSubarray(w.snapshots, { minLength: w.snapshots.length })
            .map((shuffled) => ({ ...w, shuffled })),
        ),
        ({ existing, snapshots, shuffled }) => {
          const uniquePerId =
            new Set(snapshots.map((s) => JSON.stringify(s))).size ===
            new Set(snapshots.map((s) => s.id)).size;
          fc.pre(uniquePerId);
          const summary = (s: CmlLabSnapshot[]) => {
            const p = planLabSync(W, build(existing), s, t1);
            return {
              create: p.toCreate.map((r) => r.labId).sort(),
              update: p.toUpdate.map((u) => u.record.labId).sort(),
              unchanged: p.unchanged,
              missing: p.notInSnapshot.map((r) => r.labId).sort(),
            };
          };
          expect(summary(shuffled)).toEqual(summary(snapshots));
        },
      ),
      { numRuns: 300 },
    );
  });
});
