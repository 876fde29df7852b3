import { randomUUID } from 'node:crypto';
import { BulkDeleteJobRepository } from '../application/ports/bulk-delete-job.repository';
import { BulkDeleteJob } from '../domain/bulk-delete/bulk-delete-job';

const W1 = '6f1c1b8e-2a44-4a4e-8d0b-3b9f4f1d2c01';
const W2 = '9d0e7c55-1111-4a4e-8d0b-3b9f4f1d2c02';
const t0 = new Date('2026-12-01T10:00:00Z');
const t1 = new Date('2026-12-01T10:01:00Z');
const labId = (i: number) => `00000000-0000-4000-8100-${String(i).padStart(12, '0')}`;

export function aBulkDeleteJob(n: number, id: string = randomUUID()): BulkDeleteJob {
  return BulkDeleteJob.start({
    id,
    filter: { titlePrefix: 'CCNA', createdBefore: '2026-11-01T00:00:00.000Z' },
    force: true,
    requestedBy: { subject: 'admin-1', username: 'ada', isAdmin: true },
    labs: Array.from({ length: n }, (_, i) => ({ workerId: i % 2 ? W2 : W1, labId: labId(i) })),
    now: t0,
  });
}

/**
 * The contract of BulkDeleteJobRepository, run against the in-memory port (a unit spec) and the
 * Mongo repository on FerretDB (an int-spec), so that handler specs over the first tell the truth.
 */
export function bulkDeleteJobRepositoryContract(repository: () => BulkDeleteJobRepository): void {
  let repo: BulkDeleteJobRepository;
  beforeEach(() => (repo = repository()));

  it('stores a job and reads it back as it was', async () => {
    const job = aBulkDeleteJob(3);
    await repo.create(job);
    expect((await repo.findById(job.id))!.toProps()).toEqual(job.toProps());
    expect(await repo.findById(randomUUID())).toBeNull();
  });

  it('refuses a second job with the same id', async () => {
    const job = aBulkDeleteJob(1);
    await repo.create(job);
    await expect(repo.create(aBulkDeleteJob(2, job.id))).rejects.toThrow(/duplicate key|E11000/);
  });

  it('writes the outcomes of the items named, and the end of the job', async () => {
    const job = aBulkDeleteJob(3);
    await repo.create(job);
    job.record(0, { kind: 'deleted' }, t1);
    job.record(2, { kind: 'failed', status: 409, detail: 'Lab is STARTED' }, t1);
    expect(await repo.saveProgress(job, [0, 2], 1)).toBe(true);
    const read = (await repo.findById(job.id))!;
    expect(read).toMatchObject({ status: 'running', done: 2, total: 3 });
    expect(read.failed).toEqual([{ workerId: W1, labId: labId(2), status: 409, detail: 'Lab is STARTED' }]);

    job.record(1, { kind: 'already_gone' }, t1);
    expect(await repo.saveProgress(job, [1], 1)).toBe(true);
    expect((await repo.findById(job.id))!.toProps()).toEqual(job.toProps());
    expect((await repo.findById(job.id))!).toMatchObject({ status: 'failed', finishedAt: t1 });
  });

  it('writes only the items named: an outcome not named stays pending in the store', async () => {
    const job = aBulkDeleteJob(2);
    await repo.create(job);
    job.record(0, { kind: 'deleted' }, t1);
    job.record(1, { kind: 'deleted' }, t1);
    await repo.saveProgress(job, [1], 1);
    const read = (await repo.findById(job.id))!;
    expect(read.pendingItems().map((p) => p.index)).toEqual([0]);
  });

  it('refuses a progress write of an older fence once a newer one wrote', async () => {
    const job = aBulkDeleteJob(2);
    await repo.create(job);
    const stale = BulkDeleteJob.restore(job.toProps());
    job.record(0, { kind: 'deleted' }, t1);
    expect(await repo.saveProgress(job, [0], 2)).toBe(true);
    stale.record(0, { kind: 'failed', status: 502, detail: 'late' }, t1);
    expect(await repo.saveProgress(stale, [0], 1)).toBe(false);
    expect((await repo.findById(job.id))!.item(0).status).toBe('deleted');
    expect(await repo.saveProgress(stale, [0], 1)).toBe(false);
    // The same fence may go on writing.
    job.record(1, { kind: 'deleted' }, t1);
    expect(await repo.saveProgress(job, [1], 2)).toBe(true);
  });

  it('finds the running jobs, and not the finished ones', async () => {
    const running = aBulkDeleteJob(1);
    const finished = aBulkDeleteJob(1);
    const empty = aBulkDeleteJob(0);
    await Promise.all([repo.create(running), repo.create(finished), repo.create(empty)]);
    finished.record(0, { kind: 'deleted' }, t1);
    await repo.saveProgress(finished, [0], 1);
    const ids = await repo.findRunningIds();
    expect(ids).toContain(running.id);
    expect(ids).not.toContain(finished.id);
    expect(ids).not.toContain(empty.id);
  });
}
