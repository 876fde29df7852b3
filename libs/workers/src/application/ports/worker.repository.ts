import { Page } from '@app/common';
import { Worker } from '../../domain/worker';

/** Persistence of workers. Implementations raise ConflictError when a name or endpoint is taken. */
export abstract class WorkerRepository {
  abstract findById(id: string): Promise<Worker | null>;
  abstract page(limit: number, afterId?: string): Promise<Page<Worker>>;
  /** All workers, for the scheduled reconciliation (there are tens, not thousands). */
  abstract findAll(): Promise<Worker[]>;
  abstract insert(worker: Worker): Promise<void>;
  /** Saves if nobody saved a newer version in between; returns false otherwise. */
  abstract save(worker: Worker): Promise<boolean>;
  abstract remove(id: string): Promise<boolean>;
}
