/**
 * Names of the public CML API routes. Faults and request statistics are keyed by these names rather than by URL,
 * so a test can say "fail labs.get" without spelling out paths.
 */
export const PUBLIC_ROUTE_NAMES = [
  'authenticate',
  'system_information',
  'labs.list',
  'labs.get',
  'labs.start',
  'labs.stop',
  'labs.wipe',
  'labs.delete',
  'import',
] as const;

export type PublicRouteName = (typeof PUBLIC_ROUTE_NAMES)[number];
