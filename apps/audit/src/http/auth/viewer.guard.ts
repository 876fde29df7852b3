import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditConfig } from '../../audit-config';
import { grants, TokenVerifier } from '@app/common/auth';

/**
 * Reading the audit trail needs what reading anything of the API needs: a bearer JWT the API would accept,
 * with the viewer role (or a higher one). AUTH_DISABLED=true opens it, as it opens the API.
 */
@Injectable()
export class ViewerGuard implements CanActivate {
  constructor(
    private readonly config: AuditConfig,
    @Optional() private readonly verifier?: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.config.auth.disabled) return true;
    const http = context.switchToHttp();
    const header = http.getRequest<Request>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const unauthorized = (message: string): never => {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException(message);
    };
    if (!match || !this.verifier) return unauthorized('A bearer token is required');
    let roles: string[];
    try {
      roles = (await this.verifier.verify(match[1])).roles;
    } catch {
      // The reason (expired, wrong audience, ...) is for the identity provider's admin, not for the caller.
      return unauthorized('The bearer token is not valid');
    }
    if (!grants(roles, 'viewer'))
      throw new ForbiddenException('Reading the audit trail needs the viewer role');
    return true;
  }
}
