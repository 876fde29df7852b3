/** A lab as reported by `GET /labs/{id}`, converted from CML's snake_case. */
export interface CmlLab {
  id: string;
  /** CML lab state, e.g. `DEFINED_ON_CORE`, `STARTED`, `STOPPED`; passed through verbatim. */
  state: string;
  created: string;
  modified: string;
  title: string;
  description: string;
  notes: string;
  owner: string;
  ownerUsername: string;
  ownerFullname: string;
  nodeCount: number;
  linkCount: number;
  groups: unknown[];
}
