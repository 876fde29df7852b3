/**
 * Removes what other contexts keep per worker (lab records) when a worker is removed. Bound by
 * the labs context, so that this context does not depend on it.
 */
export abstract class WorkerLabsCleaner {
  abstract removeAllForWorker(workerId: string): Promise<number>;
}
