import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CmlClientFactory } from '@app/cml-client';
import { WorkerDirectory, WorkerRemovalHook, WorkerRemovalHooks } from '@app/workers';
import { LabRecordRepository } from './ports/lab-record.repository';
import { WorkerSyncStateRepository } from './ports/worker-sync-state.repository';

/**
 * When a worker is removed: its lab records and sync state go, and its cached CML client (with
 * the connections and the token of the removed credentials) and decrypted connection are dropped.
 */
@Injectable()
export class WorkerLabsCleanup implements WorkerRemovalHook, OnModuleInit {
  private readonly logger = new Logger(WorkerLabsCleanup.name);

  constructor(
    private readonly hooks: WorkerRemovalHooks,
    private readonly labs: LabRecordRepository,
    private readonly syncStates: WorkerSyncStateRepository,
    private readonly cml: CmlClientFactory,
    private readonly directory: WorkerDirectory,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  async beforeWorkerRemoved(workerId: string): Promise<void> {
    const labRecordsRemoved = await this.labs.removeAllForWorker(workerId);
    await this.syncStates.remove(workerId);
    this.cml.evict(workerId);
    this.directory.forget(workerId);
    this.logger.log(
      { workerId, labRecordsRemoved },
      'lab records and sync state of the removed worker deleted',
    );
  }
}
