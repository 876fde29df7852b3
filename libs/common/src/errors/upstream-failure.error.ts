import { ApplicationError } from './application.error';

/** The CML controller answered with an error or could not be reached (HTTP 502). */
export class UpstreamFailureError extends ApplicationError {
  readonly status = 502;
  readonly title = 'Bad Gateway';
  override readonly problemType: string = 'upstream-failure';
}
