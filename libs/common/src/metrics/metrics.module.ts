import { Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { HttpRequestMetrics } from './http-request-metrics';

/**
 * One Prometheus registry per application instance (not prom-client's global one), so that two
 * apps in one process, as in the e2e tests, do not collide on metric names. The app mounts
 * `HttpRequestMetrics.middleware` first (before static files and body parsers), so every request counts.
 */
@Global()
@Module({
  providers: [
    {
      provide: Registry,
      useFactory: () => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry, prefix: 'cml_labs_' });
        return registry;
      },
    },
    HttpRequestMetrics,
  ],
  exports: [Registry, HttpRequestMetrics],
})
export class MetricsModule {}
