import { CmlError, type CmlErrorDetails } from './cml.error';

/** The request hit its deadline (idle socket timeout or the hard overall deadline) or was aborted. */
export class CmlTimeoutError extends CmlError {
  readonly outcome = 'timeout';

  constructor(message: string, details: CmlErrorDetails) {
    super(message, details);
  }
}
