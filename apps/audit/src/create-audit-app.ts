import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { Clock, createValidationPipe, ProblemDetailsFilter } from '@app/common';
import { AuditConfig } from './audit-config';
import { AuditModule } from './audit.module';

export const AUDIT_BODY_LIMIT = '256kb';

/** Builds the audit consumer exactly as production runs it; e2e tests use the same function. */
export async function createAuditApp(config: AuditConfig, clock?: Clock): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AuditModule.forRoot(config, clock), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // Nest flushes buffered logs only in listen(); tests (and anything using init()) would otherwise
  // never see a line logged outside a request.
  app.flushLogs();
  // Nest's default parser only reads application/json; structured-mode CloudEvents arrive as
  // application/cloudevents+json. Both get the same size limit (413 above it).
  app.useBodyParser('json', {
    limit: AUDIT_BODY_LIMIT,
    type: ['application/json', 'application/cloudevents+json'],
  });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  // The web console (apps/web) reads the audit trail from another origin (the API's). Reading only: GET and
  // HEAD, no cookies. AUDIT_CORS_ORIGINS is a comma-separated list of origins; unset (or `*`) allows any
  // origin, because this API has no authentication of its own: whoever reaches the port can read it anyway.
  // Set it in production so that a page on another site cannot read the trail through an operator's browser.
  app.enableCors({ origin: auditCorsOrigins(process.env.AUDIT_CORS_ORIGINS), methods: ['GET', 'HEAD'] });
  return app;
}

/** `*` or unset: any origin; otherwise the listed origins only. */
export function auditCorsOrigins(value: string | undefined): string | string[] {
  const origins = (value ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter((o) => o !== '');
  return origins.length === 0 || origins.includes('*') ? '*' : origins;
}
