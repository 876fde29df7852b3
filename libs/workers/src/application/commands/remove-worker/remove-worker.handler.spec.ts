import { Logger } from '@nestjs/common';
import { NotFoundError } from '@app/common';
import { InMemoryWorkerRepository } from '../../../testing/in-memory-worker.repository';
import { aWorker } from '../../../testing/worker.fixture';
import { WorkerRemovalHook, WorkerRemovalHooks } from '../../worker-removal-hooks';
import { RemoveWorkerCommand } from './remove-worker.command';
import { RemoveWorkerHandler } from './remove-worker.handler';

const W = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

/** What another context keeps per worker, forgotten by its hook. */
class PerWorkerData implements WorkerRemovalHook {
  readonly kept = new Set<string>([W, OTHER]);
  /** For each call: whether the worker still existed when its data went. */
  readonly workerExistedAtRemoval: boolean[] = [];
  failWith: Error | null = null;

  constructor(private readonly workers: InMemoryWorkerRepository) {}

  async beforeWorkerRemoved(workerId: string): Promise<void> {
    this.workerExistedAtRemoval.push((await this.workers.findById(workerId)) !== null);
    if (this.failWith) throw this.failWith;
    this.kept.delete(workerId);
  }
}

describe('RemoveWorkerHandler', () => {
  let workers: InMemoryWorkerRepository;
  let labs: PerWorkerData;
  let handler: RemoveWorkerHandler;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    workers = new InMemoryWorkerRepository();
    workers.seed(aWorker({ id: W }), aWorker({ id: OTHER }));
    labs = new PerWorkerData(workers);
    const hooks = new WorkerRemovalHooks();
    hooks.register(labs);
    handler = new RemoveWorkerHandler(workers, hooks);
  });

  const remove = (workerId = W) => handler.execute(new RemoveWorkerCommand(workerId));

  it('removes the worker after what the other contexts keep for it, and nothing of another worker', async () => {
    await remove();
    expect(await workers.findById(W)).toBeNull();
    expect(labs.kept).toEqual(new Set([OTHER]));
    expect(labs.workerExistedAtRemoval).toEqual([true]);
    expect((await workers.findAll()).map((w) => w.id)).toEqual([OTHER]);
  });

  it('keeps the worker when a hook fails, so that the removal can be asked again', async () => {
    labs.failWith = new Error('database down');
    await expect(remove()).rejects.toThrow('database down');
    expect(await workers.findById(W)).not.toBeNull();

    labs.failWith = null;
    await remove();
    expect(await workers.findById(W)).toBeNull();
    expect(labs.kept.has(W)).toBe(false);
  });

  it('is a 404 for an unknown worker, and nothing is removed', async () => {
    await expect(remove('33333333-3333-4333-8333-333333333333')).rejects.toBeInstanceOf(NotFoundError);
    expect(labs.workerExistedAtRemoval).toEqual([]);
    expect(labs.kept).toEqual(new Set([W, OTHER]));
  });

  it('is a 404 the second time', async () => {
    await remove();
    await expect(remove()).rejects.toThrow(`Worker ${W} not found`);
  });
});
