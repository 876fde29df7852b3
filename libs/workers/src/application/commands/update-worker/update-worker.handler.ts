import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock, ConflictError, NotFoundError } from '@app/common';
import { EndpointGuard } from '../../endpoint-guard';
import { SecretCipher } from '../../ports/secret-cipher';
import { WorkerRepository } from '../../ports/worker.repository';
import { toWorkerView, WorkerView } from '../../worker.view';
import { UpdateWorkerCommand } from './update-worker.command';

@CommandHandler(UpdateWorkerCommand)
export class UpdateWorkerHandler implements ICommandHandler<UpdateWorkerCommand, WorkerView> {
  private readonly logger = new Logger(UpdateWorkerHandler.name);

  constructor(
    private readonly workers: WorkerRepository,
    private readonly cipher: SecretCipher,
    private readonly clock: Clock,
    private readonly endpointGuard: EndpointGuard,
  ) {}

  async execute({ workerId, changes }: UpdateWorkerCommand): Promise<WorkerView> {
    const worker = await this.workers.findById(workerId);
    if (!worker) throw new NotFoundError(`Worker ${workerId} not found`);
    const { password, ...rest } = changes;
    const previousEndpoint = worker.endpoint;
    const { connectionChanged } = worker.apply(
      {
        ...rest,
        ...(password !== undefined ? { passwordCiphertext: this.cipher.encrypt(password, workerId) } : {}),
      },
      this.clock.now(),
    );
    if (worker.endpoint !== previousEndpoint) {
      await this.endpointGuard.assertAllowed(worker.endpoint);
    }
    if (!(await this.workers.save(worker))) {
      throw new ConflictError(`Worker ${workerId} was changed concurrently; read it again and retry`);
    }
    this.logger.log({ workerId, connectionChanged, fields: Object.keys(changes) }, 'worker updated');
    return toWorkerView(worker);
  }
}
