import { Injectable, Logger } from '@nestjs/common';
import { EventPublisher } from '@nestjs/cqrs';
import pLimit from 'p-limit';
import { CmlAccount, CmlClient, CmlClientFactory, CmlNotFoundError } from '@app/cml-client';
import { AppConfig, Clock, ConflictError, UpstreamFailureError } from '@app/common';
import {
  CmlContact,
  ReconcileRunMode,
  ReconcileTrigger,
  Worker,
  WorkerDirectory,
  WorkerRepository,
} from '@app/workers';
import { LabRecord } from '../../domain/lab-record.aggregate';
import { planLabSync } from '../../domain/lab-sync-plan';
import { LabLookup, planRemovals, removalCandidates } from '../../domain/removal-plan';
import { upstreamErrorOf } from '../cml-failure';
import { DeleteIntent, isLiveDeleteIntent } from '../../domain/delete-intent';
import { DeleteIntentRepository } from '../ports/delete-intent.repository';
import { LabRecordRepository } from '../ports/lab-record.repository';
import { LabsMetrics } from '../ports/labs-metrics';
import { WorkerWriteLock } from '../worker-write-lock';
import { ReconcileLease } from '../ports/reconcile-lease.repository';
import { WorkerReconcileGate } from './worker-reconcile-gate';
import { ReconcileOutcome, WorkerReconcileRun as Run, ZERO } from './worker-reconcile-run';

export type { ReconcileOutcome } from './worker-reconcile-run';

/** What a refresh is asked to do beyond the worker's own settings. */
export interface ReconcileOptions {
  /** Compute everything, write and emit nothing, record no run (`refresh?dryRun=true`). */
  dryRun?: boolean;
}

/** Whether the controller can be trusted at all, and what this contact learned of it. */
interface ControllerCheck {
  contact?: CmlContact;
  account?: CmlAccount;
  untrusted?: { status: 'failed' | 'skipped'; reason: string; error?: Error };
}

/**
 * Phase 2: compares one worker's CML controller with its records and repairs the difference.
 *
 * It never removes a record on weak evidence. The CML list is trusted only when the call
 * succeeded with a list of ids, asked for every user's labs (show_all) and CML said it is ready;
 * even then a missing lab is only a candidate until GET /labs/{id} answers 404. Records are read
 * before the list, and every write is conditional on the version read, so a record created or
 * changed during the run is never removed by it. A lease per worker (with a fencing epoch that
 * every write checks) keeps two replicas from reconciling one worker at once.
 */
@Injectable()
export class WorkerLabsReconciler {
  private readonly logger = new Logger(WorkerLabsReconciler.name);

  constructor(
    private readonly directory: WorkerDirectory,
    private readonly workers: WorkerRepository,
    private readonly labs: LabRecordRepository,
    private readonly gate: WorkerReconcileGate,
    private readonly cml: CmlClientFactory,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly publisher: EventPublisher,
    private readonly metrics: LabsMetrics,
    private readonly writeLock: WorkerWriteLock,
    private readonly intents: DeleteIntentRepository,
  ) {}

  /** Lease holder name of this process. */
  get instanceId(): string {
    return this.gate.instanceId;
  }

  async reconcile(
    workerId: string,
    trigger: ReconcileTrigger,
    reconciliationId: string,
    options: ReconcileOptions = {},
  ): Promise<ReconcileOutcome> {
    const worker = await this.directory.require(workerId);
    const mode: ReconcileRunMode = options.dryRun
      ? 'dry-run'
      : worker.reconcileMode === 'observe'
        ? 'observe'
        : 'enforce';
    const run = this.startRun(worker, trigger, reconciliationId, mode);
    if (!worker.enabled) return run.finish('skipped', ZERO, 'worker is disabled');
    if (worker.reconcileMode === 'paused') return run.finish('skipped', ZERO, 'reconcileMode is paused');

    // A dry run writes nothing, so it needs no lease and no fencing epoch.
    if (mode === 'dry-run') {
      return this.exclusively(worker.id, run, () => this.reconcileUnderLease(worker, null, run), false);
    }
    return this.exclusively(worker.id, run, (lease) => this.reconcileUnderLease(worker, lease, run));
  }

