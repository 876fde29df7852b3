/**
 * Base of the errors the application layer raises on purpose. Each subclass carries the HTTP
 * status the API answers with, so handlers stay free of HTTP types while the problem+json filter
 * needs no table of special cases.
 */
export abstract class ApplicationError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;

  constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
