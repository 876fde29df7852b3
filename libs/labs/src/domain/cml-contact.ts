/**
 * What the last contact with a worker's CML controller learned (contract: `Worker.cml`, kept in the worker's sync state). Phase 2
 * removes orphans only when `accountIsAdmin` is true: CML shows a non-admin account only its own
 * and shared labs, so to such an account every other user's lab looks deleted.
 */
export interface CmlContact {
  /** The version `system_information` reported, e.g. "2.9.0". */
  version: string;
  ready: boolean;
  /** From `POST /auth_extended`; null when the controller did not say or the login failed. */
  accountIsAdmin: boolean | null;
  /** ISO 8601. */
  checkedAt: string;
}
