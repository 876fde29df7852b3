import { CmlError, type CmlErrorDetails } from './cml.error';

/** CML answered something it never sends: a body of the wrong shape, non-JSON, or an unexpected status. */
export class CmlBadResponseError extends CmlError {
  readonly outcome = 'bad_response';

  constructor(message: string, details: CmlErrorDetails) {
    super(message, details);
  }
}
