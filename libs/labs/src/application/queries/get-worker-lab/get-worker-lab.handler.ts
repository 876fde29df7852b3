import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { LabRecordRepository } from '../../ports/lab-record.repository';
import { WorkerSyncStateRepository } from '../../ports/worker-sync-state.repository';
import { LabView, toLabView } from '../../lab.view';
import { GetWorkerLabQuery } from './get-worker-lab.query';

@QueryHandler(GetWorkerLabQuery)
export class GetWorkerLabHandler implements IQueryHandler<GetWorkerLabQuery, LabView> {
  constructor(
    private readonly directory: WorkerDirectory,
    private readonly labs: LabRecordRepository,
    private readonly syncStates: WorkerSyncStateRepository,
  ) {}

  async execute({ workerId, labId }: GetWorkerLabQuery): Promise<LabView> {
    await this.directory.require(workerId);
    const record = await this.labs.findOne(workerId, labId);
    if (!record || record.isRemoved) throw new NotFoundError(`Lab ${labId} not found on worker ${workerId}`);
    return toLabView(record, (await this.syncStates.find(workerId)).lastSuccessfulSyncAt);
  }
}
