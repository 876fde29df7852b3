import type { ModuleMetadata, Type } from '@nestjs/common';
import type { CmlRequestObserver } from './cml-request-observer';

/** Options of `CmlClientModule.forRoot()`. Everything is optional. */
export interface CmlClientModuleOptions {
  /**
   * Default per-request deadline in ms. When absent, `CML_TIMEOUT_MS` from the environment is used,
   * then 15000.
   */
  timeoutMs?: number;
  /**
   * CIDR ranges allowed although blocked by default (see `CmlAddressPolicy`), usually
   * `AppConfig.cmlAllowPrivateEndpoints`. Absent: loopback, link-local and metadata stay blocked.
   */
  allowedPrivateCidrs?: string[];
  /** Observer implementation (e.g. Prometheus metrics); defaults to a no-op. */
  observer?: Type<CmlRequestObserver>;
  /** Modules the observer needs for its own dependencies. */
  imports?: ModuleMetadata['imports'];
}
