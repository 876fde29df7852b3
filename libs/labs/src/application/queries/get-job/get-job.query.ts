import { Query } from '@nestjs/cqrs';
import { BulkDeleteJobStatus } from '../../../domain/bulk-delete/bulk-delete-job';

/** A job as `GET /api/jobs/:jobId` answers it. */
export interface JobView {
  id: string;
  kind: 'bulk-delete';
  status: BulkDeleteJobStatus;
  total: number;
  /** Items that have ended: deleted, already gone, or failed. */
  done: number;
  failed: { workerId: string; labId: string; status: number; detail: string }[];
}

export class GetJobQuery extends Query<JobView> {
  constructor(readonly jobId: string) {
    super();
  }
}
