import { CmlHttpError } from './cml-http-error';
import { wholeSecond } from './cml-timestamp';
import { nodeStateFor } from './lab-topology';
import { ACTIVE_NODE_STATES, LabState, LifecycleAction, SimulatedLab } from './simulated-lab';

/** How long each asynchronous lab operation takes, in milliseconds (0 = done before the 204 is sent). */
export interface TransitionTiming {
  startMs: number;
  stopMs: number;
  wipeMs: number;
}

/** Exact error descriptions of the lifecycle refusals, for tests and client error mapping. */
export const LIFECYCLE_ERRORS = {
  wipeWhileStarted: (id: string) => `Lab ${id} is running. Stop it before wiping.`,
  deleteNotWiped: (id: string) => `Lab ${id} is not stopped and wiped`,
} as const;

/**
 * The lab state CML reports, derived from the node states (cml-api.md §5): any node QUEUED, STARTED or BOOTED
 * makes the lab STARTED; all nodes DEFINED_ON_CORE make it DEFINED_ON_CORE; anything else is STOPPED. A lab
 * without nodes keeps the state its last operation gave it.
 */
export function labState(lab: SimulatedLab): LabState {
  if (lab.nodes.length === 0) {
    return lab.emptyState;
  }
  if (lab.nodes.some((n) => ACTIVE_NODE_STATES.includes(n.state))) {
    return 'STARTED';
  }
  return lab.nodes.every((n) => n.state === 'DEFINED_ON_CORE') ? 'DEFINED_ON_CORE' : 'STOPPED';
}

/**
 * Bumps `modified` to `at` (seconds precision, as CML writes it). It always moves forward by at least one second,
 * so a client comparing `modified` sees two quick changes as two changes; under a burst of changes it may run a
 * few seconds ahead of the wall clock.
 */
export function touchLab(lab: SimulatedLab, at: number = Date.now()): void {
  lab.modified = new Date(Math.max(wholeSecond(at).getTime(), lab.modified.getTime() + 1000));
}

/**
 * The asynchronous lab operations. PUT start/stop/wipe answer 204 at once and record a pending transition; the
 * nodes move when it ends. Nothing runs on a timer: every read of a lab first `settle`s it, applying a transition
 * whose end time has passed (with `modified` set to that end time). That keeps the simulator deterministic and
 * leaves nothing to cancel at close().
 *
 *  - start: DEFINED_ON_CORE/STOPPED nodes become QUEUED at once (so the lab reads STARTED), BOOTED after startMs.
 *  - stop: nodes stay as they are (the lab keeps reading STARTED) and become STOPPED after stopMs.
 *  - wipe: refused with 400 while the lab reads STARTED (including during a stop); nodes stay STOPPED and become
 *    DEFINED_ON_CORE after wipeMs.
 *  - A new operation replaces a pending one of another kind; repeating the pending one, stopping a lab that is not
 *    STARTED, wiping one that is DEFINED_ON_CORE or starting one whose nodes are all BOOTED changes nothing.
 *  - check_if_converged is false while a transition is pending.
 */
export class LabLifecycle {
  constructor(private readonly timing: () => TransitionTiming) {}

  /** Applies the pending transition if its time has come. */
  settle(lab: SimulatedLab, now: number = Date.now()): void {
    const pending = lab.pending;
    if (pending && now >= pending.endsAt) {
      lab.pending = undefined;
      this.finish(lab, pending.action, pending.endsAt);
    }
  }

  converged(lab: SimulatedLab): boolean {
    this.settle(lab);
    return lab.pending === undefined;
  }

  start(lab: SimulatedLab): void {
    this.settle(lab);
    if (lab.pending?.action === 'start') {
      return;
    }
    lab.pending = undefined;
    const startable = lab.nodes.filter((n) => !ACTIVE_NODE_STATES.includes(n.state));
    const booting = lab.nodes.some((n) => n.state === 'QUEUED' || n.state === 'STARTED');
    const emptyAndStarted = lab.nodes.length === 0 && lab.emptyState === 'STARTED';
    if (startable.length === 0 && !booting && (lab.nodes.length > 0 || emptyAndStarted)) {
      return;
    }
    this.change(lab, () => {
      for (const node of startable) {
        node.state = 'QUEUED';
      }
      lab.emptyState = 'STARTED';
    });
    this.schedule(lab, 'start', this.timing().startMs);
  }

  stop(lab: SimulatedLab): void {
    this.settle(lab);
    if (lab.pending?.action === 'stop' || labState(lab) !== 'STARTED') {
      return;
    }
    lab.pending = undefined;
    this.schedule(lab, 'stop', this.timing().stopMs);
  }

  wipe(lab: SimulatedLab): void {
    this.settle(lab);
    if (labState(lab) === 'STARTED') {
      throw new CmlHttpError(400, LIFECYCLE_ERRORS.wipeWhileStarted(lab.id));
    }
    if (lab.pending?.action === 'wipe' || labState(lab) === 'DEFINED_ON_CORE') {
      return;
    }
    lab.pending = undefined;
    this.schedule(lab, 'wipe', this.timing().wipeMs);
  }

  /** The public DELETE's precondition: only a stopped and wiped lab may go. */
  assertDeletable(lab: SimulatedLab): void {
    this.settle(lab);
    if (labState(lab) !== 'DEFINED_ON_CORE' || lab.pending) {
      throw new CmlHttpError(400, LIFECYCLE_ERRORS.deleteNotWiped(lab.id));
    }
  }

  /** Puts the lab (and all its nodes) into `state` at once, cancelling any pending transition: seeding, /_sim. */
  force(lab: SimulatedLab, state: LabState): void {
    lab.pending = undefined;
    for (const node of lab.nodes) {
      node.state = nodeStateFor(state);
    }
    lab.emptyState = state;
  }

  private schedule(lab: SimulatedLab, action: LifecycleAction, ms: number): void {
    const now = Date.now();
    if (ms <= 0) {
      this.finish(lab, action, now);
      return;
    }
    lab.pending = { action, endsAt: now + ms };
  }

  private finish(lab: SimulatedLab, action: LifecycleAction, at: number): void {
    this.change(
      lab,
      () => {
        for (const node of lab.nodes) {
          if (action === 'start' && (node.state === 'QUEUED' || node.state === 'STARTED')) {
            node.state = 'BOOTED';
          } else if (action === 'stop' && ACTIVE_NODE_STATES.includes(node.state)) {
            node.state = 'STOPPED';
          } else if (action === 'wipe') {
            node.state = 'DEFINED_ON_CORE';
          }
        }
        lab.emptyState = action === 'start' ? 'STARTED' : action === 'stop' ? 'STOPPED' : 'DEFINED_ON_CORE';
      },
      at,
    );
  }

  /** Runs a mutation and bumps `modified` when the lab's reported state changed. */
  private change(lab: SimulatedLab, mutate: () => void, at: number = Date.now()): void {
    const before = labState(lab);
    mutate();
    if (labState(lab) !== before) {
      touchLab(lab, at);
    }
  }
}
