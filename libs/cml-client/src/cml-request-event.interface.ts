import type { CmlRequestOutcome } from './cml-request-outcome.type';
import type { CmlRoute } from './cml-route.type';

/** One finished HTTP request to a CML worker. Carries no URL, body, token or credentials. */
export interface CmlRequestEvent {
  workerId: string;
  route: CmlRoute;
  /** Upper-case HTTP method. */
  method: string;
  /** HTTP status, absent when no response arrived (network error, timeout). */
  status?: number;
  outcome: CmlRequestOutcome;
  durationMs: number;
}
