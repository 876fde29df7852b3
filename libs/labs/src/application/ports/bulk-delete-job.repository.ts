import { BulkDeleteJob } from '../../domain/bulk-delete/bulk-delete-job';

/**
 * Persistence of bulk delete jobs (`jobs`), one document a job with its items. Progress writes are
 * fenced: each carries the epoch of the job lease of the process that runs the job, and a job
 * written by a newer epoch refuses older ones, so a process that lost the job (it stalled, another
 * one resumed it) cannot move its counts back.
 */
export abstract class BulkDeleteJobRepository {
  /** Stores a new job; its id is new (a UUID). */
  abstract create(job: BulkDeleteJob): Promise<void>;
  abstract findById(id: string): Promise<BulkDeleteJob | null>;
  /**
   * Writes the outcomes of the items at `indexes`, and the job's counts, status and end, as `job`
   * has them. Returns false (and writes nothing) when a newer fence wrote the job already.
   */
  abstract saveProgress(job: BulkDeleteJob, indexes: readonly number[], fence: number): Promise<boolean>;
  /** Ids of the jobs not finished yet: those a live process runs, and those a dead one left. */
  abstract findRunningIds(): Promise<string[]>;
}
