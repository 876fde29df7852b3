/**
 * Delay before the next convergence poll. CML stops and wipes asynchronously (a stop of a big
 * lab takes seconds to minutes), so polls start quick, for the small labs that are down in a
 * fraction of a second, and back off to one a second, so a long stop costs about one request a
 * second instead of a tight loop against the controller.
 */
export function convergePollDelayMs(attempt: number): number {
  const FIRST_MS = 100;
  const GROWTH = 1.6;
  const MAX_MS = 1000;
  return Math.min(MAX_MS, Math.round(FIRST_MS * GROWTH ** Math.max(0, attempt)));
}
