import { Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One Prometheus registry per application instance (not prom-client's global one), so that two
 * apps in one process, as in the e2e tests, do not collide on metric names.
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
  ],
  exports: [Registry],
})
export class MetricsModule {}
