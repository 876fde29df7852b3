import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import {
  AppConfig,
  Clock,
  createValidationPipe,
  HttpRequestMetrics,
  ProblemDetailsFilter,
} from '@app/common';
import { installTracing, startTracing, TelemetryConfig, tracedRoot, TracingOptions } from '@app/telemetry';
import { AppModule } from './app.module';
import { createOpenApiDocument } from './openapi/openapi-document';
import { loadWebConsoleConfig, mountWebConsole, WebConsoleConfig } from './web/web-console';

export const BODY_LIMIT = '256kb';

/**
 * Builds the API exactly as production runs it; e2e tests use the same function.
 * @param opts.shutdownHooks false when the caller owns the process's signals (the demo closes
 *   several apps in order): Nest's own SIGINT handler would close this app a second time,
 *   concurrently, and close the database under hooks that still need it.
 * @param opts.tracing the OpenTelemetry settings (main.ts validates them at start); tracing is off without.
 */
export async function createApiApp(
  config: AppConfig,
  clock?: Clock,
  web: WebConsoleConfig = loadWebConsoleConfig(),
  opts: { shutdownHooks?: boolean; tracing?: { config: TelemetryConfig } & TracingOptions } = {},
): Promise<INestApplication> {
  const tracing = opts.tracing ? startTracing(opts.tracing.config, opts.tracing) : null;
  const app = await NestFactory.create<NestExpressApplication>(
    tracedRoot(AppModule.forRoot(config, clock), tracing),
    { bufferLogs: true, bodyParser: false },
  );
  installTracing(app, tracing);
  app.useLogger(app.get(Logger));
  // First, so that requests refused by the body parser and the console's static files are counted too.
  app.use(app.get(HttpRequestMetrics).middleware);
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  if (opts.shutdownHooks ?? true) app.enableShutdownHooks();
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  const document = createOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  // The web console (apps/web) and its public settings; the API itself stays under /api.
  mountWebConsole(app, config, web);
  return app;
}
