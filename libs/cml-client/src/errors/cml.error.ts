import type { CmlRequestOutcome } from '../cml-request-outcome.type';
import type { CmlRoute } from '../cml-route.type';

/** Context shared by all CML errors. Never contains URLs with ids, tokens or credentials. */
export interface CmlErrorDetails {
  workerId: string;
  route: CmlRoute;
  /** HTTP status when CML answered at all. */
  status?: number;
  /** `code` from CML's `{code, description}` error body. */
  cmlCode?: number | string;
  /** `description` from CML's error body, trimmed and with secrets scrubbed. */
  cmlDescription?: string;
}

/**
 * Base class of every error thrown by the CML client. The message is safe to show to users: it
 * names the worker, the route and the cause, never a token or password.
 */
export abstract class CmlError extends Error {
  /** Outcome reported to `CmlRequestObserver` for the request that produced this error. */
  abstract readonly outcome: Exclude<CmlRequestOutcome, 'ok'>;
  readonly workerId: string;
  readonly route: CmlRoute;
  readonly status?: number;
  readonly cmlCode?: number | string;
  readonly cmlDescription?: string;

  protected constructor(message: string, details: CmlErrorDetails) {
    super(message);
    this.name = new.target.name;
    this.workerId = details.workerId;
    this.route = details.route;
    this.status = details.status;
    this.cmlCode = details.cmlCode;
    this.cmlDescription = details.cmlDescription;
  }
}
