import { InMemoryReconciliationRunRepository } from '../../../testing/in-memory-reconciliation-run.repository';
import { ListReconciliationsHandler } from './list-reconciliations.handler';
import { ListReconciliationsQuery } from './list-reconciliations.query';

describe('ListReconciliationsHandler', () => {
  let runs: InMemoryReconciliationRunRepository;
  let handler: ListReconciliationsHandler;

  beforeEach(() => {
    runs = new InMemoryReconciliationRunRepository();
    handler = new ListReconciliationsHandler(runs);
  });

  /** Runs started one minute apart, created out of order. */
  async function runsStartedAt(...minutes: number[]): Promise<void> {
    for (const m of minutes) {
      await runs.create({
        id: `run-${m}`,
        trigger: m % 2 === 0 ? 'scheduled' : 'manual',
        status: 'running',
        workersTotal: 0,
        workersDone: 0,
        startedAt: new Date(Date.UTC(2026, 2, 1, 0, m)).toISOString(),
        finishedAt: null,
        workers: [],
      });
    }
  }

  it('lists the runs newest first', async () => {
    await runsStartedAt(2, 0, 3, 1);
    const { items } = await handler.execute(new ListReconciliationsQuery(10));
    expect(items.map((r) => [r.id, r.trigger])).toEqual([
      ['run-3', 'manual'],
      ['run-2', 'scheduled'],
      ['run-1', 'manual'],
      ['run-0', 'scheduled'],
    ]);
  });

  it('returns at most `limit` runs, the newest ones', async () => {
    await runsStartedAt(0, 1, 2, 3, 4);
    const { items } = await handler.execute(new ListReconciliationsQuery(2));
    expect(items.map((r) => r.id)).toEqual(['run-4', 'run-3']);
  });

  it('returns the 50 newest when no limit is given', async () => {
    await runsStartedAt(...Array.from({ length: 55 }, (_, i) => i));
    const { items } = await handler.execute(new ListReconciliationsQuery());
    expect(items).toHaveLength(50);
    expect(items[0].id).toBe('run-54');
    expect(items[49].id).toBe('run-5');
  });

  it('is an empty list before the first run', async () => {
    await expect(handler.execute(new ListReconciliationsQuery())).resolves.toEqual({ items: [] });
  });
});
