/** `GET /labs`, normalised: the lab ids, and what the controller listed that is no lab id. */
export interface CmlLabIdList {
  /** Lowercase UUIDs, each once, in CML's order. */
  ids: string[];
  /** Entries that are not lab ids (not UUIDs, not strings), shown safely: JSON, at most 80 characters each. */
  refused: string[];
}
