import { Injectable } from '@nestjs/common';

/**
 * One reconciliation of a worker at a time within this process. The lease cannot do this: it lets
 * its own holder in again, and every run of this process holds it under the same name.
 */
@Injectable()
export class WorkerRunExclusion {
  private readonly inProgress = new Set<string>();

  /** Enters the worker's slot; null when a run of this process holds it. Call the result to leave. */
  tryEnter(workerId: string): (() => void) | null {
    if (this.inProgress.has(workerId)) return null;
    this.inProgress.add(workerId);
    return () => this.inProgress.delete(workerId);
  }
}
