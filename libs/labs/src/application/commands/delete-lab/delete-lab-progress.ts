import { ConflictError, ForbiddenError } from '@app/common';
import { upstreamErrorOf } from '../../cml-failure';

/** The CML call of a Phase 1 delete (contract: `step` of a failed delete). */
export type DeleteLabStep = 'read' | 'stop' | 'wait-stopped' | 'wipe' | 'delete';

/** A change to the lab in CML that a Phase 1 delete made before it failed (`cmlChanges`). */
export type DeleteLabCmlChange = 'stop-requested' | 'stopped' | 'wipe-requested' | 'wiped';

const DESCRIPTIONS: Record<DeleteLabStep, string> = {
  read: 'reading',
  stop: 'stopping',
  'wait-stopped': 'waiting for the stop of',
  wipe: 'wiping',
  delete: 'deleting',
};

const DONE = { stop: 'stopped', wipe: 'wiped' } as const;

/**
 * Where a forced delete has got to in CML, so that a failure tells the caller what has been done
 * already: a delete that failed at the wipe has still stopped the lab.
 */
export class DeleteLabProgress {
  #step: DeleteLabStep = 'read';
  readonly #changes: DeleteLabCmlChange[] = [];

  get step(): DeleteLabStep {
    return this.#step;
  }

  at(step: DeleteLabStep): void {
    this.#step = step;
  }

  /** CML accepted the action (204); its nodes are moving. */
  requested(action: keyof typeof DONE): void {
    this.#changes.push(`${action}-requested`);
  }

  /** CML shows the action as done and converged. */
  confirmed(action: keyof typeof DONE): void {
    const i = this.#changes.indexOf(`${action}-requested`);
    if (i >= 0) this.#changes[i] = DONE[action];
    else this.#changes.push(DONE[action]);
  }

  /** The step as a verb phrase for messages: "wiping", "waiting for the stop of". */
  describe(): string {
    return DESCRIPTIONS[this.#step];
  }

  forbidden(message: string): ForbiddenError {
    return new ForbiddenError(message, {}, this.problemExtensions());
  }

  conflict(message: string): ConflictError {
    return new ConflictError(message, {}, this.problemExtensions());
  }

  /** The 502/504 for a CML failure at the current step. */
  failure(error: unknown, what: string): Error {
    return upstreamErrorOf(error, what, this.problemExtensions());
  }

  /** The contract's `step` and `cmlChanges` members of the problem+json. */
  problemExtensions(): { step: DeleteLabStep; cmlChanges: DeleteLabCmlChange[] } {
    return { step: this.#step, cmlChanges: [...this.#changes] };
  }
}
