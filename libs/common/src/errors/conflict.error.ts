import { ApplicationError } from './application.error';

export class ConflictError extends ApplicationError {
  readonly status = 409;
  readonly title = 'Conflict';
  override readonly problemType: string = 'conflict';
}
