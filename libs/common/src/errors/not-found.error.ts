import { ApplicationError } from './application.error';

export class NotFoundError extends ApplicationError {
  readonly status = 404;
  readonly title = 'Not Found';
  override readonly problemType: string = 'not-found';
}
