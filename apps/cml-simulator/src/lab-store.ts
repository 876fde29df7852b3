import { randomUUID } from 'node:crypto';
import { CmlHttpError } from './cml-http-error';
import { LabState, LabView, SimulatedLab } from './simulated-lab';
import { UserDirectory } from './user-directory';

/** What is needed to create a lab; everything else (id, timestamps) the store fills in. */
export interface NewLab {
  title: string;
  description?: string;
  notes?: string;
  ownerId: string;
  state?: LabState;
  nodeCount?: number;
  linkCount?: number;
}

/**
 * The labs on the simulated controller and the state rules CML enforces on them: start, stop, wipe, and delete
 * only once stopped and wiped. Insertion order is kept so list answers (and partial_list faults) are stable.
 */
export class LabStore {
  private labs = new Map<string, SimulatedLab>();

  constructor(private readonly users: UserDirectory) {}

  create(input: NewLab): SimulatedLab {
    const now = new Date();
    const lab: SimulatedLab = {
      id: randomUUID(),
      state: input.state ?? 'DEFINED_ON_CORE',
      created: now,
      modified: now,
      title: input.title,
      description: input.description ?? '',
      notes: input.notes ?? '',
      ownerId: input.ownerId,
      nodeCount: input.nodeCount ?? 0,
      linkCount: input.linkCount ?? 0,
      groups: [],
    };
    this.labs.set(lab.id, lab);
    return lab;
  }

  find(id: string): SimulatedLab | undefined {
    return this.labs.get(id);
  }

  /** The lab, or the 404 CML answers for an unknown id. */
  get(id: string): SimulatedLab {
    const lab = this.labs.get(id);
    if (!lab) {
      throw new CmlHttpError(404, `Lab not found: ${id}`);
    }
    return lab;
  }

  all(): SimulatedLab[] {
    return [...this.labs.values()];
  }

  start(id: string): void {
    this.changeState(this.get(id), 'STARTED');
  }

  /** Stopping is only a change for a running lab; CML answers 204 either way. */
  stop(id: string): void {
    const lab = this.get(id);
    if (lab.state === 'STARTED') {
      this.changeState(lab, 'STOPPED');
    }
  }

  wipe(id: string): void {
    const lab = this.get(id);
    if (lab.state === 'STARTED') {
      throw new CmlHttpError(400, `Lab ${id} is running. Stop it before wiping.`);
    }
    this.changeState(lab, 'DEFINED_ON_CORE');
  }

  /** The public DELETE: only a stopped and wiped lab may go, as on CML. */
  delete(id: string): void {
    const lab = this.get(id);
    if (lab.state !== 'DEFINED_ON_CORE') {
      throw new CmlHttpError(400, `Lab ${id} is not stopped and wiped`);
    }
    this.labs.delete(id);
  }

  /** Removes a lab whatever its state: someone deleting it on the controller behind the service's back. */
  forceDelete(id: string): boolean {
    return this.labs.delete(id);
  }

  changeState(lab: SimulatedLab, state: LabState): void {
    if (lab.state !== state) {
      lab.state = state;
      this.touch(lab);
    }
  }

  /**
   * Bumps `modified`. It always moves forward by at least 1 ms so a client that detects changes by comparing
   * `modified` sees two quick changes as two changes.
   */
  touch(lab: SimulatedLab): void {
    lab.modified = new Date(Math.max(Date.now(), lab.modified.getTime() + 1));
  }

  clear(): void {
    this.labs = new Map();
  }

  view(lab: SimulatedLab): LabView {
    const owner = this.users.findById(lab.ownerId);
    return {
      id: lab.id,
      state: lab.state,
      created: lab.created.toISOString(),
      modified: lab.modified.toISOString(),
      lab_title: lab.title,
      lab_description: lab.description,
      lab_notes: lab.notes,
      owner: lab.ownerId,
      owner_username: owner?.username ?? '',
      owner_fullname: owner?.fullname ?? '',
      node_count: lab.nodeCount,
      link_count: lab.linkCount,
      groups: lab.groups.map((g) => ({ ...g })),
    };
  }
}
