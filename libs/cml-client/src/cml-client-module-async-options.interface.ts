import type { FactoryProvider, ModuleMetadata, Type } from '@nestjs/common';
import type { CmlClientModuleOptions } from './cml-client-module-options.interface';
import type { CmlRequestObserver } from './cml-request-observer';

/**
 * Options of `CmlClientModule.forRootAsync()`: the observer is a class known when the module is
 * declared; the rest comes from `useFactory`, so it can read configuration through DI.
 */
export interface CmlClientModuleAsyncOptions {
  useFactory: (...args: never[]) => CmlClientModuleOptions | Promise<CmlClientModuleOptions>;
  inject?: FactoryProvider['inject'];
  /** Modules the factory and the observer need (a global module such as AppConfigModule needs none). */
  imports?: ModuleMetadata['imports'];
  /** Observer implementation (e.g. Prometheus metrics); defaults to a no-op. */
  observer?: Type<CmlRequestObserver>;
}
