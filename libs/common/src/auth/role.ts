export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** Roles are cumulative: an operator may do what a viewer may, an admin what an operator may. */
export function grants(userRoles: readonly string[], required: Role): boolean {
  return userRoles.some((r) => (ROLES as readonly string[]).includes(r) && RANK[r as Role] >= RANK[required]);
}
