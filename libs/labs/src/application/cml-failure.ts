import { CmlError, CmlTimeoutError } from '@app/cml-client';
import { UpstreamFailureError, UpstreamTimeoutError } from '@app/common';

/**
 * What the API answers when CML failed: 504 for a timeout, 502 for everything else. The message
 * names the worker and CML's own description; it never contains credentials (CmlError's are safe).
 */
export function upstreamErrorOf(
  error: unknown,
  what: string,
  problemExtensions: Record<string, unknown> = {},
): Error {
  if (error instanceof CmlTimeoutError) {
    return new UpstreamTimeoutError(
      `CML did not answer in time while ${what}: ${error.message}`,
      {},
      problemExtensions,
    );
  }
  if (error instanceof CmlError) {
    return new UpstreamFailureError(`CML failed while ${what}: ${error.message}`, {}, problemExtensions);
  }
  return error instanceof Error ? error : new Error(String(error));
}
