import { CmlHttpError } from './cml-http-error';
import { ALL_LAB_PERMISSIONS, LabPermission, SimulatedLab } from './simulated-lab';
import { KnownUser } from './user-directory';

/** How CML answers a non-admin asking for a lab it may not see; UNCONFIRMED, so a setting (default 404). */
export type ForeignLabStatus = 404 | 403;

/** Exact error descriptions of access refusals. */
export const ACCESS_ERRORS = {
  labNotFound: (id: string) => `Lab not found: ${id}`,
  noAccess: (username: string, id: string) => `User ${username} does not have access to lab ${id}`,
  noPermission: (username: string, permission: LabPermission, id: string) =>
    `User ${username} does not have ${permission} permission on lab ${id}`,
} as const;

/** What sharing a lab with a group grants (the pre-2.9 `read_only`/`read_write` permissions). */
const GROUP_PERMISSIONS: Record<string, LabPermission[]> = {
  read_only: ['lab_view'],
  read_write: ['lab_edit', 'lab_exec', 'lab_view'],
};

/**
 * The caller's `effective_permissions` on a lab: everything for its owner and for admins, else the union of what
 * the lab's groups that the caller belongs to grant (unknown permission strings grant `lab_view`).
 */
export function effectivePermissions(lab: SimulatedLab, user: KnownUser): LabPermission[] {
  if (user.admin || lab.ownerId === user.id) {
    return [...ALL_LAB_PERMISSIONS];
  }
  const granted = new Set<LabPermission>();
  for (const group of lab.groups) {
    if (user.groupIds.includes(group.id)) {
      for (const permission of GROUP_PERMISSIONS[group.permission] ?? ['lab_view']) {
        granted.add(permission);
      }
    }
  }
  return ALL_LAB_PERMISSIONS.filter((p) => granted.has(p));
}

/**
 * The labs GET /labs lists. Without show_all: the caller's own labs, for admins too. With show_all=true: every lab
 * for an admin; for anyone else their own labs plus those shared with one of their groups (SPEC: "also labs with
 * view permission for user. Admins will see all labs of all users.").
 */
export function listedLabs(labs: SimulatedLab[], user: KnownUser, showAll: boolean): SimulatedLab[] {
  if (!showAll) {
    return labs.filter((lab) => lab.ownerId === user.id);
  }
  return labs.filter((lab) => effectivePermissions(lab, user).length > 0);
}

/**
 * Checks that the caller may do `needed` with the lab. A lab the caller cannot see at all answers like an unknown
 * lab (404 `Lab not found: <id>`) or with 403, depending on the `foreignLabStatus` setting; a lab it can see but
 * lacks the permission for answers 403.
 */
export function assertLabAccess(
  lab: SimulatedLab,
  user: KnownUser,
  needed: LabPermission,
  foreignLabStatus: ForeignLabStatus,
): void {
  const permissions = effectivePermissions(lab, user);
  if (permissions.length === 0) {
    throw foreignLabStatus === 403
      ? new CmlHttpError(403, ACCESS_ERRORS.noAccess(user.username, lab.id))
      : new CmlHttpError(404, ACCESS_ERRORS.labNotFound(lab.id));
  }
  if (!permissions.includes(needed)) {
    throw new CmlHttpError(403, ACCESS_ERRORS.noPermission(user.username, needed, lab.id));
  }
}
