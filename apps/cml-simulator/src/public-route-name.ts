/**
 * Names of the public CML API routes. Faults and request statistics are keyed by these names rather than by URL,
 * so a test can say "fail labs.get" without spelling out paths.
 */
export const PUBLIC_ROUTE_NAMES = [
  'authenticate',
  'auth_extended',
  'authok',
  'authentication',
  'logout',
  'system_information',
  'users.list',
  'users.get',
  'labs.list',
  'labs.get',
  'labs.patch',
  'labs.start',
  'labs.stop',
  'labs.wipe',
  'labs.delete',
  'labs.state',
  'labs.converged',
  'labs.topology',
  'labs.download',
  'labs.element_state',
  'labs.nodes',
  'labs.node',
  'labs.node_state',
  'labs.interfaces',
  'labs.links',
  'labs.link',
  'populate_lab_tiles',
  'import',
] as const;

export type PublicRouteName = (typeof PUBLIC_ROUTE_NAMES)[number];