  /** Runs `work` through the gate; a worker being reconciled already is a `skipped` run. */
  private async exclusively(
    workerId: string,
    run: Run,
    work: (lease: ReconcileLease | null) => Promise<ReconcileOutcome>,
    withLease = true,
  ): Promise<ReconcileOutcome> {
    const outcome = await this.gate.exclusively(workerId, work, withLease);
    return outcome.kind === 'ran' ? outcome.value : run.finish('skipped', ZERO, outcome.reason);
  }

  /** @param lease null for a dry run, which writes nothing. */
  private async reconcileUnderLease(
    worker: Worker,
    lease: ReconcileLease | null,
    run: Run,
  ): Promise<ReconcileOutcome> {
    const ctx = { workerId: worker.id, reconciliationId: run.reconciliationId };
    const client = this.clientFor(worker);

    const check = await this.checkController(client);
    run.learned(check.contact);
    if (check.untrusted) {
      const { status, reason, error } = check.untrusted;
      return run.finish(status, ZERO, reason, error);
    }
    // CML lists only a non-admin account's own and shared labs: every other user's lab would look
    // deleted. Such a run still creates and updates what it sees, but it removes nothing.
    const mayRemove = check.account?.admin === true;

    // Records first, list second: a record created after this read is no candidate for removal.
    const records = await this.labs.findByWorker(worker.id);
    const listedAt = this.clock.now();
    let listed: string[];
    let refusedIds: string[];
    try {
      ({ ids: listed, refused: refusedIds } = await client.listLabIds({ showAll: true }));
    } catch (error) {
      const upstream = upstreamErrorOf(error, 'listing labs');
      return run.finish('failed', ZERO, `CML list not trusted: ${upstream.message}`, upstream);
    }

    const removedIds = new Set(records.filter((r) => r.isRemoved).map((r) => r.labId));
    const toFetch = [...new Set(listed)].filter((id) => !removedIds.has(id));
    const lookups = await this.lookUp(client, toFetch);
    const snapshots = [...lookups.values()].flatMap((l) => (l.kind === 'present' ? [l.lab] : []));
    const unreadable = [...lookups.values()].filter((l) => l.kind === 'unknown').length;
    const plan = planLabSync(worker.id, records, snapshots, this.clock.now());

    const listedSet = new Set(listed);
    const candidates = removalCandidates(plan.notInSnapshot, listedSet);
    // Each candidate is looked up once more, unless its listing lookup said it already; without an
    // admin account nothing could be removed, so nothing is asked.
    const unconfirmed = mayRemove ? candidates.filter((r) => !lookups.has(r.labId)) : [];
    const confirmations = await this.lookUp(
      client,
      unconfirmed.map((r) => r.labId),
    );
    const allLookups = new Map([...lookups, ...confirmations]);
    const now = this.clock.now();
    const gone = candidates.filter((r) => allLookups.get(r.labId)?.kind === 'gone');
    const live = records.filter((r) => !r.isRemoved).length;
    const removals = planRemovals(
      candidates,
      live,
      {
        listed: listedSet,
        lookups: allLookups,
        accountIsAdmin: mayRemove,
        intents: mayRemove ? await this.liveIntentsOf(worker.id, gone, now) : new Map(),
      },
      { maxDeleteRatio: this.config.reconcileMaxDeleteRatio },
    );
    const orphans = [...removals.remove, ...removals.hold];
    if (orphans.length > 0) {
      this.logger.log(
        { ...ctx, labIds: orphans.map((r) => r.labId) },
        `Found ${orphans.length} orphaned lab records for worker ${worker.id}: ${JSON.stringify(orphans.map((r) => r.labId))}`,
      );
    }
    const keptByLookup = removals.keep.filter((k) => k.why !== 'account-not-admin').length;
    const heldBack = removals.hold.length > 0;
    const interrupted = removals.complete;

    const completions = removals.complete.map(({ record, intent }) => {
      const expectedVersion = record.version;
      record.markDeleted({
        deletedBy: intent.by,
        alreadyAbsentInCml: false,
        now,
        ...(intent.traceparent ? { traceparent: intent.traceparent } : {}),
      });
      return { record, expectedVersion, intent };
    });
    const orphanWrites = [
      ...removals.hold.map((record) => {
        const expectedVersion = record.version;
        record.markPendingOrphan(now);
        return { record, expectedVersion };
      }),
      ...removals.remove.map((record) => {
        const expectedVersion = record.version;
        record.markOrphanRemoved({
          trigger: run.trigger,
          reconciliationId: run.reconciliationId,
          lastSeenAt: this.lastSeenAt(worker, record),
          evidence: { listedAt: listedAt.toISOString(), confirmedBy: 'lookup-404' },
          now,
        });
        return { record, expectedVersion };
      }),
    ];

    const notes: string[] = [];
    if (refusedIds.length > 0) {
      this.logger.warn({ ...ctx, refused: refusedIds }, `CML listed entries that are no lab ids; ignored`);
      notes.push(`CML listed entries that are no lab ids, ignored: ${refusedIds.join(', ')}`);
    }
    if (!mayRemove) notes.push(this.notAdminReason(worker, check.account, candidates.length));
    if (interrupted.length > 0)
      notes.push(`${interrupted.length} interrupted deletes completed as lab.deleted by the user who asked`);
    if (heldBack) {
      notes.push(
        `${orphans.length} of ${live} records are orphans, above RECONCILE_MAX_DELETE_RATIO ${this.config.reconcileMaxDeleteRatio}: they wait for approval`,
      );
    }
    if (unreadable > 0)
      notes.push(`details of ${unreadable} labs could not be read; their records are kept as they were`);
    if (keptByLookup > 0)
      notes.push(`${keptByLookup} labs missing from the list still exist or could not be checked; kept`);
    // Only a run that saw every lab can vouch for every record (Lab.lastSyncedAt, lastSeenAt).
    const complete = mayRemove && unreadable === 0 && refusedIds.length === 0;
    const status = mayRemove ? 'succeeded' : 'skipped';

    if (run.mode !== 'enforce' || !lease) {
      notes.push(`${run.mode === 'observe' ? 'observe mode' : 'dry run'}: nothing was written`);
      return run.finish(
        status,
        {
          created: plan.toCreate.length,
          updated: plan.toUpdate.length,
          unchanged: plan.unchanged,
          orphansRemoved: heldBack ? 0 : orphans.length,
          orphansPending: heldBack ? orphans.length : 0,
        },
        notes.join('; '),
      );
    }

    const renewed = await this.gate.renew(lease);
    if (!renewed)
      return run.finish('skipped', ZERO, 'the reconciliation lease was lost; nothing was written');
    const result = await this.writeLock
      .run(worker.id, () =>
        this.labs.saveChanges(
          plan.toCreate,
          [...plan.toUpdate, ...completions, ...orphanWrites],
          lease.epoch,
        ),
      )
      .catch((error: unknown) => {
        this.logRemovalFailures(ctx, [...completions, ...orphanWrites], error);
        throw error;
      });
    const lost = new Set([...result.conflicts, ...result.refused.map((r) => r.labId)]);
    if (result.conflicts.length > 0)
      notes.push(`${result.conflicts.length} records changed concurrently and are left for the next run`);
    if (result.refused.length > 0) {
      this.logRefusedWrites(ctx, [...completions, ...orphanWrites], result.refused);
      notes.push(
        `the database refused ${result.refused.length} records (${result.refused.map((r) => r.labId).join(', ')}); the other labs were synced`,
      );
    }

    let orphansRemoved = 0;
    let orphansPending = 0;
    for (const { record, intent } of completions) {
      if (lost.has(record.labId)) continue;
      this.publisher.mergeObjectContext(record).commit();
      await this.intents.clear(intent).catch(() => undefined);
      this.logger.log(
        { ...ctx, labId: record.labId },
        `Completed the interrupted delete of lab ${record.labId}: CML no longer has it`,
      );
    }
    for (const { record } of orphanWrites) {
      if (lost.has(record.labId)) continue;
      if (record.isRemoved) {
        orphansRemoved++;
        this.publisher.mergeObjectContext(record).commit();
        this.logger.log({ ...ctx, labId: record.labId }, `Removed orphaned lab record: ${record.labId}`);
      } else orphansPending++;
    }
    const updatedContent = plan.toUpdate.filter(({ record }) => !lost.has(record.labId)).length;
    return run.finish(
      status,
      {
        created: result.created,
        updated: updatedContent,
        unchanged: plan.unchanged,
        orphansRemoved,
        orphansPending,
      },
      notes.length > 0 ? notes.join('; ') : undefined,
      undefined,
      complete && lost.size === 0,
    );
  }

