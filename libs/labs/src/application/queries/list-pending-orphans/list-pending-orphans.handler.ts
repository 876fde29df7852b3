import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { WorkerDirectory } from '@app/workers';
import { LabRecordRepository } from '../../ports/lab-record.repository';
import { ListPendingOrphansQuery, PendingOrphanView } from './list-pending-orphans.query';

@QueryHandler(ListPendingOrphansQuery)
export class ListPendingOrphansHandler implements IQueryHandler<
  ListPendingOrphansQuery,
  { items: PendingOrphanView[] }
> {
  constructor(
    private readonly directory: WorkerDirectory,
    private readonly labs: LabRecordRepository,
  ) {}

  async execute({ workerId }: ListPendingOrphansQuery): Promise<{ items: PendingOrphanView[] }> {
    await this.directory.require(workerId);
    const records = await this.labs.findPendingOrphans(workerId);
    const items = records
      .filter((r) => !r.isRemoved && r.pendingOrphan)
      .map((r) => {
        const p = r.toProps();
        return {
          labId: p.labId,
          title: p.title,
          owner: p.ownerUsername || p.owner,
          detectedAt: p.pendingOrphan!.detectedAt.toISOString(),
          lastConfirmedAt: p.pendingOrphan!.lastConfirmedAt.toISOString(),
        };
      })
      .sort((a, b) => a.labId.localeCompare(b.labId));
    return { items };
  }
}
