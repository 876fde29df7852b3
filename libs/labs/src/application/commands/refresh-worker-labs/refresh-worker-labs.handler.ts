import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { CmlClient, CmlClientFactory, CmlNotFoundError } from '@app/cml-client';
import { AppConfig, Clock } from '@app/common';
import { ReconcileSummary, Worker, WorkerDirectory, WorkerRepository } from '@app/workers';
import { CmlLabSnapshot } from '../../../domain/cml-lab-snapshot';
import { planLabSync } from '../../../domain/lab-sync-plan';
import { upstreamErrorOf } from '../../cml-failure';
import { LabRecordRepository } from '../../ports/lab-record.repository';
import { RefreshWorkerLabsCommand } from './refresh-worker-labs.command';

type Counts = Pick<
  ReconcileSummary,
  'created' | 'updated' | 'unchanged' | 'orphansRemoved' | 'orphansPending'
>;
const ZERO: Counts = { created: 0, updated: 0, unchanged: 0, orphansRemoved: 0, orphansPending: 0 };

/**
 * Brings one worker's lab records in line with its CML controller: one list call, one detail call
 * per lab (bounded concurrency), one read of the worker's records and one bulk write of only the
 * records that changed. An unchanged lab costs no write.
 */
@CommandHandler(RefreshWorkerLabsCommand)
export class RefreshWorkerLabsHandler implements ICommandHandler<RefreshWorkerLabsCommand, ReconcileSummary> {
  private readonly logger = new Logger(RefreshWorkerLabsHandler.name);

  constructor(
    private readonly directory: WorkerDirectory,
    private readonly workers: WorkerRepository,
    private readonly labs: LabRecordRepository,
    private readonly cml: CmlClientFactory,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute(command: RefreshWorkerLabsCommand): Promise<ReconcileSummary> {
    const worker = await this.directory.require(command.workerId);
    const reconciliationId = command.reconciliationId ?? randomUUID();
    const startedAt = this.clock.now();
    const finish = async (
      status: ReconcileSummary['status'],
      counts: Counts,
      reason?: string,
    ): Promise<ReconcileSummary> => {
      const finishedAt = this.clock.now();
      const summary: ReconcileSummary = {
        reconciliationId,
        workerId: worker.id,
        trigger: command.trigger,
        status,
        ...(reason ? { reason } : {}),
        ...counts,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
      };
      await this.workers.recordReconcile(worker.id, summary, status === 'succeeded' ? startedAt : null);
      this.logger.log({ ...summary }, `reconciliation of worker ${worker.id} ${status}`);
      return summary;
    };

    if (!worker.enabled) return finish('skipped', ZERO, 'worker is disabled');
    if (worker.reconcileMode === 'paused') return finish('skipped', ZERO, 'reconcileMode is paused');

    const client = this.clientFor(worker);
    let labIds: string[];
    try {
      labIds = await client.listLabIds({ showAll: true });
    } catch (error) {
      const upstream = upstreamErrorOf(error, 'listing labs');
      const summary = await finish('failed', ZERO, upstream.message);
      if (command.trigger === 'manual') throw upstream;
      return summary;
    }

    const existing = await this.labs.findByWorker(worker.id);
    const { snapshots, unreadable } = await this.fetchDetails(client, labIds, worker.id, reconciliationId);
    const now = this.clock.now();
    const plan = planLabSync(worker.id, existing, snapshots, now);

    const observeOnly = worker.reconcileMode === 'observe';
    let created = plan.toCreate.length;
    let updated = plan.toUpdate.length;
    const notes: string[] = [];
    if (!observeOnly) {
      const result = await this.labs.saveChanges(plan.toCreate, plan.toUpdate);
      created = result.created;
      updated = result.updated;
      if (result.conflicts.length > 0) {
        notes.push(`${result.conflicts.length} records changed concurrently and are left for the next run`);
      }
    } else {
      notes.push('observe mode: nothing was written');
    }
    if (unreadable.length > 0) {
      notes.push(
        `details of ${unreadable.length} labs could not be read; their records are kept as they were`,
      );
    }
    return finish(
      'succeeded',
      { ...ZERO, created, updated, unchanged: plan.unchanged },
      notes.length > 0 ? notes.join('; ') : undefined,
    );
  }

  private clientFor(worker: Worker): CmlClient {
    return this.cml.forWorker({
      ...this.directory.connectionOf(worker),
      timeoutMs: this.config.cmlTimeoutMs,
    });
  }

  /** A lab deleted between the list and its detail call is simply gone; other failures are remembered. */
  private async fetchDetails(
    client: CmlClient,
    labIds: string[],
    workerId: string,
    reconciliationId: string,
  ): Promise<{ snapshots: CmlLabSnapshot[]; unreadable: string[] }> {
    const limit = pLimit(this.config.cmlLabDetailConcurrency);
    const unreadable: string[] = [];
    const results = await Promise.all(
      labIds.map((labId) =>
        limit(async (): Promise<CmlLabSnapshot | null> => {
          try {
            return await client.getLab(labId);
          } catch (error) {
            if (!(error instanceof CmlNotFoundError)) {
              unreadable.push(labId);
              this.logger.warn(
                { workerId, labId, reconciliationId, err: (error as Error).message },
                'lab details unreadable',
              );
            }
            return null;
          }
        }),
      ),
    );
    return { snapshots: results.filter((s): s is CmlLabSnapshot => s !== null), unreadable };
  }
}
