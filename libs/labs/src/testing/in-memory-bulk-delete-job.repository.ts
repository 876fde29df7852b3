import { BulkDeleteJobRepository } from '../application/ports/bulk-delete-job.repository';
import { BulkDeleteJob, BulkDeleteJobProps } from '../domain/bulk-delete/bulk-delete-job';

interface StoredJob {
  props: BulkDeleteJobProps;
  fence: number;
}

/** BulkDeleteJobRepository without a database, keeping the contract MongoBulkDeleteJobRepository keeps. */
export class InMemoryBulkDeleteJobRepository extends BulkDeleteJobRepository {
  private readonly jobs = new Map<string, StoredJob>();
  /** How many progress writes were made (accepted or fenced off). */
  progressWrites = 0;

  create(job: BulkDeleteJob): Promise<void> {
    if (this.jobs.has(job.id)) return Promise.reject(new Error(`E11000 duplicate key: job ${job.id}`));
    this.jobs.set(job.id, { props: job.toProps(), fence: 0 });
    return Promise.resolve();
  }

  findById(id: string): Promise<BulkDeleteJob | null> {
    const stored = this.jobs.get(id);
    return Promise.resolve(stored ? BulkDeleteJob.restore(stored.props) : null);
  }

  saveProgress(job: BulkDeleteJob, indexes: readonly number[], fence: number): Promise<boolean> {
    this.progressWrites++;
    const stored = this.jobs.get(job.id);
    if (!stored || stored.fence > fence) return Promise.resolve(false);
    const next = job.toProps();
    for (const i of indexes) stored.props.items[i] = next.items[i];
    stored.props.finishedAt = next.finishedAt;
    stored.fence = fence;
    return Promise.resolve(true);
  }

  findRunningIds(): Promise<string[]> {
    return Promise.resolve(
      [...this.jobs.values()]
        .filter((s) => BulkDeleteJob.restore(s.props).status === 'running')
        .map((s) => s.props.id),
    );
  }
}
