import { NextFunction, Request, Response } from 'express';
import { CmlErrorBody, CmlHttpError } from './cml-http-error';

/** Answers an error in CML's envelope. */
export function sendCmlError(res: Response, status: number, description: string): void {
  const body: CmlErrorBody = { code: status, description };
  res.status(status).json(body);
}

/** Unknown routes answer 404 in the CML envelope, not express's HTML page, so clients parse one error shape. */
export function cmlNotFoundHandler(req: Request, res: Response): void {
  sendCmlError(res, 404, `Not found: ${req.method} ${req.path}`);
}

/** Body-parser failures carry an HTTP status; anything else is a simulator bug and answers 500. */
interface HttpErrorLike {
  status?: number;
  type?: string;
  message?: string;
}

/** Turns thrown CmlHttpErrors, body-parser errors and bugs into CML error responses. */
export function cmlErrorHandler(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(err);
    return;
  }
  if (err instanceof CmlHttpError) {
    res.status(err.status).json(err.toBody());
    return;
  }
  const httpError = (typeof err === 'object' && err !== null ? err : {}) as HttpErrorLike;
  if (httpError.type === 'entity.parse.failed') {
    sendCmlError(res, 400, 'Malformed JSON body');
    return;
  }
  if (typeof httpError.status === 'number' && httpError.status >= 400 && httpError.status < 500) {
    sendCmlError(res, httpError.status, httpError.message ?? 'Bad request');
    return;
  }
  console.error('cml-simulator: unexpected error', err);
  sendCmlError(res, 500, 'Internal simulator error');
}
