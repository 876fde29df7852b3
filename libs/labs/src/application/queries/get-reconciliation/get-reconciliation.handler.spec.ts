import { NotFoundError } from '@app/common';
import { ReconciliationRun } from '../../ports/reconciliation-run.repository';
import { InMemoryReconciliationRunRepository } from '../../../testing/in-memory-reconciliation-run.repository';
import { GetReconciliationHandler } from './get-reconciliation.handler';
import { GetReconciliationQuery } from './get-reconciliation.query';

const RUN = '7a1e0c4f-0000-4000-8000-000000000001';
const W = '11111111-1111-4111-8111-111111111111';

describe('GetReconciliationHandler', () => {
  let runs: InMemoryReconciliationRunRepository;
  let handler: GetReconciliationHandler;

  const summary: ReconciliationRun['workers'][number] = {
    reconciliationId: RUN,
    workerId: W,
    trigger: 'manual',
    status: 'succeeded',
    mode: 'enforce',
    created: 2,
    updated: 1,
    unchanged: 7,
    orphansRemoved: 1,
    orphansPending: 0,
    restored: 0,
    candidates: [],
    startedAt: '2026-03-01T00:00:00.000Z',
    finishedAt: '2026-03-01T00:00:02.000Z',
    durationMs: 2000,
  };

  beforeEach(async () => {
    runs = new InMemoryReconciliationRunRepository();
    handler = new GetReconciliationHandler(runs);
    await runs.create({
      id: RUN,
      trigger: 'manual',
      status: 'running',
      startedAt: '2026-03-01T00:00:00Z',
      finishedAt: null,
      workersTotal: 3,
      workersDone: 0,
      workers: [],
    });
  });

  it('returns a running run with the summaries recorded so far, its progress and no finish time', async () => {
    await runs.appendSummary(RUN, summary);
    await expect(handler.execute(new GetReconciliationQuery(RUN))).resolves.toEqual({
      id: RUN,
      trigger: 'manual',
      status: 'running',
      startedAt: '2026-03-01T00:00:00.000Z',
      finishedAt: null,
      workersTotal: 3,
      workersDone: 1,
      workers: [summary],
    });
  });

  it('returns a finished run with its finish time and status', async () => {
    await runs.finish(RUN, new Date('2026-03-01T00:00:05Z'), 'failed');
    await expect(handler.execute(new GetReconciliationQuery(RUN))).resolves.toMatchObject({
      status: 'failed',
      finishedAt: '2026-03-01T00:00:05.000Z',
      workers: [],
    });
  });

  it('is a 404 naming the run when there is no such run', async () => {
    const unknown = '7a1e0c4f-0000-4000-8000-0000000000ff';
    const error = await handler.execute(new GetReconciliationQuery(unknown)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(`Reconciliation ${unknown} not found`);
  });
});
