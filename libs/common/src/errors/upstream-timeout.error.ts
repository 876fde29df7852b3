import { ApplicationError } from './application.error';

/** The CML controller did not answer within CML_TIMEOUT_MS (HTTP 504). */
export class UpstreamTimeoutError extends ApplicationError {
  readonly status = 504;
  readonly title = 'Gateway Timeout';
  override readonly problemType: string = 'upstream-timeout';
}
