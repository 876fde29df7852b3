import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { LabRecordRepository } from '../../ports/lab-record.repository';
import { LabView, toLabView } from '../../lab.view';
import { GetWorkerLabQuery } from './get-worker-lab.query';

@QueryHandler(GetWorkerLabQuery)
export class GetWorkerLabHandler implements IQueryHandler<GetWorkerLabQuery, LabView> {
  constructor(
    private readonly directory: WorkerDirectory,
    private readonly labs: LabRecordRepository,
  ) {}

  async execute({ workerId, labId }: GetWorkerLabQuery): Promise<LabView> {
    const worker = await this.directory.require(workerId);
    const record = await this.labs.findOne(workerId, labId);
    if (!record || record.isRemoved) throw new NotFoundError(`Lab ${labId} not found on worker ${workerId}`);
    return toLabView(record, worker.toProps().lastSuccessfulSyncAt);
  }
}
