import { type DynamicModule, Module } from '@nestjs/common';
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
 * ```
 *
 * The environment is read when the module is initialised, so import it once (in the app module)
 * and re-export it, rather than calling `forRoot` in several feature modules.
 */
@Module({})
export class CmlClientModule {
  static forRoot(options: CmlClientModuleOptions = {}): DynamicModule {
    return {
      module: CmlClientModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: CML_CLIENT_OPTIONS,
          useFactory: (): CmlClientOptions => ({ timeoutMs: resolveCmlTimeoutMs(options.timeoutMs) }),
        },
        { provide: CmlRequestObserver, useClass: options.observer ?? NoopCmlRequestObserver },
        CmlClientFactory,
      ],
      exports: [CmlClientFactory, CmlRequestObserver],
    };
  }
}