  /** The delete intents (DeleteIntent) of these records that can still explain their absence. */
  private async liveIntentsOf(
    workerId: string,
    records: LabRecord[],
    now: Date,
  ): Promise<Map<string, DeleteIntent>> {
    if (records.length === 0) return new Map();
    const found = await this.intents.findForLabs(
      workerId,
      records.map((r) => r.labId),
    );
    return new Map(found.filter((i) => isLiveDeleteIntent(i, now)).map((i) => [i.labId, i]));
  }

  private notAdminReason(worker: Worker, account: CmlAccount | undefined, kept: number): string {
    const who = `the worker's CML account "${account?.username ?? '?'}"`;
    const role =
      account?.admin === false
        ? 'is not a CML administrator'
        : 'could not be confirmed as a CML administrator (the controller has no /auth_extended)';
    return (
      `${who} ${role}: CML lists only its own and shared labs, so a lab missing from its list may belong to another user. ` +
      `No record was removed (${kept} not in its list were kept); labs it can see were still created and updated. ` +
      `To let reconciliation remove orphans, give the worker an admin account (PATCH /api/workers/${worker.id} with username and password)`
    );
  }

  /** One ERROR line per record the database refused, naming the lab and the database's reason. */
  private logRefusedWrites(
    ctx: { workerId: string; reconciliationId: string },
    removals: { record: LabRecord }[],
    refused: { labId: string; error: string }[],
  ): void {
    const removing = new Set(
      removals.filter(({ record }) => record.isRemoved).map(({ record }) => record.labId),
    );
    for (const { labId, error } of refused) {
      const line = removing.has(labId)
        ? `Failed to remove orphaned lab record ${labId}: ${error}`
        : `The database refused the record of lab ${labId}: ${error}`;
      this.logger.error({ ...ctx, labId, err: error }, line);
    }
  }

