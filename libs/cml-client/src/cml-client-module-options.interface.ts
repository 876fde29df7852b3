/**
 * What `CmlClientModule.forRootAsync`'s factory returns, usually from the application's validated
 * configuration. The library reads no environment itself: a setting read in two places can disagree.
 */
export interface CmlClientModuleOptions {
  /** Default per-request deadline in ms (`AppConfig.cmlTimeoutMs`, CML_TIMEOUT_MS). */
  timeoutMs: number;
  /**
   * CIDR ranges allowed although blocked by default (see `CmlAddressPolicy`), usually
   * `AppConfig.cmlAllowPrivateEndpoints`. Absent: loopback, link-local and metadata stay blocked.
   */
  allowedPrivateCidrs?: string[];
}
