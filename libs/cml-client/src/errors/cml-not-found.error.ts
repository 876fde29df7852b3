import { CmlError, type CmlErrorDetails } from './cml.error';

/** CML answered 404: the lab (or other resource) does not exist on that worker. */
export class CmlNotFoundError extends CmlError {
  readonly outcome = 'not_found';

  constructor(message: string, details: CmlErrorDetails) {
    super(message, details);
  }
}
