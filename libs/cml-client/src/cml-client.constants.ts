/** DI token of the resolved {@link CmlClientOptions}. */
export const CML_CLIENT_OPTIONS = Symbol('CML_CLIENT_OPTIONS');
