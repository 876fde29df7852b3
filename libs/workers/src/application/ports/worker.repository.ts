import { Page } from '@app/common';
import { CmlContact } from '../../domain/cml-contact';
import { ReconcileSummary } from '../../domain/reconcile-summary';
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
  /**
   * Records the outcome of a reconciliation without touching the worker's settings, in one write.
   * @param successfulSyncAt set only by a run that confirmed every record against a trusted list.
   * @param cml what the run learned of the controller; the stored one is kept when absent.
   */
  abstract recordReconcile(
    id: string,
    summary: ReconcileSummary,
    successfulSyncAt: Date | null,
    cml?: CmlContact,
  ): Promise<void>;
}
