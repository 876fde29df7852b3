/**
 * The default request timeout as given in the module options.
 *
 * @throws Error when it is not a positive integer, so a wiring mistake fails at startup instead of
 *   every request timing out at once (0) or never (NaN).
 */
export function checkedCmlTimeoutMs(timeoutMs: number): number {
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new Error('timeoutMs option must be a positive integer number of milliseconds');
  }
  return timeoutMs;
}
