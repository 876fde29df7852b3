/**
 * Runs a write to one worker's lab records (Phase 1's tombstone, Phase 2's bulk write, a restore) the way the
 * database needs it: serialised per worker where conditional updates are not atomic (InProcessWorkerWriteLock,
 * FerretDB), at once where they are (UnserialisedWorkerWrites, MongoDB). Bound by DatabaseWriteSemantics in
 * LabsModule. Every write run through it is conditional (a version, fence or `removal: null` filter), which is
 * what makes the MongoDB path exact without the lock: of concurrent writers one passes its filter, the others
 * match nothing and report a lost race.
 */
export abstract class WorkerWriteLock {
  abstract run<T>(workerId: string, work: () => Promise<T>): Promise<T>;
}
