import fc from 'fast-check';
import { plainLabSnapshot } from '../testing/plain-lab-snapshot.fixture';
import { CmlLabSnapshot } from './cml-lab-snapshot';
import { LabRecord } from './lab-record.aggregate';
import { CmlListing, labsToRead, planReconciliation } from './reconciliation-plan';
import { LabLookup } from './removal-plan';

const W = '0b6f9a52-7d2c-4c1e-9a51-3f7e8d1c2b10';
const t0 = new Date('2026-01-01T00:00:00Z');
const now = new Date('2026-01-02T00:00:00Z');
const N = 8;
const LABS = Array.from({ length: N }, (_, i) => plainLabSnapshot(i + 1, '8100'));
const IDS = LABS.map((l) => l.id);
const renamed = (lab: CmlLabSnapshot, by: string): CmlLabSnapshot => ({
  ...lab,
  title: `${lab.title} ${by}`,
});

/**
 * Per lab: whether it has a record (live, removed, or pending approval as an orphan), whether CML
 * changed it since, whether the list names it, and what its tile says: the details, what the
 * record holds (a tile lagging behind), something else, or nothing.
 */
const labArb = fc.record({
  record: fc.constantFrom('none', 'live', 'removed', 'pending-orphan'),
  changedInCml: fc.boolean(),
  listed: fc.boolean(),
  tile: fc.constantFrom('details', 'as-recorded', 'other', 'none'),
});

function world(labs: { record: string; changedInCml: boolean; listed: boolean; tile: string }[]) {
  const records: LabRecord[] = [];
  const details = new Map<string, CmlLabSnapshot>();
  const tiles = new Map<string, CmlLabSnapshot>();
  labs.forEach((lab, i) => {
    const recorded = LABS[i]!;
    if (lab.record !== 'none') {
      const record = LabRecord.discovered(W, recorded, t0);
      if (lab.record === 'removed')
        record.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: t0 });
      if (lab.record === 'pending-orphan') record.markPendingOrphan(t0);
      records.push(record);
    }
    const current = lab.changedInCml ? renamed(recorded, 'in CML') : recorded;
    details.set(recorded.id, current);
    const tile = { details: current, 'as-recorded': recorded, other: renamed(recorded, 'elsewhere') }[
      lab.tile as 'details'
    ];
    if (tile) tiles.set(recorded.id, tile);
  });
  const listing: CmlListing = {
    trusted: true,
    ids: new Set(IDS.filter((_, i) => labs[i]!.listed)),
    refused: [],
    listedAt: now,
  };
  return { records, details, tiles, listing };
}

/** Phase 2 as the gatherer runs it: the tiles answer what they can, CML's details the rest; then the plan. */
function planWithTiles(w: ReturnType<typeof world>, tiles: ReadonlyMap<string, CmlLabSnapshot>) {
  const { read, answeredByTiles } = labsToRead(w.records, w.listing, tiles);
  const lookups = new Map<string, LabLookup>(answeredByTiles);
  for (const id of read) lookups.set(id, { kind: 'present', lab: w.details.get(id)! });
  return planReconciliation(
    w.records,
    {
      workerId: W,
      listing: w.listing,
      account: { username: 'admin', admin: true },
      lookups,
      intents: new Map(),
      now,
    },
    { mode: 'enforce', maxDeleteRatio: 1 },
  );
}

const labsArb = fc.array(labArb, { minLength: N, maxLength: N });

describe('labsToRead with tiles (properties)', () => {
  it('accounts for every listed lab exactly once, tombstones too: read, or answered by its tile', () => {
    fc.assert(
      fc.property(labsArb, (labs) => {
        const { records, tiles, listing } = world(labs);
        const { read, answeredByTiles } = labsToRead(records, listing, tiles);
        const expected = IDS.filter((id) => listing.trusted && listing.ids.has(id));
        expect([...read, ...answeredByTiles.keys()].sort()).toEqual([...expected].sort());
        expect(read.filter((id) => answeredByTiles.has(id))).toEqual([]);
        // A tombstone's details are always read: only they can restore it.
        for (const r of records) if (r.isRemoved && listing.ids.has(r.labId)) expect(read).toContain(r.labId);
      }),
    );
  });

  it('lets a tile answer only for a live record it equals, never for a new lab or a pending orphan', () => {
    fc.assert(
      fc.property(labsArb, (labs) => {
        const { records, tiles, listing } = world(labs);
        const byId = new Map(records.map((r) => [r.labId, r]));
        for (const [id, lookup] of labsToRead(records, listing, tiles).answeredByTiles) {
          const record = byId.get(id);
          expect(record && !record.isRemoved && record.pendingOrphan === null).toBe(true);
          expect(lookup).toEqual({ kind: 'present', lab: tiles.get(id), fromTile: true });
          expect(record!.isCurrentWith(tiles.get(id)!)).toBe(true);
        }
      }),
    );
  });

  it('never writes what only a tile said: every create and update carries the details CML answered', () => {
    fc.assert(
      fc.property(labsArb, (labs) => {
        const w = world(labs);
        const plan = planWithTiles(w, w.tiles);
        const written = [...plan.writes!.creates, ...plan.writes!.updates.map((u) => u.record)];
        for (const record of written) expect(record.isCurrentWith(w.details.get(record.labId)!)).toBe(true);
      }),
    );
  });

  it('changes nothing but the cost when the tiles are up to date: the same plan as reading every lab', () => {
    fc.assert(
      fc.property(labsArb, (labs) => {
        const upToDate = labs.map((l) => ({ ...l, tile: 'details' }));
        // A plan updates its records in place: each plan gets a world of its own.
        const plan = (useTiles: boolean) => {
          const w = world(upToDate);
          return planWithTiles(w, useTiles ? w.tiles : new Map());
        };
        const [a, b] = [plan(true), plan(false)];
        expect(a.counts).toEqual(b.counts);
        expect(a.complete).toBe(b.complete);
        expect(a.writes!.updates.map((u) => u.record.toProps())).toEqual(
          b.writes!.updates.map((u) => u.record.toProps()),
        );
      }),
    );
  });

  it('reads every listed lab without tiles, and nothing from an untrusted list', () => {
    const { records, listing } = world(
      IDS.map(() => ({ record: 'live', changedInCml: false, listed: true, tile: 'none' })),
    );
    expect(labsToRead(records, listing).read).toEqual(IDS);
    expect(labsToRead(records, { trusted: false, status: 'failed', reason: 'x' }, new Map())).toEqual({
      read: [],
      answeredByTiles: new Map(),
    });
  });
});
