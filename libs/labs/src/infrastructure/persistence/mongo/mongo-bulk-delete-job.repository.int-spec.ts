import mongoose, { Connection, Model } from 'mongoose';
import { SystemClock } from '@app/common';
import { testDatabaseUri } from '../../../../../../test/support/test-database';
import {
  aBulkDeleteJob,
  bulkDeleteJobRepositoryContract,
} from '../../../testing/bulk-delete-job-repository.contract';
import { BulkDeleteJobDocument, BulkDeleteJobSchema } from './bulk-delete-job.schema';
import { MongoBulkDeleteJobRepository } from './mongo-bulk-delete-job.repository';

describe('MongoBulkDeleteJobRepository (real FerretDB)', () => {
  let connection: Connection;
  let model: Model<BulkDeleteJobDocument>;

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('bulk_jobs')).asPromise();
    model = connection.model<BulkDeleteJobDocument>(BulkDeleteJobDocument.name, BulkDeleteJobSchema);
    await model.init();
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  bulkDeleteJobRepositoryContract(() => new MongoBulkDeleteJobRepository(model, new SystemClock()));

  it('stores the derived counts beside the items, and a progress write names only the changed items', async () => {
    const repo = new MongoBulkDeleteJobRepository(model, new SystemClock());
    const job = aBulkDeleteJob(1000);
    await repo.create(job);
    expect(await model.findById(job.id).lean()).toMatchObject({
      kind: 'bulk-delete',
      status: 'running',
      total: 1000,
      done: 0,
      failedCount: 0,
      fence: 0,
    });
    job.record(999, { kind: 'failed', status: 502, detail: 'CML failed' }, new Date());
    const started = performance.now();
    await repo.saveProgress(job, [999], 1);
    const ms = performance.now() - started;
    const doc = (await model.findById(job.id).lean())!;
    expect(doc).toMatchObject({ status: 'running', done: 1, failedCount: 1, fence: 1 });
    expect(doc.items[999]).toEqual({
      workerId: job.item(999).workerId,
      labId: job.item(999).labId,
      status: 'failed',
      failure: { status: 502, detail: 'CML failed' },
    });
    expect(doc.items[998].status).toBe('pending');
    // One update of a 1,000-item job: a round trip, not a rewrite per item.
    expect(ms).toBeLessThan(2000);
  });
});
