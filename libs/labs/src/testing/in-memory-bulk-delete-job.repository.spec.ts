import { bulkDeleteJobRepositoryContract } from './bulk-delete-job-repository.contract';
import { InMemoryBulkDeleteJobRepository } from './in-memory-bulk-delete-job.repository';

describe('InMemoryBulkDeleteJobRepository', () => {
  bulkDeleteJobRepositoryContract(() => new InMemoryBulkDeleteJobRepository());
});
