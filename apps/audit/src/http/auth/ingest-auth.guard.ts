import {
  CanActivate,
  ExecutionContext,
  Injectable,
  Logger,
  RawBodyRequest,
  UnauthorizedException,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { CLOUD_EVENT_SIGNATURE_HEADER, verifyCloudEventSignature } from '@app/cloud-events';
import { AuditConfig } from '../../audit-config';

/**
 * Compares in constant time whatever the lengths: both sides are hashed first, so neither the time nor an
 * early length check tells how much of a guess was right.
 */
export function sameSecret(presented: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Only the producers may POST events: without this anyone reaching the port could store a forged
 * `lab.deleted` naming an innocent `deletedBy`. A request passes with `Authorization: Bearer
 * <AUDIT_INGEST_TOKEN>`, or with a valid `X-Cml-Labs-Signature` under AUDIT_INGEST_HMAC_SECRET (either, when
 * both are configured). Anything else is 401 before the event is even read, so nothing is stored.
 */
@Injectable()
export class IngestAuthGuard implements CanActivate {
  private readonly logger = new Logger(IngestAuthGuard.name);

  constructor(private readonly config: AuditConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const { disabled, token, hmacSecret } = this.config.ingest;
    if (disabled) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<RawBodyRequest<Request>>();
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    if (token && bearer !== undefined && sameSecret(bearer, token)) return true;
    const signature = req.headers[CLOUD_EVENT_SIGNATURE_HEADER];
    if (
      hmacSecret &&
      typeof signature === 'string' &&
      verifyCloudEventSignature(hmacSecret, req.headers, req.rawBody ?? Buffer.alloc(0), signature)
    ) {
      return true;
    }
    const presented =
      bearer !== undefined ? 'a wrong bearer token' : signature ? 'a wrong signature' : 'none';
    // Never the credential itself: a near miss would help the next guess.
    this.logger.warn(
      { credential: presented, remoteAddress: req.socket.remoteAddress },
      'CloudEvent refused',
    );
    http.getResponse<Response>().setHeader('WWW-Authenticate', token ? 'Bearer' : 'Signature');
    throw new UnauthorizedException(
      `Send events with ${[
        token ? 'Authorization: Bearer <AUDIT_INGEST_TOKEN>' : null,
        hmacSecret ? `${CLOUD_EVENT_SIGNATURE_HEADER}: sha256=<HMAC-SHA256>` : null,
      ]
        .filter(Boolean)
        .join(' or ')}`,
    );
  }
}
