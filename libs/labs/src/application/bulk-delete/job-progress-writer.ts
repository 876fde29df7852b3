import { Logger } from '@nestjs/common';
import { BulkDeleteJob } from '../../domain/bulk-delete/bulk-delete-job';
import { BulkDeleteJobRepository } from '../ports/bulk-delete-job.repository';

/**
 * Writes a running job's progress as its items end, coalesced: one write at a time, and each
 * write carries every outcome recorded since the previous one. So a job costs a write per item
 * when items end slowly, and far fewer when many end at once, and GET /api/jobs/:id is at most one
 * round trip behind. An outcome whose write failed stays due and goes with the next write; one
 * never written (the process died) leaves its item pending, and a resumed job deletes it again,
 * which Phase 1 answers as already gone.
 */
export class JobProgressWriter {
  private readonly logger = new Logger(JobProgressWriter.name);
  private readonly due = new Set<number>();
  private writing: Promise<void> | null = null;
  /** A newer fence wrote the job: this process lost it, and writes nothing more. */
  private fencedOff = false;

  constructor(
    private readonly jobs: BulkDeleteJobRepository,
    private readonly job: BulkDeleteJob,
    private readonly fence: number,
  ) {}

  get lost(): boolean {
    return this.fencedOff;
  }

  /** The item at `index` has ended: its outcome goes with the next write. */
  note(index: number): void {
    this.due.add(index);
    this.writing ??= this.writeDue().finally(() => (this.writing = null));
  }

  /** Waits for the write in flight, then writes whatever is still due (one more try). */
  async flush(): Promise<void> {
    if (this.writing) await this.writing;
    if (this.due.size > 0 && !this.fencedOff) await this.writeOnce();
  }

  private async writeDue(): Promise<void> {
    while (this.due.size > 0 && !this.fencedOff) {
      if (!(await this.writeOnce())) return;
    }
  }

  /** One write of everything due; false when it failed (what it carried stays due). */
  private async writeOnce(): Promise<boolean> {
    const batch = [...this.due];
    this.due.clear();
    try {
      if (!(await this.jobs.saveProgress(this.job, batch, this.fence))) {
        this.fencedOff = true;
        this.logger.warn(
          { jobId: this.job.id },
          `Bulk delete job ${this.job.id} was taken over; this process stops writing it`,
        );
      }
      return true;
    } catch (error) {
      for (const i of batch) this.due.add(i);
      this.logger.warn(
        { jobId: this.job.id, err: (error as Error).message },
        `Could not write the progress of bulk delete job ${this.job.id}; it goes with the next write`,
      );
      return false;
    }
  }
}
