import { CmlLabSnapshot } from './cml-lab-snapshot';
import { DeleteIntent, isLiveDeleteIntent } from './delete-intent';
import { LabRecord } from './lab-record.aggregate';
import { planLabSync } from './lab-sync-plan';
import { KeepReason, LabLookup, planRemovals, removalCandidates } from './removal-plan';
import { ReconcileCounts, ReconcileRunMode, ReconcileStatus } from './reconcile-summary';

/**
 * What CML's lab list was worth as evidence. Only a trusted listing (a ready controller answered
 * `GET /labs?show_all=true` with a list of ids) can make a record a candidate for removal.
 */
export type CmlListing =
  | {
      trusted: true;
      ids: ReadonlySet<string>;
      /** Entries of the list that are no lab ids: ignored, and they make the run incomplete. */
      refused: readonly string[];
      listedAt: Date;
    }
  | {
      trusted: false;
      /** `failed` when CML could not be read, `skipped` when it said it is not ready. */
      status: 'failed' | 'skipped';
      reason: string;
    };

/** Who the worker's CML account is; `admin: null` when the controller cannot say (no /auth_extended). */
export interface CmlAccountEvidence {
  username: string | null;
  admin: boolean | null;
}

/** Everything one reconciliation learned from CML and from the delete intents, for one worker. */
export interface ReconciliationEvidence {
  workerId: string;
  listing: CmlListing;
  account: CmlAccountEvidence;
  /** `GET /labs/{id}` answers by lab id: of the listed labs, and of the candidates confirmed again. */
  lookups: ReadonlyMap<string, LabLookup>;
  /** Phase 1 delete intents of candidates, live or not (the plan decides which still count). */
  intents: ReadonlyMap<string, DeleteIntent>;
  now: Date;
}

export interface ReconciliationPolicy {
  mode: ReconcileRunMode;
  /** RECONCILE_MAX_DELETE_RATIO: above this share of the live records, orphans wait for approval. */
  maxDeleteRatio: number;
}

/** The writes a plan asks for; absent when nothing may be written (observe, dry run, untrusted CML). */
export interface PlannedWrites {
  creates: LabRecord[];
  /** Content changes, with the version read: every write is conditional on it. */
  updates: { record: LabRecord; expectedVersion: number }[];
  /** Confirmed gone, no delete in progress: tombstoned as lab.orphan_removed. */
  removeOrphans: LabRecord[];
  /** Confirmed gone, but too many at once: flagged to wait for an admin's approval. */
  holdOrphans: LabRecord[];
  /** Confirmed gone with a live delete intent: the user's interrupted delete, completed as lab.deleted. */
  completeDeletes: { record: LabRecord; intent: DeleteIntent }[];
}

export interface ReconciliationPlan {
  status: ReconcileStatus;
  /** Why the run did what it did, for people: joined into the summary's `reason`. */
  notes: string[];
  /** What the run found, whether or not it may write it. */
  counts: ReconcileCounts;
  writes: PlannedWrites | null;
  /** Records missing from the list that stay, and why. */
  kept: { record: LabRecord; why: KeepReason }[];
  /** Orphans found (removed now or held for approval): logged by lab id. */
  orphans: LabRecord[];
  /** The run confirmed every live record, so it can vouch for all of them (the worker's lastSuccessfulSyncAt). */
  complete: boolean;
}

const NO_COUNTS: ReconcileCounts = {
  created: 0,
  updated: 0,
  unchanged: 0,
  orphansRemoved: 0,
  orphansPending: 0,
};

/**
 * The candidates (records missing from a trusted list) whose lab has not been looked up yet:
 * each is asked about once more before anything is decided. Without an admin account nothing
 * could be removed, so nothing is asked.
 */
export function labsToConfirm(
  records: readonly LabRecord[],
  listing: CmlListing,
  account: CmlAccountEvidence,
  lookups: ReadonlyMap<string, LabLookup>,
): string[] {
  if (!listing.trusted || account.admin !== true) return [];
  return removalCandidates(records, listing.ids)
    .filter((r) => !lookups.has(r.labId))
    .map((r) => r.labId);
}

/** Which listed labs need their details read, and what the tiles already answered for the others. */
export interface LabReads {
  read: string[];
  /** Listed labs whose tile says exactly what their live record holds: present and unchanged. */
  answeredByTiles: Map<string, LabLookup>;
}

/**
 * The listed labs whose details are worth reading: a tombstone wins over any listing. With the
 * labs' tiles (`GET /populate_lab_tiles`, one request), a lab whose tile equals its live record is
 * not read again: the tile can only spare a read, never cause a write. A new lab, a changed one, a
 * tile missing a field the record has, or a lab without a tile is read, so every write comes from
 * `GET /labs/{id}`. Tiles say nothing about which labs exist: a tile of an unlisted lab is ignored.
 */
export function labsToRead(
  records: readonly LabRecord[],
  listing: CmlListing,
  tiles: ReadonlyMap<string, CmlLabSnapshot> = new Map(),
): LabReads {
  const reads: LabReads = { read: [], answeredByTiles: new Map() };
  if (!listing.trusted) return reads;
  const byLabId = new Map(records.map((r) => [r.labId, r]));
  for (const id of listing.ids) {
    const record = byLabId.get(id);
    if (record?.isRemoved) continue;
    const tile = tiles.get(id);
    if (record && tile && record.isCurrentWith(tile))
      reads.answeredByTiles.set(id, { kind: 'present', lab: tile, fromTile: true });
    else reads.read.push(id);
  }
  return reads;
}

