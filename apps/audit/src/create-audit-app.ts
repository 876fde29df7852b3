import { INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { Clock, createValidationPipe, HttpRequestMetrics, ProblemDetailsFilter } from '@app/common';
import { installTracing, startTracing, TelemetryConfig, tracedRoot, TracingOptions } from '@app/telemetry';
import { AuditConfig } from './audit-config';
import { AuditModule } from './audit.module';

export const AUDIT_BODY_LIMIT = '256kb';

/**
 * Builds the audit consumer exactly as production runs it; e2e tests use the same function.
 * @param opts.shutdownHooks false when the caller owns the process's signals (the demo).
 * @param opts.tracing the OpenTelemetry settings (main.ts validates them at start); tracing is off without.
 */
export async function createAuditApp(
  config: AuditConfig,
  clock?: Clock,
  opts: { shutdownHooks?: boolean; tracing?: { config: TelemetryConfig } & TracingOptions } = {},
): Promise<INestApplication> {
  const tracing = opts.tracing ? startTracing(opts.tracing.config, opts.tracing) : null;
  const app = await NestFactory.create<NestExpressApplication>(
    tracedRoot(AuditModule.forRoot(config, clock), tracing),
    {
      bufferLogs: true,
      bodyParser: false,
      // The signature is over the bytes sent, not over a re-serialisation of the parsed JSON.
      rawBody: true,
    },
  );
  installTracing(app, tracing);
  app.useLogger(app.get(Logger));
  // Nest flushes buffered logs only in listen(); tests (and anything using init()) would otherwise
  // never see a line logged outside a request.
  app.flushLogs();
  // First, so that requests refused by the body parser (413, unsigned events) are counted too.
  app.use(app.get(HttpRequestMetrics).middleware);
  // Nest's default parser only reads application/json; structured-mode CloudEvents arrive as
  // application/cloudevents+json. Both get the same size limit (413 above it).
  app.useBodyParser('json', {
    limit: AUDIT_BODY_LIMIT,
    type: ['application/json', 'application/cloudevents+json'],
  });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  if (opts.shutdownHooks ?? true) app.enableShutdownHooks();
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  // The web console (apps/web) reads the audit trail from another origin (the API's), with the operator's
  // bearer token. No CORS unless AUDIT_CORS_ORIGINS lists the origins: a page on any other site must not read
  // the trail through an operator's browser. Reading only (GET, HEAD), the Authorization header, no cookies.
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD'],
      allowedHeaders: ['Authorization', 'Accept'],
      // The console names the downloaded export as the server does (fetch + blob: the browser does not).
      exposedHeaders: ['Content-Disposition'],
      credentials: false,
      maxAge: 600,
    });
  }
  const logger = new NestLogger('AuditApp');
  if (config.ingest.disabled) {
    logger.warn('AUDIT_INGEST_AUTH_DISABLED=true: anyone who reaches this port can write to the audit trail');
  }
  if (config.auth.disabled) {
    logger.warn('AUTH_DISABLED=true: anyone who reaches this port can read the audit trail');
  }
  return app;
}
