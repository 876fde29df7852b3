import { WorkerLabsCleaner } from '../application/ports/worker-labs-cleaner';

/**
 * A WorkerLabsCleaner for specs of the workers context: keeps how many lab records each worker
 * has (the labs context keeps the records themselves) and removes them all at once.
 */
export class InMemoryWorkerLabsCleaner extends WorkerLabsCleaner {
  /** Lab records per worker id. */
  readonly recordsByWorker = new Map<string, number>();
  /** When set, removing throws this and removes nothing. */
  failWith: Error | null = null;

  async removeAllForWorker(workerId: string): Promise<number> {
    if (this.failWith) throw this.failWith;
    const removed = this.recordsByWorker.get(workerId) ?? 0;
    this.recordsByWorker.delete(workerId);
    return removed;
  }
}