/**
 * Phase 2's decision for one worker: what CML said, turned into creates, updates, orphans to
 * remove or hold, and records kept with the reason. This is the one place where "never delete a
 * record on evidence that is not CML's own word that the lab is gone" is decided: an untrusted
 * listing plans nothing; an account that is not known to be an admin removes nothing; a record is
 * removed only after CML's own 404 for it; observe mode and dry runs plan no writes at all.
 *
 * `records` must have been read before the listing, so a record created during the run is never
 * a candidate. The records of `updates` already carry their new content (LabRecord.syncWith).
 */
export function planReconciliation(
  records: readonly LabRecord[],
  evidence: ReconciliationEvidence,
  policy: ReconciliationPolicy,
): ReconciliationPlan {
  const { listing, account, lookups, now } = evidence;
  if (!listing.trusted) {
    return {
      status: listing.status,
      notes: [listing.reason],
      counts: NO_COUNTS,
      writes: null,
      kept: [],
      orphans: [],
      complete: false,
    };
  }
  const mayRemove = account.admin === true;
  const snapshots = [...lookups.entries()].flatMap(([id, l]) =>
    l.kind === 'present' && listing.ids.has(id) ? [l.lab] : [],
  );
  const unreadable = [...listing.ids].filter((id) => lookups.get(id)?.kind === 'unknown').length;
  const sync = planLabSync(evidence.workerId, [...records], snapshots, now);
  const candidates = removalCandidates(sync.notInSnapshot, listing.ids);
  const live = records.filter((r) => !r.isRemoved).length;
  const liveIntents = new Map([...evidence.intents].filter(([, i]) => isLiveDeleteIntent(i, now)));
  const removals = planRemovals(
    candidates,
    live,
    { listed: listing.ids, lookups, accountIsAdmin: mayRemove, intents: mayRemove ? liveIntents : new Map() },
    { maxDeleteRatio: policy.maxDeleteRatio },
  );
  const orphans = [...removals.remove, ...removals.hold];
  const heldBack = removals.hold.length > 0;

  const notes: string[] = [];
  if (listing.refused.length > 0)
    notes.push(`CML listed entries that are no lab ids, ignored: ${listing.refused.join(', ')}`);
  if (!mayRemove) notes.push(notAdminNote(evidence.workerId, account, candidates.length));
  if (removals.complete.length > 0)
    notes.push(
      `${removals.complete.length} interrupted deletes completed as lab.deleted by the user who asked`,
    );
  if (heldBack)
    notes.push(
      `${orphans.length} of ${live} records are orphans, above RECONCILE_MAX_DELETE_RATIO ${policy.maxDeleteRatio}: they wait for approval`,
    );
  if (unreadable > 0)
    notes.push(`details of ${unreadable} labs could not be read; their records are kept as they were`);
  const keptByLookup = removals.keep.filter((k) => k.why !== 'account-not-admin').length;
  if (keptByLookup > 0)
    notes.push(`${keptByLookup} labs missing from the list still exist or could not be checked; kept`);

  const writes = policy.mode === 'enforce';
  if (!writes) notes.push(`${policy.mode === 'observe' ? 'observe mode' : 'dry run'}: nothing was written`);
  return {
    status: mayRemove ? 'succeeded' : 'skipped',
    notes,
    counts: {
      created: sync.toCreate.length,
      updated: sync.toUpdate.length,
      unchanged: sync.unchanged,
      orphansRemoved: heldBack ? 0 : orphans.length,
      orphansPending: heldBack ? orphans.length : 0,
    },
    writes: writes
      ? {
          creates: sync.toCreate,
          updates: sync.toUpdate,
          removeOrphans: removals.remove,
          holdOrphans: removals.hold,
          completeDeletes: removals.complete,
        }
      : null,
    kept: removals.keep,
    orphans,
    // Every live record was confirmed: listed and read, or removed. A record kept (it could not be
    // checked, or CML's list and details disagree) or held for approval was not.
    complete:
      mayRemove &&
      unreadable === 0 &&
      listing.refused.length === 0 &&
      removals.keep.length === 0 &&
      removals.hold.length === 0,
  };
}

/** Why a run of a non-admin account removed nothing, and how to fix it. */
export function notAdminNote(workerId: string, account: CmlAccountEvidence, kept: number): string {
  const who = `the worker's CML account "${account.username ?? '?'}"`;
  const role =
    account.admin === false
      ? 'is not a CML administrator'
      : 'could not be confirmed as a CML administrator (the controller has no /auth_extended)';
  return (
    `${who} ${role}: CML lists only its own and shared labs, so a lab missing from its list may belong to another user. ` +
    `No record was removed (${kept} not in its list were kept); labs it can see were still created and updated. ` +
    `To let reconciliation remove orphans, give the worker an admin account (PATCH /api/workers/${workerId} with username and password)`
  );
}
