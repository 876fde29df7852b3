import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock, ConflictError, NotFoundError } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { CmlNotFoundError } from '@app/cml-client';
import { upstreamErrorOf } from '../../cml-failure';
import { toLabSnapshot } from '../../cml-lab-snapshot.mapper';
import { LabView, toLabView } from '../../lab.view';
import { LabRecordRepository } from '../../ports/lab-record.repository';
import { WorkerSyncStateRepository } from '../../ports/worker-sync-state.repository';
import { CmlEvidenceReader } from '../../reconciliation/cml-evidence-reader';
import { ReconciliationWriter } from '../../reconciliation/reconciliation-writer';
import { RestoreLabCommand } from './restore-lab.command';

/**
 * POST /api/workers/:workerId/labs/:labId/restore: a removed record is made live again, with the
 * content CML shows now and a lab.restored event, when CML answers 200 for the lab. CML's own 404
 * is a 409 (CML does not have it); any other CML failure is a 502/504 and changes nothing. A
 * record that is live already answers as it is (a second restore adds no event).
 */
@CommandHandler(RestoreLabCommand)
export class RestoreLabHandler implements ICommandHandler<RestoreLabCommand, LabView> {
  private readonly logger = new Logger(RestoreLabHandler.name);

  constructor(
    private readonly directory: WorkerDirectory,
    private readonly labs: LabRecordRepository,
    private readonly cml: CmlEvidenceReader,
    private readonly writer: ReconciliationWriter,
    private readonly syncStates: WorkerSyncStateRepository,
    private readonly clock: Clock,
  ) {}

  async execute({ workerId, labId, restoredBy, traceparent }: RestoreLabCommand): Promise<LabView> {
    const worker = await this.directory.require(workerId);
    const record = await this.labs.findOne(workerId, labId);
    if (!record) throw new NotFoundError(`Lab ${labId} has no record on worker ${workerId}`);
    if (!record.isRemoved) return this.view(workerId, labId);
    let lab;
    try {
      lab = toLabSnapshot(await this.cml.clientFor(worker).getLab(labId));
    } catch (error) {
      // CML's own 404 only: a proxy's 404 or any other failure says nothing (502/504).
      if (error instanceof CmlNotFoundError)
        throw new ConflictError(`CML does not have lab ${labId} (it answered 404); the record stays removed`);
      throw upstreamErrorOf(error, `reading lab ${labId}`);
    }
    const expected = { version: record.version, removalEventId: record.removal!.event.eventId };
    const event = record.markRestored({
      restoredBy,
      now: this.clock.now(),
      snapshot: lab,
      ...(traceparent ? { traceparent } : {}),
    });
    const ctx = { workerId, reconciliationId: '', labId };
    const [landed] = await this.writer.restore(ctx, [{ record, event, expected }]);
    if (!landed) {
      // Another restore (or a sync) got there first: live now is what was asked for.
      const now = await this.labs.findOne(workerId, labId);
      if (now && !now.isRemoved) return this.view(workerId, labId);
      throw new ConflictError(`Lab record ${labId} changed while it was restored; try again`);
    }
    this.logger.log({ workerId, labId, restoredBy }, `Lab ${labId} restored by ${restoredBy}`);
    return this.view(workerId, labId);
  }

  private async view(workerId: string, labId: string): Promise<LabView> {
    const record = await this.labs.findOne(workerId, labId);
    if (!record || record.isRemoved) throw new ConflictError(`Lab record ${labId} is removed again`);
    return toLabView(record, (await this.syncStates.find(workerId)).lastSuccessfulSyncAt);
  }
}
