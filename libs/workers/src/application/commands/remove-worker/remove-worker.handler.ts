import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@app/common';
import { WorkerRemovalHooks } from '../../worker-removal-hooks';
import { WorkerRepository } from '../../ports/worker.repository';
import { RemoveWorkerCommand } from './remove-worker.command';

/**
 * Forgets a worker locally; labs in CML are never touched. What other contexts keep for it (lab
 * records, sync state) goes first, so that a failure half-way leaves a worker that can be removed
 * again rather than records nobody can reach.
 */
@CommandHandler(RemoveWorkerCommand)
export class RemoveWorkerHandler implements ICommandHandler<RemoveWorkerCommand, void> {
  private readonly logger = new Logger(RemoveWorkerHandler.name);

  constructor(
    private readonly workers: WorkerRepository,
    private readonly removalHooks: WorkerRemovalHooks,
  ) {}

  async execute({ workerId }: RemoveWorkerCommand): Promise<void> {
    const worker = await this.workers.findById(workerId);
    if (!worker) throw new NotFoundError(`Worker ${workerId} not found`);
    await this.removalHooks.runBefore(workerId);
    await this.workers.remove(workerId);
    this.logger.log({ workerId }, 'worker removed');
  }
}
