/** The three states a CML 2.x lab reports; the simulator enforces the same transitions as the controller. */
export type LabState = 'DEFINED_ON_CORE' | 'STOPPED' | 'STARTED';

export const LAB_STATES: readonly LabState[] = ['DEFINED_ON_CORE', 'STOPPED', 'STARTED'];

/** A lab as the simulator stores it: the owner is kept by id so renames of users never orphan labs. */
export interface SimulatedLab {
  id: string;
  state: LabState;
  created: Date;
  modified: Date;
  title: string;
  description: string;
  notes: string;
  ownerId: string;
  nodeCount: number;
  linkCount: number;
  groups: LabGroupPermission[];
}

/** CML shares labs with groups; the simulator only echoes what was set. */
export interface LabGroupPermission {
  id: string;
  permission: string;
}

/** The body of GET /api/v0/labs/{id}, field for field as CML 2.x sends it. */
export interface LabView {
  id: string;
  state: LabState;
  created: string;
  modified: string;
  lab_title: string;
  lab_description: string;
  lab_notes: string;
  owner: string;
  owner_username: string;
  owner_fullname: string;
  node_count: number;
  link_count: number;
  groups: LabGroupPermission[];
}
