import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@app/common';
import { BulkDeleteJobRepository } from '../../ports/bulk-delete-job.repository';
import { GetJobQuery, JobView } from './get-job.query';

@QueryHandler(GetJobQuery)
export class GetJobHandler implements IQueryHandler<GetJobQuery, JobView> {
  constructor(private readonly jobs: BulkDeleteJobRepository) {}

  async execute({ jobId }: GetJobQuery): Promise<JobView> {
    const job = await this.jobs.findById(jobId);
    if (!job) throw new NotFoundError(`Job ${jobId} not found`);
    return {
      id: job.id,
      kind: 'bulk-delete',
      status: job.status,
      total: job.total,
      done: job.done,
      failed: job.failed,
    };
  }
}
