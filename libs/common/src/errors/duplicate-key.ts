/**
 * Whether a database error says a unique index refused the write: E11000 on MongoDB (and on
 * FerretDB for inserts), or, for a unique violation caused by an update, FerretDB v1's
 * InternalError carrying SQLite's "UNIQUE constraint failed" text. Both mean "taken", and the
 * one-winner claims (leases, outbox attempts, instance claims) rely on telling them apart from
 * other failures. Works on driver errors and on the write errors of a bulk result alike.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errmsg } = error as { code?: unknown; message?: unknown; errmsg?: unknown };
  if (code === 11000) return true;
  const text = typeof message === 'string' ? message : typeof errmsg === 'string' ? errmsg : '';
  return text.includes('UNIQUE constraint failed');
}
