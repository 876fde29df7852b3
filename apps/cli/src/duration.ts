const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const SEGMENT = /(\d+)([smhdw])/y;

/**
 * A duration as operators write it: `7d`, `12h`, `30m`, `45s`, `2w`, or segments in any order such as `1d12h`.
 * Returns milliseconds, or null for anything else (no sign, no fraction, no unit-less number, not zero).
 */
export function parseDuration(text: string): number | null {
  const input = text.trim().toLowerCase();
  if (input === '') return null;
  let total = 0;
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < input.length) {
    const at = SEGMENT.lastIndex;
    const match = SEGMENT.exec(input);
    if (!match || match.index !== at) return null;
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  return total > 0 && Number.isSafeInteger(total) ? total : null;
}

/** The instant `durationMs` before `now`, as the ISO-8601 the API takes (`createdBefore`). */
export function instantBefore(now: Date, durationMs: number): string {
  return new Date(now.getTime() - durationMs).toISOString();
}
