/** The CML account a worker logs in with, as the controller described it at the last login. */
export interface CmlAccount {
  username: string;
  /** CML's user id; null when the controller did not say (login through `/authenticate`). */
  userId: string | null;
  /**
   * Whether the account is a CML administrator, from `POST /auth_extended`. Null when the
   * controller has no `/auth_extended` (older releases) and so did not say: callers must treat
   * that as "not known to see every lab".
   */
  admin: boolean | null;
}
