import { CML_TIMEOUT_ENV, DEFAULT_CML_TIMEOUT_MS } from './cml-client.constants';

/**
 * Resolves the default request timeout: explicit option, else `CML_TIMEOUT_MS`, else 15000.
 *
 * @throws Error when a value is present but not a positive integer, so a typo fails at startup
 *   instead of silently falling back to the default.
 */
export function resolveCmlTimeoutMs(
  explicit: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (explicit !== undefined) {
    return assertTimeout(explicit, 'timeoutMs option');
  }
  const raw = env[CML_TIMEOUT_ENV]?.trim();
  if (!raw) {
    return DEFAULT_CML_TIMEOUT_MS;
  }
  return assertTimeout(/^\d+$/.test(raw) ? Number(raw) : Number.NaN, CML_TIMEOUT_ENV);
}

function assertTimeout(value: number, source: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${source} must be a positive integer number of milliseconds`);
  }
  return value;
}
