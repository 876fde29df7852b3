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
  groups: CmlLabGroup[];
}

/** A group a lab is shared with, as CML lists it (`groups[]`). */
export interface CmlLabGroup {
  id: string;
  /** `read_only` or `read_write` on CML 2.x; passed through. */
  permission: string;
  name?: string;
}
