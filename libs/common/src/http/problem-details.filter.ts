import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ConflictException,
  ExceptionFilter,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
} from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { ApplicationError } from '../errors/application.error';
import { isDatabaseUnavailableError } from '../errors/database-unavailable';
import { isDuplicateKeyError } from '../errors/duplicate-key';
import { FieldError, InvalidInputError } from '../errors/invalid-input.error';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
}

const PROBLEM_TYPE_BASE = 'https://cml-labs.dev/problems/';

/**
 * The problem `type` is the kind of error, not its status (README, "Problem types"): an ApplicationError
 * declares its `problemType`; Nest's own exceptions and the errors of body-parser and the driver have theirs
 * here. A status is used only for an error that names no kind, and then maps to the kind it always means here.
 */
const KIND_OF_STATUS: Readonly<Record<number, string>> = {
  400: 'validation',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  502: 'upstream-failure',
  504: 'upstream-timeout',
};
const KIND_OF_HTTP_EXCEPTION: ReadonlyArray<[abstract new (...args: never[]) => HttpException, string]> = [
  [BadRequestException, 'validation'],
  [UnauthorizedException, 'unauthorized'],
  [ForbiddenException, 'forbidden'],
  [NotFoundException, 'not-found'],
  [ConflictException, 'conflict'],
  [PayloadTooLargeException, 'payload-too-large'],
];

/** A kind for an error that names none: `internal` for any 5xx, else the status title's slug (`method-not-allowed`). */
function kindOfStatus(status: number): string {
  const known = KIND_OF_STATUS[status];
  if (known) return known;
  if (status >= 500) return 'internal';
  return (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/**
 * Retry-After of a 503 for an unreachable database. A few seconds: long enough that clients do not hammer a
 * database that is restarting (or a replica set that is electing a primary), short enough that they come back
 * soon after it returns. The driver reconnects on its own; the first request after that succeeds.
 */
export const DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * Turns every error that leaves a controller into RFC 9457 problem+json. Errors raised on
 * purpose carry their status; body-parser errors carry theirs too; an unreachable database is a
 * 503 `.../database-unavailable` with Retry-After (the request may well succeed later); everything
 * else is a 500 whose detail says nothing about internals (it is logged instead).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const instance = req.originalUrl ?? req.url;
    // Errors raised on purpose keep their status even if they wrap (`cause`) a database error.
    const deliberate = exception instanceof ApplicationError || exception instanceof HttpException;
    if (!deliberate && isDatabaseUnavailableError(exception)) {
      // An outage, not a bug: one line per request without the stack, which says nothing new here.
      const { name, message } = exception as Error;
      this.logger.warn(
        { err: { name, message }, status: 503, path: req.originalUrl },
        'database unavailable',
      );
      if (res.headersSent) return;
      res.setHeader('Retry-After', String(DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS));
      this.send(res, {
        type: `${PROBLEM_TYPE_BASE}database-unavailable`,
        title: 'Database Unavailable',
        status: 503,
        detail: 'The database cannot be reached at the moment; retry later',
        instance,
      });
      return;
    }
    const problem = this.toProblem(exception, instance);
    if (problem.status >= 500) {
      this.logger.error({ err: exception, status: problem.status, path: req.originalUrl }, 'request failed');
    }
    if (res.headersSent) return;
    this.send(res, problem);
  }

  private send(res: Response, problem: ProblemDetails): void {
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, instance: string): ProblemDetails {
    if (exception instanceof InvalidInputError) {
      return {
        ...this.base(400, exception.message, instance, exception.problemType),
        errors: exception.errors,
      };
    }
    if (exception instanceof ApplicationError) {
      return {
        ...exception.extensions,
        ...this.base(exception.status, exception.message, instance, exception.problemType),
        title: exception.title,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const kind = KIND_OF_HTTP_EXCEPTION.find(([type]) => exception instanceof type)?.[1];
      return this.base(status, this.httpExceptionDetail(exception), instance, kind);
    }
    const clientError = this.clientErrorOf(exception);
    if (clientError) return this.base(clientError.status, clientError.detail, instance);
    if (isDuplicateKeyError(exception)) {
      return this.base(409, 'The resource conflicts with one that exists already', instance, 'conflict');
    }
    return this.base(500, 'The server could not complete the request', instance, 'internal');
  }

  private base(
    status: number,
    detail: string,
    instance: string,
    kind = kindOfStatus(status),
  ): ProblemDetails {
    const title = STATUS_CODES[status] ?? 'Error';
    return {
      type: `${PROBLEM_TYPE_BASE}${kind}`,
      title,
      status,
      detail,
      instance,
    };
  }

  private httpExceptionDetail(exception: HttpException): string {
    const body = exception.getResponse();
    if (typeof body === 'string') return body;
    const message = (body as { message?: unknown }).message;
    if (Array.isArray(message)) return message.join('; ');
    if (typeof message === 'string') return message;
    return exception.message;
  }

  /** body-parser and express raise plain errors that carry a 4xx status (bad JSON, too large). */
  private clientErrorOf(exception: unknown): { status: number; detail: string } | undefined {
    if (typeof exception !== 'object' || exception === null) return undefined;
    const e = exception as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown };
    const status =
      typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : NaN;
    if (!(status >= 400 && status < 500)) return undefined;
    const detail =
      e.type === 'entity.parse.failed'
        ? 'The request body is not valid JSON'
        : e.type === 'entity.too.large'
          ? 'The request body is too large'
          : typeof e.message === 'string'
            ? e.message
            : (STATUS_CODES[status] ?? 'Bad request');
    return { status: status === HttpStatus.PAYLOAD_TOO_LARGE ? 413 : status, detail };
  }
}
