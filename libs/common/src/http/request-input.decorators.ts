import { CallHandler, ExecutionContext, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { InvalidInputError } from '../errors/invalid-input.error';

/**
 * How a route states what it accepts besides its path:
 * - a query string: `@Query() query: SomeQueryDto` (the global validation pipe rejects unknown parameters), or
 *   `@NoQuery()`: it takes no query parameter at all;
 * - a body: `@Body() body: SomeDto` plus `@JsonBody()` (unknown fields are rejected by the pipe, a body that is
 *   not JSON by the decorator), or `@NoBody()`: it takes no body at all.
 * Every /api route carries one of each (apps/api checks this in a spec). The checks run after the auth guard
 * and before the pipes and the handler, so a refused request has changed nothing.
 */
export const REQUEST_INPUT_METADATA = 'cml-labs:request-input';

export type RequestInputRule = 'no-query' | 'no-body' | 'json-body';

/** The rules of a handler, as the decorators below record them (for the completeness check). */
export function requestInputRules(handler: object): RequestInputRule[] {
  return (Reflect.getMetadata(REQUEST_INPUT_METADATA, handler) as RequestInputRule[] | undefined) ?? [];
}

function rule(name: RequestInputRule, check: (req: Request) => void): MethodDecorator {
  return (target, key, descriptor) => {
    const handler = descriptor.value as object;
    SetMetadata(REQUEST_INPUT_METADATA, [...requestInputRules(handler), name])(target, key, descriptor);
    UseInterceptors(new RequestInputInterceptor(check))(target, key, descriptor);
  };
}

class RequestInputInterceptor implements NestInterceptor {
  constructor(private readonly check: (req: Request) => void) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.check(context.switchToHttp().getRequest<Request>());
    return next.handle();
  }
}

/** The route takes no query parameter: any one (even empty, `?x`) is a 400 naming it. */
export const NoQuery = (): MethodDecorator =>
  rule('no-query', (req) => {
    const names = Object.keys((req.query ?? {}) as object);
    if (names.length === 0) return;
    throw new InvalidInputError(
      `Unknown query parameter${names.length > 1 ? 's' : ''} ${names.join(', ')}: this route takes none`,
      names.map((field) => ({ field, message: 'is not a parameter of this route' })),
    );
  });

/** The route takes no body: none, or an empty JSON object `{}`; anything else is a 400. */
export const NoBody = (): MethodDecorator =>
  rule('no-body', (req) => {
    const body: unknown = req.body;
    if (isEmptyObject(body)) return;
    if (body === undefined && !hasRawContent(req)) return;
    if (isPlainObject(body)) {
      const names = Object.keys(body);
      throw new InvalidInputError(
        `This route takes no request body (found ${names.join(', ')})`,
        names.map((field) => ({ field, message: 'not allowed: this route takes no body' })),
      );
    }
    throw new InvalidInputError('This route takes no request body', [
      { field: 'body', message: 'not allowed: this route takes no body' },
    ]);
  });

/**
 * A body, when sent, is JSON: content that the JSON parser did not read (text/plain, a form) is a 400 instead of
 * reaching the handler as an empty body (for approve, "all pending").
 */
export const JsonBody = (): MethodDecorator =>
  rule('json-body', (req) => {
    if (req.body !== undefined || !hasRawContent(req)) return;
    throw new InvalidInputError('The request body must be application/json', [
      { field: 'body', message: 'must be application/json' },
    ]);
  });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyObject(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).length === 0;
}

/** Content the JSON parser left unread (another content type): a length above 0, or a chunked body. */
function hasRawContent(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) !== 0;
  return req.headers['transfer-encoding'] !== undefined;
}
