/**
 * A Phase 1 delete in progress, stored on the record before the first state-changing CML call.
 * If the process dies after CML deleted the lab and before the tombstone was written, Phase 2
 * finds the intent next to CML's own 404 and records the removal as the user's delete
 * (`lab.deleted` with the original `deletedBy`), not as a lab deleted outside cml-labs.
 */
export interface DeleteIntent {
  /** Who asked (token subject): the `deletedBy` of the event. */
  by: string;
  at: Date;
  force: boolean;
  traceparent?: string;
}

/**
 * Past this age an intent cannot belong to a delete still running (a forced delete waits at most
 * CML_CONVERGE_TIMEOUT_MS, at most an hour, twice): a lab CML still has was not deleted by it,
 * and Phase 2 drops the intent so that a later removal is not blamed on that user.
 */
export const DELETE_INTENT_TTL_MS = 3 * 60 * 60 * 1000;
