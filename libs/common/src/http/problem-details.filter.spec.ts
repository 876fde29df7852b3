import {
  ArgumentsHost,
  BadRequestException,
  ForbiddenException,
  HttpException,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
} from '@nestjs/common';
import { mongo } from 'mongoose';
import { ApplicationError } from '../errors/application.error';
import { ConflictError } from '../errors/conflict.error';
import { ForbiddenError } from '../errors/forbidden.error';
import { InvalidInputError } from '../errors/invalid-input.error';
import { NotFoundError } from '../errors/not-found.error';
import { UpstreamFailureError } from '../errors/upstream-failure.error';
import { UpstreamTimeoutError } from '../errors/upstream-timeout.error';
import { ProblemDetailsFilter } from './problem-details.filter';

const BASE = 'https://cml-labs.dev/problems/';

class LockedError extends ApplicationError {
  readonly status = 409;
  readonly title = 'Conflict';
  override readonly problemType = 'worker-locked';
}

class NoKindError extends ApplicationError {
  readonly status = 500;
  readonly title = 'Internal Server Error';
}

function answer(exception: unknown): { status: number; body: Record<string, unknown> } {
  const sent: { status?: number; body?: string } = {};
  const res = {
    headersSent: false,
    setHeader: jest.fn(),
    status(code: number) {
      sent.status = code;
      return this;
    },
    type() {
      return this;
    },
    send(body: string) {
      sent.body = body;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ originalUrl: '/api/x', url: '/api/x' }),
      getResponse: () => res,
    }),
  } as unknown as ArgumentsHost;
  new ProblemDetailsFilter().catch(exception, host);
  return { status: sent.status!, body: JSON.parse(sent.body!) as Record<string, unknown> };
}

describe('ProblemDetailsFilter problem types', () => {
  beforeAll(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());

  const bodyParserError = (status: number, type: string) => Object.assign(new Error(type), { status, type });

  it.each<[string, unknown, number, string, string]>([
    ['InvalidInputError', new InvalidInputError('bad'), 400, 'Bad Request', 'validation'],
    ['NotFoundError', new NotFoundError('gone'), 404, 'Not Found', 'not-found'],
    ['ConflictError', new ConflictError('taken'), 409, 'Conflict', 'conflict'],
    ['ForbiddenError', new ForbiddenError('no'), 403, 'Forbidden', 'forbidden'],
    ['UpstreamFailureError', new UpstreamFailureError('cml 500'), 502, 'Bad Gateway', 'upstream-failure'],
    ['UpstreamTimeoutError', new UpstreamTimeoutError('slow'), 504, 'Gateway Timeout', 'upstream-timeout'],
    ['a subclass with its own problemType', new LockedError('locked'), 409, 'Conflict', 'worker-locked'],
    [
      'an ApplicationError without one (by status)',
      new NoKindError('x'),
      500,
      'Internal Server Error',
      'internal',
    ],
    ['UnauthorizedException', new UnauthorizedException('who'), 401, 'Unauthorized', 'unauthorized'],
    ['ForbiddenException', new ForbiddenException('role'), 403, 'Forbidden', 'forbidden'],
    [
      'NotFoundException (unknown route)',
      new NotFoundException('Cannot GET /x'),
      404,
      'Not Found',
      'not-found',
    ],
    ['BadRequestException', new BadRequestException('bad'), 400, 'Bad Request', 'validation'],
    [
      'PayloadTooLargeException',
      new PayloadTooLargeException(),
      413,
      'Payload Too Large',
      'payload-too-large',
    ],
    [
      'another HttpException (status title slug)',
      new HttpException('no', 405),
      405,
      'Method Not Allowed',
      'method-not-allowed',
    ],
    [
      'broken JSON (body-parser)',
      bodyParserError(400, 'entity.parse.failed'),
      400,
      'Bad Request',
      'validation',
    ],
    [
      'a body too large (body-parser)',
      bodyParserError(413, 'entity.too.large'),
      413,
      'Payload Too Large',
      'payload-too-large',
    ],
    ['a duplicate key', Object.assign(new Error('E11000'), { code: 11000 }), 409, 'Conflict', 'conflict'],
    ['anything else', new TypeError('boom'), 500, 'Internal Server Error', 'internal'],
  ])('%s', (_name, exception, status, title, kind) => {
    const { status: sentStatus, body } = answer(exception);
    expect(sentStatus).toBe(status);
    expect(body).toMatchObject({ type: `${BASE}${kind}`, title, status, instance: '/api/x' });
  });

  it('keeps database-unavailable for an unreachable database', () => {
    const { status, body } = answer(new mongo.MongoNetworkError('connect ECONNREFUSED 127.0.0.1:1'));
    expect(status).toBe(503);
    expect(body).toMatchObject({
      type: `${BASE}database-unavailable`,
      title: 'Database Unavailable',
      status: 503,
    });
  });
});
