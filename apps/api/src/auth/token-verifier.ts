import { AuthenticatedUser } from './authenticated-user';

export class InvalidTokenError extends Error {}

/** Verifies a bearer token and tells who it belongs to; throws InvalidTokenError otherwise. */
export abstract class TokenVerifier {
  abstract verify(token: string): Promise<AuthenticatedUser>;
}

/** Roles from `roles` (array or space-separated string) or Keycloak's `realm_access.roles`. */
export function userFromClaims(claims: Record<string, unknown>): AuthenticatedUser {
  const subject = typeof claims.sub === 'string' && claims.sub.length > 0 ? claims.sub : null;
  if (!subject) throw new InvalidTokenError('token has no subject');
  const roles = new Set<string>();
  const direct = claims.roles;
  if (Array.isArray(direct))
    direct.filter((r): r is string => typeof r === 'string').forEach((r) => roles.add(r));
  else if (typeof direct === 'string')
    direct
      .split(/\s+/)
      .filter(Boolean)
      .forEach((r) => roles.add(r));
  const realm = (claims.realm_access as { roles?: unknown } | undefined)?.roles;
  if (Array.isArray(realm))
    realm.filter((r): r is string => typeof r === 'string').forEach((r) => roles.add(r));
  return { subject, roles: [...roles] };
}
