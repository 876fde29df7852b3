/**
 * Delay before retry number `attempt` (1 = the first retry): exponential, capped, with "equal
 * jitter" (half fixed, half random) so that a sink coming back is not hit by every replica's
 * backlog at the same instant, while no retry comes sooner than half its nominal delay.
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs = 5 * 60_000,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}
