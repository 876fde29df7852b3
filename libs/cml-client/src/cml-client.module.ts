import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type {
  CmlClientDynamicOptions,
  CmlClientModuleAsyncOptions,
} from './cml-client-module-async-options.interface';
import type { CmlClientModuleOptions } from './cml-client-module-options.interface';
import type { CmlClientOptions } from './cml-client-options.interface';
import { CML_CLIENT_OPTIONS } from './cml-client.constants';
import { CmlClientFactory } from './cml-client.factory';
import { CmlRequestObserver } from './cml-request-observer';
import { resolveCmlTimeoutMs } from './cml-timeout.config';
import { NoopCmlRequestObserver } from './noop-cml-request-observer';

/**
 * Provides {@link CmlClientFactory} and the {@link CmlRequestObserver} token.
 *
 * ```ts
 * CmlClientModule.forRoot()                                   // CML_TIMEOUT_MS or 15000, no-op observer
 * CmlClientModule.forRoot({ timeoutMs: 5000, observer: PromCmlObserver, imports: [MetricsModule] })
 * CmlClientModule.forRootAsync({
 *   observer: PromCmlObserver,
 *   inject: [AppConfig],
 *   useFactory: (c: AppConfig) => ({ allowedPrivateCidrs: c.cmlAllowPrivateEndpoints }),
 * })
 * ```
 *
 * Clients refuse loopback, link-local and cloud metadata addresses unless `allowedPrivateCidrs`
 * lists them (see `CmlAddressPolicy`).
 *
 * The environment is read when the module is initialised, so import it once (in the app module)
 * and re-export it, rather than calling `forRoot` in several feature modules.
 */
@Module({})
export class CmlClientModule {
  static forRoot(options: CmlClientModuleOptions = {}): DynamicModule {
    return CmlClientModule.build(options.imports, options.observer, {
      provide: CML_CLIENT_OPTIONS,
      useFactory: (): CmlClientOptions => resolveOptions(options),
    });
  }

  /** Like {@link forRoot}, with timeout and allow-list computed by a factory that can inject providers. */
  static forRootAsync(options: CmlClientModuleAsyncOptions): DynamicModule {
    return CmlClientModule.build(options.imports, options.observer, {
      provide: CML_CLIENT_OPTIONS,
      useFactory: async (...args: never[]): Promise<CmlClientOptions> =>
        resolveOptions(await options.useFactory(...args)),
      inject: options.inject ?? [],
    });
  }

  private static build(
    imports: CmlClientModuleOptions['imports'],
    observer: CmlClientModuleOptions['observer'],
    optionsProvider: Provider,
  ): DynamicModule {
    return {
      module: CmlClientModule,
      imports: imports ?? [],
      providers: [
        optionsProvider,
        { provide: CmlRequestObserver, useClass: observer ?? NoopCmlRequestObserver },
        CmlClientFactory,
      ],
      exports: [CmlClientFactory, CmlRequestObserver],
    };
  }
}

function resolveOptions(options: CmlClientDynamicOptions): CmlClientOptions {
  return {
    timeoutMs: resolveCmlTimeoutMs(options.timeoutMs),
    // Omitted rather than [] when unset, so the resolved options read exactly as configured.
    ...(options.allowedPrivateCidrs ? { allowedPrivateCidrs: [...options.allowedPrivateCidrs] } : {}),
  };
}
