import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { AppConfig } from '@app/common';
import { ANONYMOUS_ADMIN, grants, Role, TokenVerifier } from '@app/common/auth';
import { RequestWithUser } from './current-user.decorator';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './require-role.decorator';

/**
 * The 401 detail for every token the verifier refuses. Why it refused (expired, bad signature, unknown kid,
 * wrong issuer...) would help whoever probes the service more than a legitimate caller, so it goes to the log
 * at debug level only.
 */
export const INVALID_TOKEN_DETAIL = 'The bearer token is not valid';

/**
 * Bearer JWT on every controller route unless it is marked @Public (health, metrics). Deciding by
 * metadata rather than by path matters: Express matches paths case-insensitively, so a check on
 * `/api/` let `/API/workers` through. (The OpenAPI pages and the web console's files are plain
 * Express handlers and never reach this guard.)
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithUser>();
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    if (this.config.auth.disabled) {
      req.user = ANONYMOUS_ADMIN;
      return true;
    }
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) this.unauthorized(context, 'A bearer token is required');
    let user;
    try {
      user = await this.verifier.verify(match![1]);
    } catch (error) {
      this.logger.debug(`bearer token refused: ${error instanceof Error ? error.message : String(error)}`);
      this.unauthorized(context, INVALID_TOKEN_DETAIL);
    }
    req.user = user;
    const required =
      this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'admin';
    if (!grants(user!.roles, required)) {
      throw new ForbiddenException(`This action needs the ${required} role`);
    }
    return true;
  }

  private unauthorized(context: ExecutionContext, message: string): never {
    context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer');
    throw new UnauthorizedException(message);
  }
}
