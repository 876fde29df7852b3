/**
 * Route template of a CML call. Used instead of the URL in errors and metrics so that label
 * cardinality stays bounded (lab ids never end up in a metric label).
 */
export type CmlRoute =
  | 'authenticate'
  | 'system_information'
  | 'labs.list'
  | 'labs.get'
  | 'labs.start'
  | 'labs.stop'
  | 'labs.wipe'
  | 'labs.delete';
