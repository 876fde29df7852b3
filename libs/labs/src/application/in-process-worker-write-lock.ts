import { Injectable } from '@nestjs/common';
import { WorkerWriteLock } from './worker-write-lock';

/**
 * Serialises this process's writes to one worker's lab records (DatabaseWriteSemantics `unique-insert-only`).
 * MongoDB applies a conditional update atomically, but FerretDB v1 reads the document, applies the change and
 * writes the whole document back without checking the filter again, so two concurrent writers to one record can
 * both "win" and the last one erases the other's change (a tombstone, or its event). Holding this lock for the
 * few milliseconds of each write makes every conditional write see the one before it. Across replicas the
 * per-worker lease covers Phase 2, and on this path the API runs one instance per database
 * (SingleInstanceOnFerretDb in apps/api).
 */
@Injectable()
export class InProcessWorkerWriteLock extends WorkerWriteLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(workerId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(workerId) ?? Promise.resolve();
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => turn);
    this.tails.set(workerId, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(workerId) === tail) this.tails.delete(workerId);
    }
  }
}
