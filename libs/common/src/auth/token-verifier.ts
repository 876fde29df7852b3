import { AuthenticatedUser } from './authenticated-user';

export class InvalidTokenError extends Error {}

/** Verifies a bearer token and tells who it belongs to; throws InvalidTokenError otherwise. */
export abstract class TokenVerifier {
  abstract verify(token: string): Promise<AuthenticatedUser>;
}

/**
 * The subject, and the roles found at `roleClaims` (AppConfig's `auth.roleClaims`: each path a list of
 * property names, e.g. `['resource_access', 'cml-labs', 'roles']`). A role claim is an array of strings or a
 * space-separated string; anything else is ignored. Only the configured paths count: a top-level `roles` or
 * Keycloak's realm roles grant nothing unless named.
 */
export function userFromClaims(
  claims: Record<string, unknown>,
  roleClaims: readonly (readonly string[])[],
  usernameClaim: readonly string[] = ['preferred_username'],
): AuthenticatedUser {
  const subject = typeof claims.sub === 'string' && claims.sub.length > 0 ? claims.sub : null;
  if (!subject) throw new InvalidTokenError('token has no subject');
  const roles = new Set<string>();
  for (const path of roleClaims) {
    const value = claimAt(claims, path);
    if (Array.isArray(value))
      value.filter((r): r is string => typeof r === 'string').forEach((r) => roles.add(r));
    else if (typeof value === 'string')
      value
        .split(/\s+/)
        .filter(Boolean)
        .forEach((r) => roles.add(r));
  }
  const username = claimAt(claims, usernameClaim);
  return {
    subject,
    roles: [...roles],
    ...(typeof username === 'string' && username.trim() !== '' ? { username: username.trim() } : {}),
  };
}

function claimAt(claims: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = claims;
  for (const name of path) {
    if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, name))
      return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}
