import { NotFoundError } from '@app/common';
import { aBulkDeleteJob } from '../../../testing/bulk-delete-job-repository.contract';
import { InMemoryBulkDeleteJobRepository } from '../../../testing/in-memory-bulk-delete-job.repository';
import { GetJobHandler } from './get-job.handler';
import { GetJobQuery } from './get-job.query';

describe('GetJobHandler', () => {
  it('answers the job as the contract has it: status, total, done and the failed items', async () => {
    const jobs = new InMemoryBulkDeleteJobRepository();
    const job = aBulkDeleteJob(3);
    await jobs.create(job);
    job.record(1, { kind: 'failed', status: 504, detail: 'CML did not answer' }, new Date());
    job.record(2, { kind: 'deleted' }, new Date());
    await jobs.saveProgress(job, [1, 2], 1);
    expect(await new GetJobHandler(jobs).execute(new GetJobQuery(job.id))).toEqual({
      id: job.id,
      kind: 'bulk-delete',
      status: 'running',
      total: 3,
      done: 2,
      failed: [
        {
          workerId: job.item(1).workerId,
          labId: job.item(1).labId,
          status: 504,
          detail: 'CML did not answer',
        },
      ],
    });
  });

  it('is a 404 for an unknown job', async () => {
    await expect(
      new GetJobHandler(new InMemoryBulkDeleteJobRepository()).execute(
        new GetJobQuery('4b0c1a8e-0000-4000-8000-000000000000'),
      ),
    ).rejects.toThrow(NotFoundError);
  });
});
