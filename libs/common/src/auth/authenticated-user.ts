/** Who is calling: the token's subject and its roles. */
export interface AuthenticatedUser {
  subject: string;
  roles: string[];
  /**
   * The token's username claim (`AUTH_USERNAME_CLAIM`, default `preferred_username`), matched
   * against a lab's CML owner for a forced delete; absent when the token has none.
   */
  username?: string;
}

/** The caller when AUTH_DISABLED=true: recorded as such in audit events. */
export const ANONYMOUS_ADMIN: AuthenticatedUser = { subject: 'anonymous', roles: ['admin'] };
