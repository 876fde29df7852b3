const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A CML 2.x lab id in the one form records are keyed by: a lowercase UUID. CML writes them
 * lowercase; one that is not a UUID at all comes from a broken or hostile controller, and would
 * otherwise end up in document ids, URLs and log lines. Returns null for anything else.
 */
export function normalizeCmlLabId(raw: unknown): string | null {
  return typeof raw === 'string' && UUID.test(raw) ? raw.toLowerCase() : null;
}
