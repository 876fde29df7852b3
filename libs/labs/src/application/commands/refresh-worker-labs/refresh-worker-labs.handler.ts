import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { ReconcileRunMode, ReconcileSummary } from '../../../domain/reconcile-summary';
import { planReconciliation } from '../../../domain/reconciliation-plan';
import { WorkerSyncStateRepository } from '../../ports/worker-sync-state.repository';
import { CmlEvidenceReader } from '../../reconciliation/cml-evidence-reader';
import { WorkerReconcileGate } from '../../reconciliation/worker-reconcile-gate';
import { ReconcileOutcome, WorkerReconcileRuns, ZERO } from '../../reconciliation/worker-reconcile-run';
import { ReconciliationPlanApplier } from './apply-reconciliation-plan';
import { ReconciliationEvidenceGatherer } from './gather-reconciliation-evidence';
import { RefreshWorkerLabsCommand } from './refresh-worker-labs.command';

/**
 * Phase 2 for one worker: gather what CML says, let the domain plan decide
 * (planReconciliation), apply the plan under the worker's lease. The same command serves a
 * person's refresh, POST /api/reconciliations and the schedule; only `failWhenCmlUntrusted`
 * (a person waits) turns an untrusted CML into a 502/504 instead of a recorded summary.
 *
 * Stand-alone refreshes of one worker coalesce: one asked for while another of the same kind
 * runs gets that run's answer instead of a "skipped" of its own (a user double-clicking, or two
 * operators at once, cost CML one reconciliation).
 */
@CommandHandler(RefreshWorkerLabsCommand)
export class RefreshWorkerLabsHandler implements ICommandHandler<RefreshWorkerLabsCommand, ReconcileSummary> {
  private readonly logger = new Logger(RefreshWorkerLabsHandler.name);
  private readonly standAloneInFlight = new Map<string, Promise<ReconcileOutcome>>();

  constructor(
    private readonly directory: WorkerDirectory,
    private readonly gate: WorkerReconcileGate,
    private readonly runs: WorkerReconcileRuns,
    private readonly cml: CmlEvidenceReader,
    private readonly gatherer: ReconciliationEvidenceGatherer,
    private readonly applier: ReconciliationPlanApplier,
    private readonly syncStates: WorkerSyncStateRepository,
    private readonly config: AppConfig,
  ) {}

  async execute(command: RefreshWorkerLabsCommand): Promise<ReconcileSummary> {
    const { summary, upstreamError } =
      command.reconciliationId === undefined ? await this.coalesced(command) : await this.reconcile(command);
    if (upstreamError && command.failWhenCmlUntrusted) throw upstreamError;
    return summary;
  }

  private coalesced(command: RefreshWorkerLabsCommand): Promise<ReconcileOutcome> {
    const key = `${command.workerId}:${command.dryRun ? 'dry-run' : 'run'}`;
    const running = this.standAloneInFlight.get(key);
    if (running) return running;
    const run = this.reconcile(command).finally(() => this.standAloneInFlight.delete(key));
    this.standAloneInFlight.set(key, run);
    return run;
  }

  private async reconcile(command: RefreshWorkerLabsCommand): Promise<ReconcileOutcome> {
    const worker = await this.directory.require(command.workerId);
    const mode: ReconcileRunMode = command.dryRun
      ? 'dry-run'
      : worker.reconcileMode === 'observe'
        ? 'observe'
        : 'enforce';
    const run = this.runs.start(
      worker.id,
      command.trigger,
      command.reconciliationId ?? randomUUID(),
      mode,
      worker.name,
    );
    if (!worker.enabled) return run.finish('skipped', ZERO, 'worker is disabled');
    if (worker.reconcileMode === 'paused') return run.finish('skipped', ZERO, 'reconcileMode is paused');

    // A dry run writes nothing, so it needs no lease and no fencing epoch.
    const outcome = await this.gate.exclusively(
      worker.id,
      async (lease) => {
        const client = this.cml.clientFor(worker);
        const { records, evidence, contact, upstreamError } = await this.gatherer.gather(worker.id, client);
        run.learned(contact);
        const plan = planReconciliation(records, evidence, {
          mode,
          maxDeleteRatio: this.config.reconcileMaxDeleteRatio,
        });
        run.considered(plan.candidates);
        const reason = (notes: string[]) => (notes.length > 0 ? notes.join('; ') : undefined);
        if (plan.orphans.length > 0) {
          const labIds = plan.orphans.map((r) => r.labId);
          this.logger.log(
            { workerId: worker.id, reconciliationId: run.reconciliationId, labIds },
            `Found ${labIds.length} orphaned lab records for worker ${worker.id}: ${JSON.stringify(labIds)}`,
          );
        }
        // Held back by the delete-ratio guard, every orphan waits (observe runs count them too).
        if (plan.counts.orphansPending > 0)
          run.heldBack(
            plan.orphans.map((r) => {
              const p = r.toProps();
              return { labId: r.labId, title: r.title, owner: p.ownerUsername || p.owner };
            }),
          );
        if (!plan.writes || !lease)
          return run.finish(plan.status, plan.counts, reason(plan.notes), upstreamError);
        if (!evidence.listing.trusted) throw new Error('a plan with writes needs a trusted listing');

        const w = plan.writes;
        // Nothing changed (the steady state): no lease renewal, no database write at all.
        if (Object.values(w).every((list) => list.length === 0))
          return run.finish(plan.status, plan.counts, reason(plan.notes), undefined, plan.complete);
        const applied = await this.applier.apply(w, plan.counts.unchanged, lease, {
          workerId: worker.id,
          reconciliationId: run.reconciliationId,
          trigger: command.trigger,
          listedAt: evidence.listing.listedAt,
          // Only a removal's event needs it (lastSeenAt).
          lastSuccessfulSyncAt:
            w.removeOrphans.length > 0 ? (await this.syncStates.find(worker.id)).lastSuccessfulSyncAt : null,
          now: evidence.now,
        });
        if (!applied.counts) return run.finish('skipped', ZERO, reason(applied.notes));
        return run.finish(
          plan.status,
          applied.counts,
          reason([...plan.notes, ...applied.notes]),
          undefined,
          plan.complete && applied.allLanded,
        );
      },
      mode !== 'dry-run',
    );
    return outcome.kind === 'ran' ? outcome.value : run.finish('skipped', ZERO, outcome.reason);
  }
}
