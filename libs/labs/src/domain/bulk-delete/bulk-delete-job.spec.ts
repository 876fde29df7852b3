import fc from 'fast-check';
import { BulkDeleteJob, BulkDeleteOutcome } from './bulk-delete-job';

const W1 = '6f1c1b8e-2a44-4a4e-8d0b-3b9f4f1d2c01';
const W2 = '9d0e7c55-1111-4a4e-8d0b-3b9f4f1d2c02';
const t0 = new Date('2026-12-01T10:00:00Z');
const t1 = new Date('2026-12-01T10:05:00Z');
const labId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

const aJob = (n: number) =>
  BulkDeleteJob.start({
    id: 'job-1',
    filter: { titlePrefix: 'CCNA' },
    force: false,
    requestedBy: { subject: 'op-1', username: 'olga', isAdmin: false },
    labs: Array.from({ length: n }, (_, i) => ({ workerId: i % 2 ? W2 : W1, labId: labId(i) })),
    now: t0,
  });

describe('BulkDeleteJob', () => {
  it('starts running with every item pending', () => {
    const job = aJob(3);
    expect(job).toMatchObject({ status: 'running', total: 3, done: 0, failed: [], finishedAt: null });
    expect(job.pendingItems()).toEqual([
      { index: 0, workerId: W1, labId: labId(0) },
      { index: 1, workerId: W2, labId: labId(1) },
      { index: 2, workerId: W1, labId: labId(2) },
    ]);
  });

  it('a job of no labs has succeeded at once', () => {
    expect(aJob(0)).toMatchObject({ status: 'succeeded', total: 0, done: 0, finishedAt: t0 });
  });

  it('succeeds when every item was deleted or already gone, and finishes with the last one', () => {
    const job = aJob(2);
    job.record(0, { kind: 'deleted' }, t0);
    expect(job).toMatchObject({ status: 'running', done: 1, finishedAt: null });
    job.record(1, { kind: 'already_gone' }, t1);
    expect(job).toMatchObject({ status: 'succeeded', done: 2, failed: [], finishedAt: t1 });
  });

  it('lists failures while running, and is failed once all ended with any failure (a partial job)', () => {
    const job = aJob(3);
    job.record(1, { kind: 'failed', status: 409, detail: 'Lab is STARTED' }, t0);
    expect(job).toMatchObject({
      status: 'running',
      done: 1,
      failed: [{ workerId: W2, labId: labId(1), status: 409, detail: 'Lab is STARTED' }],
    });
    job.record(0, { kind: 'deleted' }, t1);
    job.record(2, { kind: 'deleted' }, t1);
    expect(job).toMatchObject({ status: 'failed', done: 3, finishedAt: t1 });
    expect(job.failed).toHaveLength(1);
  });

  it('records an item once: a second outcome is ignored', () => {
    const job = aJob(1);
    expect(job.record(0, { kind: 'deleted' }, t0)).toBe(true);
    expect(job.record(0, { kind: 'failed', status: 502, detail: 'x' }, t1)).toBe(false);
    expect(job).toMatchObject({ status: 'succeeded', failed: [], finishedAt: t0 });
  });

  it('refuses an item it does not have', () => {
    expect(() => aJob(1).record(1, { kind: 'deleted' }, t0)).toThrow(/no item 1/);
  });

  it('restores what it stored, without sharing it', () => {
    const job = aJob(2);
    job.record(0, { kind: 'failed', status: 504, detail: 'timeout' }, t0);
    const props = job.toProps();
    const again = BulkDeleteJob.restore(props);
    props.items[0].status = 'deleted';
    expect(again.toProps()).toEqual(job.toProps());
    expect(again.item(0)).toEqual({
      workerId: W1,
      labId: labId(0),
      status: 'failed',
      failure: { status: 504, detail: 'timeout' },
    });
  });

  it('status rule: running iff any pending; else failed iff any failed; done counts every ended item', () => {
    const outcome = fc.option(
      fc.oneof(
        fc.constant<BulkDeleteOutcome>({ kind: 'deleted' }),
        fc.constant<BulkDeleteOutcome>({ kind: 'already_gone' }),
        fc.constant<BulkDeleteOutcome>({ kind: 'failed', status: 502, detail: 'CML failed' }),
      ),
      { nil: undefined },
    );
    fc.assert(
      fc.property(fc.array(outcome, { minLength: 1, maxLength: 20 }), (outcomes) => {
        const job = aJob(outcomes.length);
        outcomes.forEach((o, i) => o && job.record(i, o, t1));
        const ended = outcomes.filter((o) => o !== undefined);
        expect(job.done).toBe(ended.length);
        expect(job.failed).toHaveLength(ended.filter((o) => o!.kind === 'failed').length);
        const expected =
          ended.length < outcomes.length
            ? 'running'
            : ended.some((o) => o!.kind === 'failed')
              ? 'failed'
              : 'succeeded';
        expect(job.status).toBe(expected);
        expect(job.finishedAt).toEqual(expected === 'running' ? null : t1);
        expect(job.pendingItems()).toHaveLength(outcomes.length - ended.length);
      }),
    );
  });
});
