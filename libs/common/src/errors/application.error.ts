/**
 * Base of the errors the application layer raises on purpose. Each subclass carries the HTTP
 * status the API answers with, so handlers stay free of HTTP types while the problem+json filter
 * needs no table of special cases.
 */
export abstract class ApplicationError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  /**
   * The kind of error: the last segment of the problem+json `type` URI (`.../problems/<problemType>`), e.g.
   * `not-found`. Each subclass that stands for a kind of its own declares it; without one, the filter takes
   * the kind its status has (README, "Problem types"), e.g. `internal` for a 500.
   */
  readonly problemType?: string;

  /**
   * @param extensions members added to the problem+json body (RFC 9457 extension members), e.g.
   *   the `step` and `cmlChanges` of a failed Phase 1 delete. They never replace the standard ones.
   */
  constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
