import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Clock } from '@app/common';
import { Worker } from '../../../domain/worker';
import { EndpointGuard } from '../../endpoint-guard';
import { SecretCipher } from '../../ports/secret-cipher';
import { WorkerRepository } from '../../ports/worker.repository';
import { toWorkerView, WorkerView } from '../../worker.view';
import { RegisterWorkerCommand } from './register-worker.command';

/**
 * Registers a CML controller. Nothing remote is checked: the controller may be offline today. Only
 * the endpoint's DNS answer is, so it cannot point at loopback or cloud metadata (SSRF).
 */
@CommandHandler(RegisterWorkerCommand)
export class RegisterWorkerHandler implements ICommandHandler<RegisterWorkerCommand, WorkerView> {
  private readonly logger = new Logger(RegisterWorkerHandler.name);

  constructor(
    private readonly workers: WorkerRepository,
    private readonly cipher: SecretCipher,
    private readonly clock: Clock,
    private readonly endpointGuard: EndpointGuard,
  ) {}

  async execute({ input }: RegisterWorkerCommand): Promise<WorkerView> {
    const id = randomUUID();
    const worker = Worker.register(
      {
        id,
        name: input.name,
        endpoint: input.endpoint,
        username: input.username,
        passwordCiphertext: this.cipher.encrypt(input.password, id),
        verifyTls: input.verifyTls ?? true,
        caCertPem: input.caCertPem ?? null,
        enabled: input.enabled,
        reconcileMode: input.reconcileMode,
      },
      this.clock.now(),
    );
    await this.endpointGuard.assertAllowed(worker.endpoint);
    await this.workers.insert(worker);
    this.logger.log({ workerId: worker.id, endpoint: worker.endpoint }, 'worker registered');
    return toWorkerView(worker);
  }
}
