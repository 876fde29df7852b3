import { Injectable, Logger } from '@nestjs/common';
import { activeTraceparent } from '@app/telemetry';
import { ReconcileCounts } from '../../../domain/reconcile-summary';
import { PlannedWrites } from '../../../domain/reconciliation-plan';
import { lastSeenAt } from '../../../domain/worker-sync-state';
import { ReconcileLease } from '../../ports/reconcile-lease.repository';
import { ReconciliationWriter, RunContext } from '../../reconciliation/reconciliation-writer';
import { WorkerReconcileGate } from '../../reconciliation/worker-reconcile-gate';

export interface AppliedPlan {
  /** null when the lease was lost before the writes: nothing was written. */
  counts: ReconcileCounts | null;
  notes: string[];
  /** Every planned write landed. */
  allLanded: boolean;
}

/** What a removal records about the run and the evidence, beside the plan. */
export interface RemovalContext extends RunContext {
  trigger: 'manual' | 'scheduled';
  listedAt: Date;
  /** When the worker's records were last all confirmed (its lastSuccessfulSyncAt), if ever. */
  lastSuccessfulSyncAt: Date | null;
  now: Date;
}

/**
 * Carries out a plan: marks the aggregates as it says, renews the lease, writes everything in one
 * fenced bulk write, and lets the events of what landed leave. A record whose write lost a race is
 * left for the next run, and its event is not sent.
 */
@Injectable()
export class ReconciliationPlanApplier {
  private readonly logger = new Logger(ReconciliationPlanApplier.name);

  constructor(
    private readonly gate: WorkerReconcileGate,
    private readonly writer: ReconciliationWriter,
  ) {}

  async apply(
    writes: PlannedWrites,
    unchanged: number,
    lease: ReconcileLease,
    ctx: RemovalContext,
  ): Promise<AppliedPlan> {
    const completions = writes.completeDeletes.map(({ record, intent }) => {
      const expectedVersion = record.version;
      record.markDeleted({
        deletedBy: intent.by,
        ...(intent.byUsername ? { deletedByUsername: intent.byUsername } : {}),
        alreadyAbsentInCml: false,
        now: ctx.now,
        ...(intent.traceparent ? { traceparent: intent.traceparent } : {}),
      });
      return { record, expectedVersion, intent };
    });
    const held = writes.holdOrphans.map((record) => {
      const expectedVersion = record.version;
      record.markPendingOrphan(ctx.now);
      return { record, expectedVersion };
    });
    const removed = writes.removeOrphans.map((record) => {
      const expectedVersion = record.version;
      record.markOrphanRemoved({
        trigger: ctx.trigger,
        reconciliationId: ctx.reconciliationId,
        lastSeenAt: lastSeenAt(record.toProps().lastSyncedAt, ctx.lastSuccessfulSyncAt),
        evidence: { listedAt: ctx.listedAt.toISOString(), confirmedBy: 'lookup-404' },
        now: ctx.now,
        // The worker's reconciliation span (RefreshWorkerLabsCommand), with tracing on.
        traceparent: activeTraceparent(),
      });
      return { record, expectedVersion };
    });

    const restores = writes.restores.map(({ record, lab }) => {
      const expected = { version: record.version, removalEventId: record.removal!.event.eventId };
      const event = record.markRestored({ restoredBy: 'reconciliation', now: ctx.now, snapshot: lab });
      return { record, event, expected };
    });
    if (!(await this.gate.renew(lease)))
      return {
        counts: null,
        notes: ['the reconciliation lease was lost; nothing was written'],
        allLanded: false,
      };
    const { result, lost } = await this.writer.write(
      ctx,
      writes.creates,
      [...writes.updates, ...completions, ...held, ...removed],
      lease.epoch,
    );

    const restored = await this.writer.restore(ctx, restores, lease.epoch);
    const notes: string[] = [];
    if (restored.length < restores.length)
      notes.push(
        `${restores.length - restored.length} restores lost to a concurrent change; left for the next run`,
      );
    if (result.conflicts.length > 0)
      notes.push(`${result.conflicts.length} records changed concurrently and are left for the next run`);
    if (result.refused.length > 0)
      notes.push(
        `the database refused ${result.refused.length} records (${result.refused.map((r) => r.labId).join(', ')}); the other labs were synced`,
      );
    // The tombstone write cleared each completed delete's intent.
    for (const { record } of completions) {
      if (lost.has(record.labId)) continue;
      this.logger.log(
        { ...ctx, labId: record.labId },
        `Completed the interrupted delete of lab ${record.labId}: CML no longer has it`,
      );
    }
    const landed = <T extends { record: { labId: string } }>(list: T[]) =>
      list.filter(({ record }) => !lost.has(record.labId));
    for (const { record } of landed(removed))
      this.logger.log({ ...ctx, labId: record.labId }, `Removed orphaned lab record: ${record.labId}`);
    return {
      counts: {
        created: result.created,
        updated: landed(writes.updates).length,
        unchanged,
        orphansRemoved: landed(removed).length,
        orphansPending: landed(held).length,
        restored: restored.length,
      },
      notes,
      allLanded: lost.size === 0 && restored.length === restores.length,
    };
  }
}
