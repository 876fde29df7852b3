import { CmlError, type CmlErrorDetails } from './cml.error';

/** A state-changing call was refused because of the lab state (CML uses 400 for "lab not stopped/wiped", and 409). */
export class CmlConflictError extends CmlError {
  readonly outcome = 'conflict';

  constructor(message: string, details: CmlErrorDetails) {
    super(message, details);
  }
}
