import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Clock, ConflictError } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { activeTraceparent } from '@app/telemetry';
import { ReconcileSummary } from '../../../domain/reconcile-summary';
import { notAdminNote } from '../../../domain/reconciliation-plan';
import { approvalCandidates, planApproval } from '../../../domain/approval-plan';
import { lastSeenAt } from '../../../domain/worker-sync-state';
import { LabRecordRepository } from '../../ports/lab-record.repository';
import { WorkerSyncStateRepository } from '../../ports/worker-sync-state.repository';
import { CmlEvidenceReader } from '../../reconciliation/cml-evidence-reader';
import { ReconciliationWriter } from '../../reconciliation/reconciliation-writer';
import { WorkerReconcileGate } from '../../reconciliation/worker-reconcile-gate';
import { WorkerReconcileRuns, ZERO } from '../../reconciliation/worker-reconcile-run';
import { ApproveOrphansCommand } from './approve-orphans.command';

/**
 * An admin approves orphans the delete-ratio guard held back. Each is looked up in CML again
 * first: CML's own 404 removes it, a 200 keeps it (it exists after all), anything else leaves it
 * pending. Under the worker's lease, like any Phase 2 write.
 */
@CommandHandler(ApproveOrphansCommand)
export class ApproveOrphansHandler implements ICommandHandler<ApproveOrphansCommand, ReconcileSummary> {
  private readonly logger = new Logger(ApproveOrphansHandler.name);

  constructor(
    private readonly directory: WorkerDirectory,
    private readonly gate: WorkerReconcileGate,
    private readonly runs: WorkerReconcileRuns,
    private readonly cml: CmlEvidenceReader,
    private readonly labs: LabRecordRepository,
    private readonly writer: ReconciliationWriter,
    private readonly syncStates: WorkerSyncStateRepository,
    private readonly clock: Clock,
  ) {}

  async execute({ workerId, labIds }: ApproveOrphansCommand): Promise<ReconcileSummary> {
    const worker = await this.directory.require(workerId);
    if (!worker.enabled)
      throw new ConflictError(`Worker ${workerId} is disabled; enable it to approve orphans`);
    const reconciliationId = randomUUID();
    const run = this.runs.start(workerId, 'manual', reconciliationId, 'enforce', worker.name);
    if (worker.reconcileMode !== 'enforce') {
      return (
        await run.finish('skipped', ZERO, `reconcileMode is ${worker.reconcileMode}; nothing was removed`)
      ).summary;
    }
    const outcome = await this.gate.exclusively(workerId, async (lease) => {
      const client = this.cml.clientFor(worker);
      const check = await this.cml.checkController(client);
      run.learned(check.contact);
      if (check.untrusted) {
        const { status, reason, error } = check.untrusted;
        return run.finish(status, ZERO, reason, error);
      }
      if (check.account?.admin !== true) {
        const account = { username: check.account?.username ?? null, admin: check.account?.admin ?? null };
        return run.finish('skipped', ZERO, notAdminNote(workerId, account, 0));
      }
      const wanted = labIds ? new Set(labIds) : null;
      const pending = (await this.labs.findPendingOrphans(workerId)).filter(
        (r) => !wanted || wanted.has(r.labId),
      );
      const checkedAt = this.clock.now();
      const lookups = await this.cml.lookUp(
        client,
        pending.map((r) => r.labId),
      );
      const plan = planApproval(pending, lookups);
      run.considered(approvalCandidates(plan));
      const now = this.clock.now();
      const { lastSuccessfulSyncAt } = await this.syncStates.find(workerId);
      const writes = [
        ...plan.remove.map((record) => {
          const expectedVersion = record.version;
          record.markOrphanRemoved({
            trigger: 'manual',
            reconciliationId,
            lastSeenAt: lastSeenAt(record.toProps().lastSyncedAt, lastSuccessfulSyncAt),
            evidence: { listedAt: checkedAt.toISOString(), confirmedBy: 'lookup-404' },
            now,
            traceparent: activeTraceparent(),
          });
          return { record, expectedVersion };
        }),
        ...plan.restore.map(({ record, lab }) => {
          const expectedVersion = record.version;
          record.syncWith(lab, now);
          return { record, expectedVersion };
        }),
      ];
      const { lost } = await this.writer.write({ workerId, reconciliationId }, [], writes, lease!.epoch);
      const landed = writes.filter(({ record }) => !lost.has(record.labId));
      const removed = landed.filter(({ record }) => record.isRemoved);
      for (const { record } of removed)
        this.logger.log(
          { workerId, reconciliationId, labId: record.labId },
          `Removed orphaned lab record: ${record.labId}`,
        );
      const restored = landed.length - removed.length;
      return run.finish(
        'succeeded',
        {
          ...ZERO,
          updated: restored,
          orphansRemoved: removed.length,
          orphansPending: plan.stillPending.length,
        },
        restored > 0 ? `${restored} pending orphans exist in CML after all and were kept` : undefined,
      );
    });
    const { summary, upstreamError } =
      outcome.kind === 'ran' ? outcome.value : await run.finish('skipped', ZERO, outcome.reason);
    if (upstreamError) throw upstreamError;
    return summary;
  }
}
