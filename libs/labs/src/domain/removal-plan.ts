import { CmlLabSnapshot } from './cml-lab-snapshot';
import { DeleteIntent } from './delete-intent';
import { LabRecord } from './lab-record.aggregate';

/** What CML answered to `GET /labs/{id}`, as evidence. */
export type LabLookup =
  /**
   * The lab exists. `fromTile`: the content came from `GET /populate_lab_tiles` and equalled the
   * record, so its details were not read; only a listed lab's lookup can come from a tile.
   */
  | { kind: 'present'; lab: CmlLabSnapshot; fromTile?: true }
  /** CML's own 404 (`{code: 404, description}`): the one answer that says the lab is gone. */
  | { kind: 'gone' }
  /** Anything else (a proxy's 404, 5xx, timeout, 403, garbage): says nothing. */
  | { kind: 'unknown'; error: string };

/** What a reconciliation learned from CML that bears on removing records. */
export interface RemovalEvidence {
  /** Lab ids of a trusted listing (ready controller, show_all, a list of ids). */
  listed: ReadonlySet<string>;
  /** The lookups made, by lab id: of listed labs, and of candidates to confirm. */
  lookups: ReadonlyMap<string, LabLookup>;
  /** True only when CML said the account is an administrator: only then can a list be complete. */
  accountIsAdmin: boolean;
  /** Phase 1 deletes in progress (live intents), by lab id. */
  intents: ReadonlyMap<string, DeleteIntent>;
}

export interface RemovalPolicy {
  /** RECONCILE_MAX_DELETE_RATIO: above this share of the live records, orphans wait for approval. */
  maxDeleteRatio: number;
}

/** Why a candidate is kept. */
export type KeepReason =
  /** The account is not (known to be) an admin: CML hides other users' labs from it. */
  | 'account-not-admin'
  /** CML answered 200: the list left it out, the lab exists. */
  | 'exists-in-cml'
  /** The lookup said nothing (not CML's own 404), or was not made. */
  | 'not-confirmed-gone';

export interface RemovalPlan {
  /** Confirmed gone, no delete in progress: removed now as lab.orphan_removed. */
  remove: LabRecord[];
  /** Confirmed gone, but more of them than the ratio guard lets through: wait for approval. */
  hold: LabRecord[];
  /** Confirmed gone, with a live delete intent: the user's interrupted delete, completed as lab.deleted. */
  complete: { record: LabRecord; intent: DeleteIntent }[];
  keep: { record: LabRecord; why: KeepReason }[];
}

/**
 * The records that CML's trusted list leaves out: the only candidates for removal. A listed lab
 * is never one, even if its details answered 404 (two contradicting answers: a later list decides).
 */
export function removalCandidates(records: readonly LabRecord[], listed: ReadonlySet<string>): LabRecord[] {
  return records.filter((r) => !r.isRemoved && !listed.has(r.labId));
}

/**
 * Decides what happens to each removal candidate. This is where "never delete a record on
 * evidence that is not CML's own word that the lab is gone" is written: a record is removed (or
 * held, or completed as a delete) only when its lookup is CML's own 404, and only when the account
 * sees every lab. The ratio guard holds back every orphan of a run when they are too many, so a
 * held-back plan removes nothing; completed deletes are the users' own and are not held.
 *
 * @param liveRecords how many live records the worker has (the base of the ratio).
 */
export function planRemovals(
  candidates: readonly LabRecord[],
  liveRecords: number,
  evidence: RemovalEvidence,
  policy: RemovalPolicy,
): RemovalPlan {
  const plan: RemovalPlan = { remove: [], hold: [], complete: [], keep: [] };
  const orphans: LabRecord[] = [];
  for (const record of candidates) {
    if (evidence.listed.has(record.labId) || record.isRemoved) continue;
    if (!evidence.accountIsAdmin) {
      plan.keep.push({ record, why: 'account-not-admin' });
      continue;
    }
    const lookup = evidence.lookups.get(record.labId);
    if (lookup?.kind !== 'gone') {
      plan.keep.push({ record, why: lookup?.kind === 'present' ? 'exists-in-cml' : 'not-confirmed-gone' });
      continue;
    }
    const intent = evidence.intents.get(record.labId);
    if (intent) plan.complete.push({ record, intent });
    else orphans.push(record);
  }
  const heldBack = orphans.length > 0 && orphans.length > policy.maxDeleteRatio * liveRecords;
  if (heldBack) plan.hold = orphans;
  else plan.remove = orphans;
  return plan;
}
