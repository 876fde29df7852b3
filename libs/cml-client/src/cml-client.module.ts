import { type DynamicModule, Module } from '@nestjs/common';
import type { CmlClientModuleAsyncOptions } from './cml-client-module-async-options.interface';
import type { CmlClientModuleOptions } from './cml-client-module-options.interface';
import type { CmlClientOptions } from './cml-client-options.interface';
import { CML_CLIENT_OPTIONS } from './cml-client.constants';
import { CmlClientFactory } from './cml-client.factory';
import { CmlRequestObserver } from './cml-request-observer';
import { checkedCmlTimeoutMs } from './cml-timeout.config';
import { NoopCmlRequestObserver } from './noop-cml-request-observer';

/**
 * Provides {@link CmlClientFactory} and the {@link CmlRequestObserver} token.
 *
 * ```ts
 * CmlClientModule.forRootAsync({
 *   observer: PromCmlObserver,
 *   inject: [AppConfig],
 *   useFactory: (c: AppConfig) => ({ timeoutMs: c.cmlTimeoutMs, allowedPrivateCidrs: c.cmlAllowPrivateEndpoints }),
 * })
 * ```
 *
 * Clients refuse loopback, link-local and cloud metadata addresses unless `allowedPrivateCidrs`
 * lists them (see `CmlAddressPolicy`).
 */
@Module({})
export class CmlClientModule {
  /** Timeout and allow-list computed by a factory that can inject providers (the app configuration). */
  static forRootAsync(options: CmlClientModuleAsyncOptions): DynamicModule {
    return {
      module: CmlClientModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: CML_CLIENT_OPTIONS,
          useFactory: async (...args: never[]): Promise<CmlClientOptions> =>
            resolveOptions(await options.useFactory(...args)),
          inject: options.inject ?? [],
        },
        { provide: CmlRequestObserver, useClass: options.observer ?? NoopCmlRequestObserver },
        CmlClientFactory,
      ],
      exports: [CmlClientFactory, CmlRequestObserver],
    };
  }
}

function resolveOptions(options: CmlClientModuleOptions): CmlClientOptions {
  return {
    timeoutMs: checkedCmlTimeoutMs(options.timeoutMs),
    // Omitted rather than [] when unset, so the resolved options read exactly as configured.
    ...(options.allowedPrivateCidrs ? { allowedPrivateCidrs: [...options.allowedPrivateCidrs] } : {}),
  };
}
