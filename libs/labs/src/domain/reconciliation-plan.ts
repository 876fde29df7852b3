import { CmlLabSnapshot } from './cml-lab-snapshot';
import { DeleteIntent, isLiveDeleteIntent } from './delete-intent';
import { LabRecord } from './lab-record.aggregate';
import { planLabSync } from './lab-sync-plan';
import { KeepReason, LabLookup, planRemovals, removalCandidates } from './removal-plan';
import { ReconcileCandidate, ReconcileCounts, ReconcileRunMode, ReconcileStatus } from './reconcile-summary';

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
  /** Removed records whose lab a trusted list names and whose details answered 200: live again. */
  restores: { record: LabRecord; lab: CmlLabSnapshot }[];
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
  /** Every removal candidate once, with the decision the plan applied to it and why. */
  candidates: ReconcileCandidate[];
  /** Removed records CML shows again (restored in enforce mode, planned only otherwise). */
  restores: { record: LabRecord; lab: CmlLabSnapshot }[];
  /** The run confirmed every live record, so it can vouch for all of them (the worker's lastSuccessfulSyncAt). */
  complete: boolean;
}

const NO_COUNTS: ReconcileCounts = {
  created: 0,
  updated: 0,
  unchanged: 0,
  orphansRemoved: 0,
  orphansPending: 0,
  restored: 0,
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
 * The listed labs whose details are worth reading: every one, tombstones too. A listing alone
 * never brings a removed record back (a stale list would), but a listing and CML's 200 for the
 * lab's details together say the removal was wrong: that record is restored.
 *
 * With the labs' tiles (`GET /populate_lab_tiles`, one request), a lab whose tile equals its live
 * record is not read again: the tile can only spare a read, never cause a write. A new lab, a
 * changed one, a tombstone, a tile missing a field the record has, or a lab without a tile is
 * read, so every write (and every restore) comes from `GET /labs/{id}`. Tiles say nothing about
 * which labs exist: a tile of an unlisted lab is ignored.
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
    const tile = tiles.get(id);
    if (record && tile && record.isCurrentWith(tile))
      reads.answeredByTiles.set(id, { kind: 'present', lab: tile, fromTile: true });
    else reads.read.push(id);
  }
  return reads;
}

/**
 * The removed records that CML shows again: a trusted list names the lab AND its details answered
 * 200. Either alone is not enough (a stale list, a lookup of a lab CML does not list), and a tile
 * is not the details. The records were read before the list, so each removal happened before CML
 * was asked.
 */
export function restorable(
  records: readonly LabRecord[],
  listing: CmlListing,
  lookups: ReadonlyMap<string, LabLookup>,
): { record: LabRecord; lab: CmlLabSnapshot }[] {
  if (!listing.trusted) return [];
  return records.flatMap((record) => {
    const lookup = lookups.get(record.labId);
    return record.isRemoved && listing.ids.has(record.labId) && lookup?.kind === 'present' && !lookup.fromTile
      ? [{ record, lab: lookup.lab }]
      : [];
  });
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
      candidates: [],
      restores: [],
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
  const restores = restorable(records, listing, lookups);
  const ratioNote = `${orphans.length} of ${live} records are orphans, above RECONCILE_MAX_DELETE_RATIO ${policy.maxDeleteRatio}`;

  const notes: string[] = [];
  if (listing.refused.length > 0)
    notes.push(`CML listed entries that are no lab ids, ignored: ${listing.refused.join(', ')}`);
  if (!mayRemove) notes.push(notAdminNote(evidence.workerId, account, candidates.length));
  if (removals.complete.length > 0)
    notes.push(
      `${removals.complete.length} interrupted deletes completed as lab.deleted by the user who asked`,
    );
  if (heldBack) notes.push(`${ratioNote}: they wait for approval`);
  if (unreadable > 0)
    notes.push(`details of ${unreadable} labs could not be read; their records are kept as they were`);
  const keptByLookup = removals.keep.filter((k) => k.why !== 'account-not-admin').length;
  if (keptByLookup > 0)
    notes.push(`${keptByLookup} labs missing from the list still exist or could not be checked; kept`);

  const writes = policy.mode === 'enforce';
  if (restores.length > 0)
    notes.push(
      `${restores.length} removed records CML lists and shows again (details 200) ${writes ? 'are' : 'would be'} restored`,
    );
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
      restored: restores.length,
    },
    writes: writes
      ? {
          creates: sync.toCreate,
          updates: sync.toUpdate,
          removeOrphans: removals.remove,
          holdOrphans: removals.hold,
          completeDeletes: removals.complete,
          restores,
        }
      : null,
    kept: removals.keep,
    orphans,
    candidates: candidatesOf(candidates, removals, lookups, ratioNote),
    restores,
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

/** The removal candidates as the summary lists them: each once, in the order of the records. */
function candidatesOf(
  candidates: readonly LabRecord[],
  removals: ReturnType<typeof planRemovals>,
  lookups: ReadonlyMap<string, LabLookup>,
  ratioNote: string,
): ReconcileCandidate[] {
  const gone = "missing from CML's list, and CML answered its own 404 for the lab";
  const decided = new Map<LabRecord, Pick<ReconcileCandidate, 'decision' | 'why'>>();
  for (const record of removals.remove)
    decided.set(record, { decision: 'remove', why: `${gone}: removed as lab.orphan_removed` });
  for (const { record, intent } of removals.complete)
    decided.set(record, {
      decision: 'remove',
      why: `${gone}, and ${intent.by}'s delete of it was interrupted: completed as lab.deleted`,
    });
  for (const record of removals.hold)
    decided.set(record, {
      decision: 'hold',
      why: `${gone}, but ${ratioNote}: waits for an admin's approval`,
    });
  for (const { record, why } of removals.keep) {
    const lookup = lookups.get(record.labId);
    decided.set(record, {
      decision: 'keep',
      why:
        why === 'account-not-admin'
          ? "missing from CML's list, but the worker's CML account is not known to be an administrator: the lab may be another user's"
          : why === 'exists-in-cml'
            ? "missing from CML's list, but its details answered 200: the lab exists"
            : lookup?.kind === 'unknown'
              ? `missing from CML's list, but its lookup was not CML's own 404 (${lookup.error})`
              : "missing from CML's list, but its lab could not be looked up",
    });
  }
  return candidates.flatMap((record) => {
    const d = decided.get(record);
    if (!d) return [];
    const { owner, ownerUsername } = record.toProps();
    return [{ labId: record.labId, title: record.title, owner: ownerUsername || owner, ...d }];
  });
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
