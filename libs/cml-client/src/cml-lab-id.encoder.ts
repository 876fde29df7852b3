/**
 * Encodes a lab id as one URL path segment. Empty, `.` and `..` are refused because they would
 * silently address a different resource (`/labs/` is the list, `/labs/..` the API root).
 *
 * @throws TypeError for ids that cannot be a lab id; this is a caller bug, not a CML answer.
 */
export function encodeCmlLabId(labId: string): string {
  if (typeof labId !== 'string' || labId === '' || labId === '.' || labId === '..') {
    throw new TypeError('labId must be a non-empty string other than "." or ".."');
  }
  return encodeURIComponent(labId);
}
