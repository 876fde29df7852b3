import { DynamicModule, Inject, INestApplication, Module, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { traceCommandBus } from '../cqrs/trace-command-bus';
import { httpServerTracing } from '../http/http-server-tracing';
import type { Tracing } from '../tracing/start-tracing';

const TRACING = Symbol('Tracing');

/**
 * The app's root module with tracing around it: flushes and ends tracing when the app shuts down. Every
 * `beforeApplicationShutdown` (the outbox relay's last deliveries, the reconciliation drain) has run by
 * then, so their spans are exported too.
 */
@Module({})
export class TracedRootModule implements OnApplicationShutdown {
  constructor(@Inject(TRACING) private readonly tracing: Tracing) {}

  static around(root: DynamicModule, tracing: Tracing): DynamicModule {
    return {
      module: TracedRootModule,
      imports: [root],
      providers: [{ provide: TRACING, useValue: tracing }],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown();
  }
}

/** The root module to create the app from: the app's own, unchanged, when tracing is off. */
export function tracedRoot(root: DynamicModule, tracing: Tracing | null): DynamicModule {
  return tracing ? TracedRootModule.around(root, tracing) : root;
}

/**
 * The app's hooks into tracing: a server span per request (call before any other middleware, the body
 * parser included) and a span per command. Nothing when tracing is off.
 */
export function installTracing(app: INestApplication, tracing: Tracing | null): void {
  if (!tracing) return;
  app.use(httpServerTracing());
  traceCommandBus(app.get(CommandBus));
}
