import { ExecutionContext, Logger, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig } from '@app/common';
import { AuthenticatedUser, InvalidTokenError, TokenVerifier } from '@app/common/auth';
import { AuthGuard, INVALID_TOKEN_DETAIL } from './auth.guard';

class RefusingVerifier extends TokenVerifier {
  constructor(private readonly reason: Error) {
    super();
  }
  verify(): Promise<AuthenticatedUser> {
    return Promise.reject(this.reason);
  }
}

class Controller {}
const handler = () => undefined;

function context(authorization?: string) {
  const headers: Record<string, string> = {};
  const res = { setHeader: (name: string, value: string) => (headers[name] = value) };
  const req = { headers: authorization ? { authorization } : {} };
  const ctx = {
    getHandler: () => handler,
    getClass: () => Controller,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ExecutionContext;
  return { ctx, headers };
}

describe('AuthGuard', () => {
  const config = { auth: { disabled: false } } as unknown as AppConfig;
  afterEach(() => jest.restoreAllMocks());

  it.each([
    'jwt expired',
    'invalid signature',
    "no signing key: Unable to find a signing key that matches 'x'",
  ])(
    'answers one fixed 401 detail whatever the verifier says (%s), and logs the reason at debug only',
    async (reason) => {
      const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const guard = new AuthGuard(
        new Reflector(),
        new RefusingVerifier(new InvalidTokenError(reason)),
        config,
      );
      const { ctx, headers } = context('Bearer a.b.c');
      const error = await guard.canActivate(ctx).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnauthorizedException);
      expect((error as UnauthorizedException).message).toBe(INVALID_TOKEN_DETAIL);
      expect(INVALID_TOKEN_DETAIL).not.toContain(reason);
      expect(headers['WWW-Authenticate']).toBe('Bearer');
      expect(JSON.stringify(debug.mock.calls)).toContain(reason);
      expect(warn).not.toHaveBeenCalled();
    },
  );
});