  private logRemovalFailures(
    ctx: { workerId: string; reconciliationId: string },
    writes: { record: LabRecord }[],
    error: unknown,
  ): void {
    const message = (error as Error).message;
    for (const { record } of writes) {
      if (!record.isRemoved) continue;
      this.logger.error(
        { ...ctx, labId: record.labId, err: message },
        `Failed to remove orphaned lab record ${record.labId}: ${message}`,
      );
    }
  }

  /** POST .../orphans/approve: each pending orphan is confirmed absent in CML again, then removed. */
  async approveOrphans(
    workerId: string,
    labIds: string[] | undefined,
    reconciliationId: string,
  ): Promise<ReconcileOutcome> {
    const worker = await this.directory.require(workerId);
    if (!worker.enabled)
      throw new ConflictError(`Worker ${workerId} is disabled; enable it to approve orphans`);
    const run = this.startRun(worker, 'manual', reconciliationId, 'enforce');
    if (worker.reconcileMode !== 'enforce') {
      return run.finish('skipped', ZERO, `reconcileMode is ${worker.reconcileMode}; nothing was removed`);
    }
    return this.exclusively(workerId, run, async (lease) => {
      const client = this.clientFor(worker);
      const check = await this.checkController(client);
      run.learned(check.contact);
      if (check.untrusted) {
        const { status, reason, error } = check.untrusted;
        return run.finish(status, ZERO, reason, error);
      }
      if (check.account?.admin !== true) {
        return run.finish('skipped', ZERO, this.notAdminReason(worker, check.account, 0));
      }
      const wanted = labIds ? new Set(labIds) : null;
      const pending = (await this.labs.findByWorker(workerId)).filter(
        (r) => !r.isRemoved && r.pendingOrphan && (!wanted || wanted.has(r.labId)),
      );
      const checkedAt = this.clock.now();
      const lookups = await this.lookUp(
        client,
        pending.map((r) => r.labId),
      );
      const writes: { record: LabRecord; expectedVersion: number }[] = [];
      let stillPending = 0;
      for (const record of pending) {
        const lookup = lookups.get(record.labId)!;
        const expectedVersion = record.version;
        if (lookup.kind === 'gone') {
          record.markOrphanRemoved({
            trigger: 'manual',
            reconciliationId,
            lastSeenAt: this.lastSeenAt(worker, record),
            evidence: { listedAt: checkedAt.toISOString(), confirmedBy: 'lookup-404' },
            now: this.clock.now(),
          });
          writes.push({ record, expectedVersion });
        } else if (lookup.kind === 'present') {
          record.syncWith(lookup.lab, this.clock.now());
          writes.push({ record, expectedVersion });
        } else stillPending++;
      }
      const result = await this.writeLock.run(workerId, () =>
        this.labs.saveChanges([], writes, lease!.epoch),
      );
      const lost = new Set([...result.conflicts, ...result.refused.map((r) => r.labId)]);
      if (result.refused.length > 0)
        this.logRefusedWrites({ workerId, reconciliationId }, writes, result.refused);
      let removed = 0;
      for (const { record } of writes) {
        if (lost.has(record.labId) || !record.isRemoved) continue;
        removed++;
        this.publisher.mergeObjectContext(record).commit();
        this.logger.log(
          { workerId, reconciliationId, labId: record.labId },
          `Removed orphaned lab record: ${record.labId}`,
        );
      }
      const restored = writes.filter(({ record }) => !record.isRemoved && !lost.has(record.labId)).length;
      return run.finish(
        'succeeded',
        { ...ZERO, updated: restored, orphansRemoved: removed, orphansPending: stillPending },
        restored > 0 ? `${restored} pending orphans exist in CML after all and were kept` : undefined,
      );
    });
  }

