import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, UpstreamFailureError } from '@app/common';
import { BulkDeleteJob } from '../../domain/bulk-delete/bulk-delete-job';
import { bulkDeleteHarness, deferred, settle, WORKER_A, WORKER_B } from '../../testing/bulk-delete-harness';
import { DeleteLabCommand, DeleteLabResult } from '../commands/delete-lab/delete-lab.command';
import { jobLeaseKey } from './bulk-delete-job-runner';

const REQUESTER = { subject: 'op-1', username: 'olga', isAdmin: false };
const labId = (i: number) => `00000000-0000-4000-8c00-${String(i).padStart(12, '0')}`;
const ok = (c: DeleteLabCommand): DeleteLabResult => ({
  workerId: c.workerId,
  labId: c.labId,
  message: 'Lab deleted successfully',
  alreadyAbsentInCml: false,
  localRecordRemoved: true,
});

/** A stored job of `perWorker` labs on each of the two workers. */
async function storedJob(h: ReturnType<typeof bulkDeleteHarness>, perWorker: number, force = false) {
  const labs = Array.from({ length: perWorker }, (_, i) => [
    { workerId: WORKER_A, labId: labId(i) },
    { workerId: WORKER_B, labId: labId(100 + i) },
  ]).flat();
  const job = BulkDeleteJob.start({
    id: randomUUID(),
    filter: { owner: 'alice' },
    force,
    requestedBy: REQUESTER,
    labs,
    now: h.clock.now(),
  });
  await h.jobs.create(job);
  return job;
}

