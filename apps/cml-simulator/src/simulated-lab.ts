/** The three states a CML 2.x lab reports. A lab's state is derived from its nodes (see lab-lifecycle.ts). */
export type LabState = 'DEFINED_ON_CORE' | 'STOPPED' | 'STARTED';

export const LAB_STATES: readonly LabState[] = ['DEFINED_ON_CORE', 'STOPPED', 'STARTED'];

/** CML's node states (SPEC `NodeStates`). The simulator uses all but DISCONNECTED. */
export type NodeState = 'DEFINED_ON_CORE' | 'STOPPED' | 'QUEUED' | 'STARTED' | 'BOOTED' | 'DISCONNECTED';

/** Node states that count as "running": a lab with one of them reads STARTED. */
export const ACTIVE_NODE_STATES: readonly NodeState[] = ['QUEUED', 'STARTED', 'BOOTED'];

/** What a user may do with a lab (SPEC `Permission`), as `effective_permissions` lists it. */
export type LabPermission = 'lab_admin' | 'lab_edit' | 'lab_exec' | 'lab_view';

export const ALL_LAB_PERMISSIONS: readonly LabPermission[] = [
  'lab_admin',
  'lab_edit',
  'lab_exec',
  'lab_view',
];

/** One interface of a node; `nodeId` is the uuid of the node it belongs to. */
export interface SimulatedInterface {
  id: string;
  nodeId: string;
  label: string;
  slot: number | null;
  type: 'physical' | 'loopback';
  macAddress: string | null;
}

/** A node as the simulator keeps it: the topology fields CML stores plus its run state. */
export interface SimulatedNode {
  id: string;
  label: string;
  x: number;
  y: number;
  nodeDefinition: string;
  imageDefinition: string | null;
  ram: number | null;
  cpus: number | null;
  cpuLimit: number | null;
  dataVolume: number | null;
  bootDiskSize: number | null;
  hideLinks: boolean;
  tags: string[];
  /** As given at import: a string (day-0 config), a list of `{name, content}` files, or null. */
  configuration: unknown;
  parameters: Record<string, unknown>;
  state: NodeState;
  interfaces: SimulatedInterface[];
}

/** A link between two interfaces (and so two nodes). */
export interface SimulatedLink {
  id: string;
  label: string;
  interfaceA: string;
  interfaceB: string;
  nodeA: string;
  nodeB: string;
}

export type LifecycleAction = 'start' | 'stop' | 'wipe';

/** A start, stop or wipe that was accepted (204) and finishes at `endsAt` (epoch ms). */
export interface PendingTransition {
  action: LifecycleAction;
  endsAt: number;
}

/** A lab as the simulator stores it: the owner is kept by id so renames of users never orphan labs. */
export interface SimulatedLab {
  id: string;
  created: Date;
  modified: Date;
  title: string;
  description: string;
  notes: string;
  ownerId: string;
  nodes: SimulatedNode[];
  links: SimulatedLink[];
  /** The state of a lab without nodes, which cannot be derived from node states. */
  emptyState: LabState;
  groups: LabGroupPermission[];
  pending?: PendingTransition;
}

/** A lab shared with a group (the pre-2.9 `groups` form CML still reports): `read_only` or `read_write`. */
export interface LabGroupPermission {
  id: string;
  permission: string;
}

/** `groups[]` of a lab as CML answers it: the group's name is filled in. */
export interface LabGroupView extends LabGroupPermission {
  name: string;
}

/** The body of GET /api/v0/labs/{id}, field for field as CML 2.9 sends it. */
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
  groups: LabGroupView[];
  effective_permissions: LabPermission[];
}
