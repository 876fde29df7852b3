import { CmlError, type CmlErrorDetails } from './cml.error';

/** Credentials rejected (403 on login), the token was rejected again right after a fresh login, or the user lacks permission (403). */
export class CmlUnauthorizedError extends CmlError {
  readonly outcome = 'unauthorized';

  constructor(message: string, details: CmlErrorDetails) {
    super(message, details);
  }
}
