import { ApplicationError } from './application.error';

export interface FieldError {
  field: string;
  message: string;
}

export class InvalidInputError extends ApplicationError {
  readonly status = 400;
  readonly title = 'Bad Request';
  override readonly problemType: string = 'validation';

  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}
