/** DI token of the resolved {@link CmlClientOptions}. */
export const CML_CLIENT_OPTIONS = Symbol('CML_CLIENT_OPTIONS');

/** Environment variable read by `CmlClientModule.forRoot()` when no timeout is passed explicitly. */
export const CML_TIMEOUT_ENV = 'CML_TIMEOUT_MS';

/** Per-request deadline when neither the module options nor the environment set one. */
export const DEFAULT_CML_TIMEOUT_MS = 15_000;
