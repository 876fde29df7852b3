/** Result of {@link parseCmlJsonBody}: either the parsed value or a reason safe for messages. */
export type CmlJsonParseResult = { ok: true; value: unknown } | { ok: false; problem: string };

/**
 * Parses a raw response body as JSON. Axios' own lenient parsing is disabled on purpose: it hands
 * back HTML as a string, which would then pass as a "token" or a "string" lab id.
 */
export function parseCmlJsonBody(raw: unknown): CmlJsonParseResult {
  if (typeof raw !== 'string' || raw.trim() === '') {
    return { ok: false, problem: 'empty body' };
  }
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false, problem: 'body is not JSON' };
  }
}
