import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@app/common';
import { WorkerLabsCleaner } from '../../ports/worker-labs-cleaner';
import { WorkerRepository } from '../../ports/worker.repository';
import { RemoveWorkerCommand } from './remove-worker.command';

/**
 * Forgets a worker locally; labs in CML are never touched. Lab records go first, so that a
 * failure half-way leaves a worker that can be removed again rather than records nobody can reach.
 */
@CommandHandler(RemoveWorkerCommand)
export class RemoveWorkerHandler implements ICommandHandler<RemoveWorkerCommand, void> {
  private readonly logger = new Logger(RemoveWorkerHandler.name);

  constructor(
    private readonly workers: WorkerRepository,
    private readonly labsCleaner: WorkerLabsCleaner,
  ) {}

  async execute({ workerId }: RemoveWorkerCommand): Promise<void> {
    const worker = await this.workers.findById(workerId);
    if (!worker) throw new NotFoundError(`Worker ${workerId} not found`);
    const labRecordsRemoved = await this.labsCleaner.removeAllForWorker(workerId);
    await this.workers.remove(workerId);
    this.logger.log({ workerId, labRecordsRemoved }, 'worker removed');
  }
}
