import { NotFoundError } from '@app/common';
import { InMemoryWorkerRepository } from '../../../testing/in-memory-worker.repository';
import { aWorker } from '../../../testing/worker.fixture';
import { GetWorkerHandler } from './get-worker.handler';
import { GetWorkerQuery } from './get-worker.query';

const W = '11111111-1111-4111-8111-111111111111';
const registeredAt = new Date('2026-01-01T00:00:00Z');

describe('GetWorkerHandler', () => {
  let workers: InMemoryWorkerRepository;
  let handler: GetWorkerHandler;

  beforeEach(() => {
    workers = new InMemoryWorkerRepository();
    workers.seed(
      aWorker(
        {
          id: W,
          name: 'Controller A',
          endpoint: 'https://cml-a.lab.test',
          verifyTls: false,
          reconcileMode: 'observe',
        },
        registeredAt,
      ),
    );
    handler = new GetWorkerHandler(workers);
  });

  it('returns the stored settings and nothing else: no username, no password', async () => {
    await expect(handler.execute(new GetWorkerQuery(W))).resolves.toEqual({
      id: W,
      name: 'Controller A',
      endpoint: 'https://cml-a.lab.test',
      verifyTls: false,
      enabled: true,
      reconcileMode: 'observe',
      createdAt: registeredAt.toISOString(),
      updatedAt: registeredAt.toISOString(),
    });
  });

  it('is a 404 naming the worker when there is no such worker', async () => {
    const unknown = '33333333-3333-4333-8333-333333333333';
    const error = await handler.execute(new GetWorkerQuery(unknown)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(`Worker ${unknown} not found`);
  });
});
