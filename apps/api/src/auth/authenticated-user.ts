/** Who is calling: the token's subject and its roles. */
export interface AuthenticatedUser {
  subject: string;
  roles: string[];
}

/** The caller when AUTH_DISABLED=true: recorded as such in audit events. */
export const ANONYMOUS_ADMIN: AuthenticatedUser = { subject: 'anonymous', roles: ['admin'] };