describe('BulkDeleteJobRunner', () => {
  it('runs at most BULK_DELETE_CONCURRENCY_PER_WORKER deletes on a worker at once, the workers in parallel', async () => {
    const h = bulkDeleteHarness({ concurrencyPerWorker: 2 });
    const job = await storedJob(h, 5);
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    const waiting: (() => void)[] = [];
    h.commands.answer(DeleteLabCommand, async (c) => {
      inFlight.set(c.workerId, (inFlight.get(c.workerId) ?? 0) + 1);
      peak.set(c.workerId, Math.max(peak.get(c.workerId) ?? 0, inFlight.get(c.workerId)!));
      const answer = deferred();
      waiting.push(answer.resolve);
      await answer.promise;
      inFlight.set(c.workerId, inFlight.get(c.workerId)! - 1);
      return ok(c);
    });
    const run = h.runner.run(job.id);
    await settle();
    // Both workers at their limit before any delete has ended.
    expect(Object.fromEntries(inFlight)).toEqual({ [WORKER_A]: 2, [WORKER_B]: 2 });
    while (waiting.length > 0) {
      waiting.shift()!();
      await settle();
    }
    await run;
    expect(Object.fromEntries(peak)).toEqual({ [WORKER_A]: 2, [WORKER_B]: 2 });
    expect(h.commands.executedOf(DeleteLabCommand)).toHaveLength(10);
    expect(await h.getJob.execute({ jobId: job.id } as never)).toMatchObject({
      status: 'succeeded',
      done: 10,
      total: 10,
    });
  });

  it('shows progress while it runs: each outcome is written as the item ends', async () => {
    const h = bulkDeleteHarness({ concurrencyPerWorker: 1 });
    const job = await storedJob(h, 2);
    const answers = new Map<string, ReturnType<typeof deferred<void>>>();
    h.commands.answer(DeleteLabCommand, async (c) => {
      const answer = deferred();
      answers.set(c.labId, answer);
      await answer.promise;
      return ok(c);
    });
    const run = h.runner.run(job.id);
    await settle();
    answers.get(labId(0))!.resolve();
    await settle();
    expect(await h.getJob.execute({ jobId: job.id } as never)).toMatchObject({
      status: 'running',
      done: 1,
      total: 4,
    });
    for (const id of [labId(100), labId(1), labId(101)]) {
      await settle();
      answers.get(id)!.resolve();
    }
    await run;
    expect(await h.getJob.execute({ jobId: job.id } as never)).toMatchObject({
      status: 'succeeded',
      done: 4,
    });
  });

  it('records a failed delete with its status and detail, goes on with the others, and ends failed', async () => {
    const h = bulkDeleteHarness();
    const job = await storedJob(h, 2);
    h.commands.answer(DeleteLabCommand, (c) => {
      if (c.labId === labId(1))
        throw new ConflictError(
          `Lab ${c.labId} is STARTED; it must be stopped and wiped before it can be deleted (or use force=true)`,
        );
      if (c.labId === labId(100)) throw new UpstreamFailureError('CML answered 500 deleting lab');
      return ok(c);
    });
    await h.runner.run(job.id);
    expect(h.commands.executedOf(DeleteLabCommand)).toHaveLength(4);
    expect(await h.getJob.execute({ jobId: job.id } as never)).toEqual({
      id: job.id,
      kind: 'bulk-delete',
      status: 'failed',
      total: 4,
      done: 4,
      failed: [
        { workerId: WORKER_B, labId: labId(100), status: 502, detail: 'CML answered 500 deleting lab' },
        { workerId: WORKER_A, labId: labId(1), status: 409, detail: expect.stringMatching(/is STARTED/) },
      ],
    });
  });

  it('counts a lab absent in CML and locally as already gone (succeeded), and an unexpected error as a 500', async () => {
    const h = bulkDeleteHarness();
    const job = await storedJob(h, 1);
    h.commands.answer(DeleteLabCommand, (c) => {
      if (c.workerId === WORKER_A) throw new NotFoundError('Lab exists neither in CML nor locally');
      throw new Error('secret internals');
    });
    await h.runner.run(job.id);
    expect(await h.getJob.execute({ jobId: job.id } as never)).toMatchObject({
      status: 'failed',
      failed: [
        { workerId: WORKER_B, status: 500, detail: 'The delete failed unexpectedly; see the service log' },
      ],
    });
    expect((await h.jobs.findById(job.id))!.item(0).status).toBe('already_gone');
  });

  it('fails the labs of a worker removed since the job started, without asking Phase 1', async () => {
    const h = bulkDeleteHarness();
    const job = await storedJob(h, 1);
    await h.workers.remove(WORKER_B);
    h.commands.answer(DeleteLabCommand, ok);
    await h.runner.run(job.id);
    expect(h.commands.executedOf(DeleteLabCommand).map((c) => c.workerId)).toEqual([WORKER_A]);
    expect((await h.getJob.execute({ jobId: job.id } as never)).failed).toEqual([
      { workerId: WORKER_B, labId: labId(100), status: 404, detail: `Worker ${WORKER_B} not found` },
    ]);
  });

  it('resumes a job a dead process left: only once its lease has expired, and only the items still pending', async () => {
    const h = bulkDeleteHarness({ jobLeaseMs: 30_000 });
    const job = await storedJob(h, 2);
    // The dead process had deleted one lab and written it, and held the lease.
    const dead = await h.leases.acquire(jobLeaseKey(job.id), 'dead-process', 30_000, h.clock.now());
    job.record(0, { kind: 'deleted' }, h.clock.now());
    await h.jobs.saveProgress(job, [0], dead!.epoch);
    h.commands.answer(DeleteLabCommand, ok);

    await h.runner.run(job.id);
    expect(h.commands.executed).toEqual([]);

    h.clock.advance(30_000);
    await h.runner.run(job.id);
    expect(
      h.commands
        .executedOf(DeleteLabCommand)
        .map((c) => c.labId)
        .sort(),
    ).toEqual([labId(1), labId(100), labId(101)]);
    expect(await h.getJob.execute({ jobId: job.id } as never)).toMatchObject({
      status: 'succeeded',
      done: 4,
    });
    // A late write of the dead process cannot move the job back.
    const stale = BulkDeleteJob.restore({
      ...job.toProps(),
      items: job.toProps().items.map((i) => ({ ...i, status: 'pending' as const })),
    });
    expect(await h.jobs.saveProgress(stale, [1], dead!.epoch)).toBe(false);
  });

  it('on shutdown starts no more deletes, writes the ones in flight and gives the lease back for another process', async () => {
    const h = bulkDeleteHarness({ concurrencyPerWorker: 1 });
    const job = await storedJob(h, 3);
    const first = deferred();
    h.commands.answer(DeleteLabCommand, async (c) => {
      await first.promise;
      return ok(c);
    });
    void h.runner.run(job.id);
    await settle();
    expect(h.commands.executed).toHaveLength(2);
    const shutdown = h.runner.beforeApplicationShutdown();
    first.resolve();
    await shutdown;
    expect(h.commands.executed).toHaveLength(2);
    expect(await h.getJob.execute({ jobId: job.id } as never)).toMatchObject({ status: 'running', done: 2 });

    // Released, not left to expire: another process takes the job at once and finishes it.
    const other = h.newRunner();
    await other.run(job.id);
    expect(h.commands.executed).toHaveLength(6);
    expect(await h.getJob.execute({ jobId: job.id } as never)).toMatchObject({
      status: 'succeeded',
      done: 6,
    });
  });

  it('runs a job once per process, and not at all while another live process holds it', async () => {
    const h = bulkDeleteHarness();
    const job = await storedJob(h, 1);
    const gate = deferred();
    h.commands.answer(DeleteLabCommand, async (c) => {
      await gate.promise;
      return ok(c);
    });
    const a = h.runner.run(job.id);
    expect(h.runner.run(job.id)).toBe(a);
    await settle();
    const other = h.newRunner();
    await other.run(job.id);
    gate.resolve();
    await a;
    expect(h.commands.executed).toHaveLength(2);
  });

  it('keeps an outcome whose write failed due, and writes it with the next one', async () => {
    const h = bulkDeleteHarness({ concurrencyPerWorker: 1 });
    const job = await storedJob(h, 1);
    const save = jest.spyOn(h.jobs, 'saveProgress');
    save.mockRejectedValueOnce(new Error('database away'));
    h.commands.answer(DeleteLabCommand, ok);
    await h.runner.run(job.id);
    expect(await h.getJob.execute({ jobId: job.id } as never)).toMatchObject({
      status: 'succeeded',
      done: 2,
    });
    expect(save.mock.calls.flatMap(([, indexes]) => indexes).sort()).toEqual([0, 0, 1].sort());
  });
});
