/**
 * A Phase 1 delete in progress, stored before the first state-changing CML call and removed when
 * the delete ends. If the process dies after CML deleted the lab and before the tombstone was
 * written, Phase 2 finds the intent next to CML's own 404 and records the removal as the user's
 * delete (`lab.deleted` with the original `deletedBy`), not as a lab deleted outside cml-labs.
 */
export interface DeleteIntent {
  workerId: string;
  labId: string;
  /** Who asked (token subject): the `deletedBy` of the event. */
  by: string;
  /** The asker's username claim, when the token had one (see LabDeletedEvent.deletedByUsername). */
  byUsername?: string;
  at: Date;
  force: boolean;
  traceparent?: string;
}

/**
 * Past this age an intent cannot belong to a delete still running (a forced delete waits at most
 * CML_CONVERGE_TIMEOUT_MS, at most an hour, twice): it is left over from a crash before CML was
 * touched, so it explains nothing and must not blame anyone for a later removal.
 */
export const DELETE_INTENT_TTL_MS = 3 * 60 * 60 * 1000;

/** Whether an intent can still explain a lab's absence from CML at `now`. */
export function isLiveDeleteIntent(intent: DeleteIntent, now: Date): boolean {
  return now.getTime() - intent.at.getTime() <= DELETE_INTENT_TTL_MS;
}
