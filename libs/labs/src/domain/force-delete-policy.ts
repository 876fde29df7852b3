/**
 * Who may force-delete a lab that is not wiped yet. A forced delete stops and wipes the lab, i.e.
 * destroys a running lab's state: that is the owner's call, or an admin's, not any operator's.
 * Owners are matched by CML username (what CML shows as `owner_username`) against the caller's
 * username claim; a caller whose token has no username is no owner.
 */
export function mayForceDelete(
  requester: { isAdmin: boolean; username?: string },
  labOwnerUsername: string,
): boolean {
  if (requester.isAdmin) return true;
  const username = requester.username?.trim();
  return Boolean(username) && username === labOwnerUsername.trim();
}