  /**
   * A list is not trusted from a controller that cannot say it is ready. The login that follows
   * tells whether the account is an administrator, i.e. whether its list can be complete.
   */
  private async checkController(client: CmlClient): Promise<ControllerCheck> {
    let info;
    try {
      info = await client.systemInformation();
    } catch (error) {
      const upstream = upstreamErrorOf(error, 'reading system information');
      return {
        untrusted: { status: 'failed', reason: `CML not trusted: ${upstream.message}`, error: upstream },
      };
    }
    const contact: CmlContact = {
      version: info.version,
      ready: info.ready,
      accountIsAdmin: null,
      checkedAt: this.clock.now().toISOString(),
    };
    if (!info.ready) {
      return {
        contact,
        untrusted: {
          status: 'skipped',
          reason: 'CML reports it is not ready; nothing was changed',
          // A manual refresh answers 502 (contract: CML list untrusted); a scheduled run records the skip.
          error: new UpstreamFailureError(
            'CML reports it is not ready (system_information ready: false); nothing was changed',
          ),
        },
      };
    }
    try {
      const account = await client.account();
      return { contact: { ...contact, accountIsAdmin: account.admin }, account };
    } catch (error) {
      const upstream = upstreamErrorOf(error, 'logging in');
      return {
        contact,
        untrusted: { status: 'failed', reason: `CML not trusted: ${upstream.message}`, error: upstream },
      };
    }
  }

  private async lookUp(client: CmlClient, labIds: string[]): Promise<Map<string, LabLookup>> {
    const limit = pLimit(this.config.cmlLabDetailConcurrency);
    const entries = await Promise.all(
      labIds.map((labId) =>
        limit(async (): Promise<[string, LabLookup]> => {
          try {
            return [labId, { kind: 'present', lab: await client.getLab(labId) }];
          } catch (error) {
            if (error instanceof CmlNotFoundError) return [labId, { kind: 'gone' }];
            return [labId, { kind: 'unknown', error: (error as Error).message }];
          }
        }),
      ),
    );
    return new Map(entries);
  }

  private lastSeenAt(worker: Worker, record: LabRecord): Date {
    const synced = worker.toProps().lastSuccessfulSyncAt;
    const own = record.toProps().lastSyncedAt;
    return synced && synced > own ? synced : own;
  }

  private clientFor(worker: Worker): CmlClient {
    return this.cml.forWorker({
      ...this.directory.connectionOf(worker),
      timeoutMs: this.config.cmlTimeoutMs,
    });
  }

  private startRun(
    worker: Worker,
    trigger: ReconcileTrigger,
    reconciliationId: string,
    mode: ReconcileRunMode,
  ): Run {
    return new Run(
      worker,
      trigger,
      reconciliationId,
      mode,
      this.clock,
      this.workers,
      this.logger,
      this.metrics,
    );
  }
}
