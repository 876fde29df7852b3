import { randomUUID } from 'node:crypto';
import { CmlHttpError } from './cml-http-error';
import { wholeSecond } from './cml-timestamp';
import { ACCESS_ERRORS } from './lab-access';
import { LabLifecycle } from './lab-lifecycle';
import { nodeStateFor, resizeTopology } from './lab-topology';
import { LabGroupPermission, LabState, SimulatedLab, SimulatedLink, SimulatedNode } from './simulated-lab';

/** What is needed to create a lab; everything else (id, timestamps) the store fills in. */
export interface NewLab {
  title: string;
  description?: string;
  notes?: string;
  ownerId: string;
  state?: LabState;
  /** Seeded labs: this many made-up nodes, linked as a chain by `linkCount` links. */
  nodeCount?: number;
  linkCount?: number;
  /** Imported labs: the nodes and links of the topology (then nodeCount/linkCount are ignored). */
  topology?: { nodes: SimulatedNode[]; links: SimulatedLink[] };
  groups?: LabGroupPermission[];
}

/**
 * The labs on the simulated controller. Every read settles pending lifecycle transitions first, so callers always
 * see the state CML would report at that moment. Insertion order is kept so list answers (and partial_list
 * faults) are stable.
 */
export class LabStore {
  private labs = new Map<string, SimulatedLab>();

  constructor(readonly lifecycle: LabLifecycle) {}

  create(input: NewLab): SimulatedLab {
    const now = wholeSecond(Date.now());
    const state = input.state ?? 'DEFINED_ON_CORE';
    const lab: SimulatedLab = {
      id: randomUUID(),
      created: now,
      modified: now,
      title: input.title,
      description: input.description ?? '',
      notes: input.notes ?? '',
      ownerId: input.ownerId,
      nodes: [],
      links: [],
      emptyState: state,
      groups: input.groups ?? [],
    };
    if (input.topology) {
      lab.nodes = input.topology.nodes;
      lab.links = input.topology.links;
      this.lifecycle.force(lab, state);
    } else {
      resizeTopology(lab, input.nodeCount ?? 0, input.linkCount ?? 0, nodeStateFor(state));
    }
    this.labs.set(lab.id, lab);
    return lab;
  }

  find(id: string): SimulatedLab | undefined {
    const lab = this.labs.get(id);
    if (lab) {
      this.lifecycle.settle(lab);
    }
    return lab;
  }

  /** The lab, or the 404 CML answers for an unknown id. */
  get(id: string): SimulatedLab {
    const lab = this.find(id);
    if (!lab) {
      throw new CmlHttpError(404, ACCESS_ERRORS.labNotFound(id));
    }
    return lab;
  }

  all(): SimulatedLab[] {
    const now = Date.now();
    const labs = [...this.labs.values()];
    for (const lab of labs) {
      this.lifecycle.settle(lab, now);
    }
    return labs;
  }

  /** The public DELETE: only a stopped and wiped lab may go, as on CML. */
  delete(id: string): void {
    this.lifecycle.assertDeletable(this.get(id));
    this.labs.delete(id);
  }

  /** Removes a lab whatever its state: someone deleting it on the controller behind the service's back. */
  forceDelete(id: string): boolean {
    return this.labs.delete(id);
  }

  clear(): void {
    this.labs = new Map();
  }
}
