import type { CmlRequestEvent } from './cml-request-event.interface';

/**
 * Hook for metrics/tracing of CML traffic, and the DI token to bind an implementation to.
 *
 * Called exactly once per HTTP request (login and retries included), after the outcome is known.
 * Implementations must be cheap and must not throw; exceptions are swallowed so that telemetry can
 * never break a CML call.
 */
export abstract class CmlRequestObserver {
  abstract observe(event: CmlRequestEvent): void;
}
