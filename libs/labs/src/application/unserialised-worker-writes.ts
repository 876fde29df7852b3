import { Injectable } from '@nestjs/common';
import { WorkerWriteLock } from './worker-write-lock';

/**
 * No lock (DatabaseWriteSemantics `atomic`, MongoDB): each write runs at once. The database checks every
 * write's condition and applies it as one step per document, so concurrent writers to one record cannot erase
 * each other's changes: the one whose filter no longer matches reports a lost race. The same holds across
 * replicas, which is why several API instances may share a MongoDB database.
 */
@Injectable()
export class UnserialisedWorkerWrites extends WorkerWriteLock {
  run<T>(_workerId: string, work: () => Promise<T>): Promise<T> {
    return work();
  }
}
