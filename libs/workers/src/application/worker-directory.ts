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
  /**
   * Decrypted connections by worker id, each valid for the stored version it was opened from: a
   * delete or a refresh then costs no decryption, and any change of the worker (a new password, a
   * new endpoint) is a new version, so a stale connection is never handed out.
   */
  private readonly connections = new Map<
    string,
    { version: number; ciphertext: string; connection: WorkerConnection }
  >();

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
    const cached = this.connections.get(p.id);
    if (cached && cached.version === p.version && cached.ciphertext === p.passwordCiphertext)
      return { ...cached.connection };
    const connection: WorkerConnection = {
      workerId: p.id,
      endpoint: p.endpoint,
      username: p.username,
      password: this.cipher.decrypt(p.passwordCiphertext, p.id),
      verifyTls: p.verifyTls,
      caCertPem: p.caCertPem,
    };
    this.connections.set(p.id, { version: p.version, ciphertext: p.passwordCiphertext, connection });
    return { ...connection };
  }

  /** Forgets the decrypted connection of a removed worker. */
  forget(workerId: string): void {
    this.connections.delete(workerId);
  }
}
