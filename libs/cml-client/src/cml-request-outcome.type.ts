/** Coarse result of one HTTP request to CML, one value per error class plus `ok`. */
export type CmlRequestOutcome =
  'ok' | 'not_found' | 'conflict' | 'unauthorized' | 'unavailable' | 'timeout' | 'bad_response';
