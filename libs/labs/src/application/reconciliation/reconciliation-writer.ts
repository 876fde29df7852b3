import { Injectable, Logger } from '@nestjs/common';
import { EventPublisher } from '@nestjs/cqrs';
import { LabRestoredEvent } from '../../domain/events/lab-restored.event';
import { LabRecord } from '../../domain/lab-record.aggregate';
import { LabRecordRepository, LabWriteResult } from '../ports/lab-record.repository';
import { WorkerWriteLock } from '../worker-write-lock';

export interface RunContext {
  workerId: string;
  reconciliationId: string;
}

export interface WrittenChanges {
  result: LabWriteResult;
  /** Lab ids whose write did not land (a concurrent change, or the database refused it). */
  lost: ReadonlySet<string>;
}

/**
 * Writes a run's records in one bulk write, fenced by the lease epoch and serialised with Phase 1
 * writes of the worker, and lets the events of the records that landed leave their aggregates.
 */
@Injectable()
export class ReconciliationWriter {
  private readonly logger = new Logger(ReconciliationWriter.name);

  constructor(
    private readonly labs: LabRecordRepository,
    private readonly writeLock: WorkerWriteLock,
    private readonly publisher: EventPublisher,
  ) {}

  async write(
    ctx: RunContext,
    creates: LabRecord[],
    updates: { record: LabRecord; expectedVersion: number }[],
    epoch: number,
  ): Promise<WrittenChanges> {
    const result = await this.writeLock
      .run(ctx.workerId, () => this.labs.saveChanges(creates, updates, epoch))
      .catch((error: unknown) => {
        const message = (error as Error).message;
        for (const { record } of updates.filter((u) => u.record.isRemoved))
          this.logger.error(
            { ...ctx, labId: record.labId, err: message },
            `Failed to remove orphaned lab record ${record.labId}: ${message}`,
          );
        throw error;
      });
    const lost = new Set([...result.conflicts, ...result.refused.map((r) => r.labId)]);
    const removing = new Set(updates.filter((u) => u.record.isRemoved).map((u) => u.record.labId));
    for (const { labId, error } of result.refused) {
      const line = removing.has(labId)
        ? `Failed to remove orphaned lab record ${labId}: ${error}`
        : `The database refused the record of lab ${labId}: ${error}`;
      this.logger.error({ ...ctx, labId, err: error }, line);
    }
    // Only a record whose write landed has an event to deliver: it was stored with it (outbox).
    for (const { record } of updates)
      if (!lost.has(record.labId)) this.publisher.mergeObjectContext(record).commit();
    return { result, lost };
  }

  /**
   * Restores records (already marked restored) one conditional write each, serialised with the
   * worker's Phase 1 writes, and lets the restore events of those that landed leave. Restores
   * are rare (a removal made on evidence that turned out wrong), so one write each is cheap.
   */
  async restore(
    ctx: RunContext,
    restores: {
      record: LabRecord;
      event: LabRestoredEvent;
      expected: { version: number; removalEventId: string };
    }[],
    epoch?: number,
  ): Promise<LabRecord[]> {
    const landed: LabRecord[] = [];
    for (const { record, event, expected } of restores) {
      const saved = await this.writeLock.run(ctx.workerId, () =>
        this.labs.saveRestoration(record, event, expected, epoch),
      );
      if (!saved) {
        this.logger.warn(
          { ...ctx, labId: record.labId },
          `The restore of lab record ${record.labId} lost to a concurrent change; left for the next run`,
        );
        continue;
      }
      this.logger.log(
        { ...ctx, labId: record.labId, restoredBy: event.restoredBy },
        `Restored lab record ${record.labId}: CML has the lab`,
      );
      this.publisher.mergeObjectContext(record).commit();
      landed.push(record);
    }
    return landed;
  }
}
