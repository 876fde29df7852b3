import { InvalidInputError, NotFoundError } from '@app/common';
import { BulkDeleteFilter } from '../../../domain/bulk-delete/bulk-delete-filter';
import { bulkDeleteHarness, WORKER_A, WORKER_B } from '../../../testing/bulk-delete-harness';
import { DeleteLabCommand } from '../delete-lab/delete-lab.command';
import { StartBulkDeleteCommand } from './start-bulk-delete.command';

const OPERATOR = { subject: 'op-1', username: 'olga', isAdmin: false };

describe('StartBulkDeleteHandler', () => {
  it('a dry run lists exactly the labs the filter selects, on every worker, and changes nothing', async () => {
    const h = bulkDeleteHarness();
    const a = await h.seedLabs(WORKER_A, 4, (i) => ({ title: i % 2 ? `CCNA ${i}` : `Other ${i}` }));
    const b = await h.seedLabs(WORKER_B, 3, (i) => ({
      title: `CCNA ${i}`,
      state: i === 2 ? 'STARTED' : 'DEFINED_ON_CORE',
    }));
    const result = await h.start.execute(
      new StartBulkDeleteCommand(
        BulkDeleteFilter.of({ titlePrefix: 'CCNA', state: 'DEFINED_ON_CORE' }),
        false,
        true,
        OPERATOR,
      ),
    );
    expect(result).toEqual({
      dryRun: true,
      total: 4,
      items: [
        { workerId: WORKER_A, labId: a[1], title: 'CCNA 1', owner: 'u', state: 'DEFINED_ON_CORE' },
        { workerId: WORKER_A, labId: a[3], title: 'CCNA 3', owner: 'u', state: 'DEFINED_ON_CORE' },
        { workerId: WORKER_B, labId: b[0], title: 'CCNA 0', owner: 'u', state: 'DEFINED_ON_CORE' },
        { workerId: WORKER_B, labId: b[1], title: 'CCNA 1', owner: 'u', state: 'DEFINED_ON_CORE' },
      ],
    });
    expect(h.commands.executed).toEqual([]);
    expect(await h.jobs.findRunningIds()).toEqual([]);
  });

  it('reads the inventory a page at a time, and lists at most BULK_DELETE_MAX_LABS while counting all', async () => {
    const h = bulkDeleteHarness({ maxLabs: 600 });
    await h.seedLabs(WORKER_A, 1200);
    const page = jest.spyOn(h.labs, 'page');
    const result = await h.start.execute(
      new StartBulkDeleteCommand(BulkDeleteFilter.of({ workerIds: [WORKER_A] }), false, true, OPERATOR),
    );
    expect(result).toMatchObject({ dryRun: true, total: 1200 });
    expect(result.dryRun && result.items).toHaveLength(600);
    // 1,200 records in pages of 500: three reads, never the whole worker at once.
    expect(page).toHaveBeenCalledTimes(3);
    expect(page.mock.calls.every(([, f]) => f.limit === 500)).toBe(true);
  });

  it('answers 404 for a worker id that names no worker, before anything is done', async () => {
    const h = bulkDeleteHarness();
    const filter = BulkDeleteFilter.of({ workerIds: [WORKER_A, '00000000-0000-4000-8000-000000000000'] });
    await expect(h.start.execute(new StartBulkDeleteCommand(filter, false, false, OPERATOR))).rejects.toThrow(
      NotFoundError,
    );
    expect(await h.jobs.findRunningIds()).toEqual([]);
  });

  it('stores a job of the selected labs, then deletes each through Phase 1 as the requester', async () => {
    const h = bulkDeleteHarness();
    const a = await h.seedLabs(WORKER_A, 2);
    const b = await h.seedLabs(WORKER_B, 1);
    const created = jest.spyOn(h.jobs, 'create');
    const result = await h.start.execute(
      new StartBulkDeleteCommand(BulkDeleteFilter.of({ owner: 'alice' }), true, false, {
        ...OPERATOR,
        isAdmin: true,
      }),
    );
    if (result.dryRun) throw new Error('expected a job');
    // Stored before the first delete: a crash from here on leaves a job to resume.
    expect(created).toHaveBeenCalledTimes(1);
    // The run in flight (run() hands back the one this process has started).
    await h.runner.run(result.jobId);
    const deletes = h.commands.executedOf(DeleteLabCommand);
    expect(deletes.map((c) => [c.workerId, c.labId])).toEqual(
      expect.arrayContaining([
        [WORKER_A, a[0]],
        [WORKER_A, a[1]],
        [WORKER_B, b[0]],
      ]),
    );
    expect(deletes).toHaveLength(3);
    expect(deletes.every((c) => c.force && c.deletedBy === 'op-1' && c.requester.isAdmin)).toBe(true);
    expect(await h.getJob.execute({ jobId: result.jobId } as never)).toEqual({
      id: result.jobId,
      kind: 'bulk-delete',
      status: 'succeeded',
      total: 3,
      done: 3,
      failed: [],
    });
  });

  it('a job that selects nothing has succeeded at once, and deletes nothing', async () => {
    const h = bulkDeleteHarness();
    await h.seedLabs(WORKER_A, 2);
    const result = await h.start.execute(
      new StartBulkDeleteCommand(BulkDeleteFilter.of({ titlePrefix: 'nothing' }), false, false, OPERATOR),
    );
    if (result.dryRun) throw new Error('expected a job');
    expect(await h.getJob.execute({ jobId: result.jobId } as never)).toMatchObject({
      status: 'succeeded',
      total: 0,
    });
    expect(h.commands.executed).toEqual([]);
  });

  it('refuses a filter that selects more than BULK_DELETE_MAX_LABS, storing and deleting nothing', async () => {
    const h = bulkDeleteHarness({ maxLabs: 2 });
    await h.seedLabs(WORKER_A, 3);
    const run = h.start.execute(
      new StartBulkDeleteCommand(BulkDeleteFilter.of({ owner: 'alice' }), false, false, OPERATOR),
    );
    await expect(run).rejects.toThrow(InvalidInputError);
    await expect(run).rejects.toThrow(/selects 3 labs; one bulk delete takes at most 2/);
    expect(await h.jobs.findRunningIds()).toEqual([]);
    expect(h.commands.executed).toEqual([]);
  });
});
