import { ApplicationError } from './application.error';

/** The caller may not do this to this resource, whatever its role allows in general (HTTP 403). */
export class ForbiddenError extends ApplicationError {
  readonly status = 403;
  readonly title = 'Forbidden';
  override readonly problemType: string = 'forbidden';
}
