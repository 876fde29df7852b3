import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/common';
import { Worker } from '../domain/worker';
import { SecretCipher } from './ports/secret-cipher';
import { WorkerRepository } from './ports/worker.repository';

export interface WorkerConnection {
  workerId: string;
  endpoint: string;
  username: string;
  password: string;
  verifyTls: boolean;
  caCertPem: string | null;
}

/** What other contexts need of a worker: find it, and the credentials to reach its controller. */
@Injectable()
export class WorkerDirectory {
  constructor(
    private readonly workers: WorkerRepository,
    private readonly cipher: SecretCipher,
  ) {}

  async require(workerId: string): Promise<Worker> {
    const worker = await this.workers.findById(workerId);
    if (!worker) throw new NotFoundError(`Worker ${workerId} not found`);
    return worker;
  }

  all(): Promise<Worker[]> {
    return this.workers.findAll();
  }

  connectionOf(worker: Worker): WorkerConnection {
    const p = worker.toProps();
    return {
      workerId: p.id,
      endpoint: p.endpoint,
      username: p.username,
      password: this.cipher.decrypt(p.passwordCiphertext, p.id),
      verifyTls: p.verifyTls,
      caCertPem: p.caCertPem,
    };
  }
}
