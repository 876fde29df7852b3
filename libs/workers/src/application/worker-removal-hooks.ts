import { Injectable } from '@nestjs/common';

/** What another context does when a worker is removed: forget what it keeps for that worker. */
export interface WorkerRemovalHook {
  /** Runs before the worker is removed; a failure stops the removal, so it can be retried. */
  beforeWorkerRemoved(workerId: string): Promise<void>;
}

/**
 * Lets the contexts that keep data per worker (labs) clean up when a worker is removed, without
 * this context depending on them: they register themselves at start-up.
 */
@Injectable()
export class WorkerRemovalHooks {
  private readonly hooks: WorkerRemovalHook[] = [];

  register(hook: WorkerRemovalHook): void {
    this.hooks.push(hook);
  }

  async runBefore(workerId: string): Promise<void> {
    for (const hook of this.hooks) await hook.beforeWorkerRemoved(workerId);
  }
}
