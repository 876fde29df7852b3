/**
 * Route template of a CML call. Used instead of the URL in errors and metrics so that label
 * cardinality stays bounded (lab ids never end up in a metric label).
 */
export type CmlRoute =
  | 'auth_extended'
  | 'authenticate'
  | 'system_information'
  | 'labs.list'
  | 'labs.get'
  | 'labs.tiles'
  | 'labs.state'
  | 'labs.converged'
  | 'labs.start'
  | 'labs.stop'
  | 'labs.wipe'
  | 'labs.delete';
