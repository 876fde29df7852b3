/**
 * An error that the simulator answers with CML's error envelope: `{"code": <status>, "description": "<text>"}`
 * and the same HTTP status. Thrown anywhere in a handler; the error middleware turns it into the response.
 */
export class CmlHttpError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
    this.name = 'CmlHttpError';
  }

  /** The body CML sends for every error, so clients can rely on one shape. */
  toBody(): CmlErrorBody {
    return { code: this.status, description: this.description };
  }
}

export interface CmlErrorBody {
  code: number;
  description: string;
}
