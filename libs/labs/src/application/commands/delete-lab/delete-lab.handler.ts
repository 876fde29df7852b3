import { Logger } from '@nestjs/common';
import { CommandHandler, EventPublisher, ICommandHandler } from '@nestjs/cqrs';
import { CmlClient, CmlClientFactory, CmlConflictError, CmlLab, CmlNotFoundError } from '@app/cml-client';
import {
  AppConfig,
  Clock,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UpstreamFailureError,
  UpstreamTimeoutError,
} from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { activeTraceparent } from '@app/telemetry';
import { DeleteIntent } from '../../../domain/delete-intent';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { LabRecordRepository } from '../../ports/lab-record.repository';
import { LabDeleteOutcome, LabsMetrics } from '../../ports/labs-metrics';
import { WorkerWriteLock } from '../../worker-write-lock';
import { toLabSnapshot } from '../../cml-lab-snapshot.mapper';
import { mayForceDelete } from '../../../domain/force-delete-policy';
import { DeleteLabCommand, DeleteLabRequester, DeleteLabResult } from './delete-lab.command';
import { DeleteLabProgress } from './delete-lab-progress';

/**
 * Phase 1 of the two-phase delete: delete the lab in CML, then remove the local record at once
 * with one single-document write that stores the tombstone and the LabDeleted event together.
 * A CML failure changes nothing locally; a local failure after CML succeeded is reported and left
 * to Phase 2, which will find the record orphaned.
 */
/** CML deleted a lab that was not read first (DELETE first, for a lab the record says is wiped). */
const DELETED = { deletedWithoutRead: true } as const;
type DeletedLab = typeof DELETED;

@CommandHandler(DeleteLabCommand)
export class DeleteLabHandler implements ICommandHandler<DeleteLabCommand, DeleteLabResult> {
  private readonly logger = new Logger(DeleteLabHandler.name);

  constructor(
    private readonly directory: WorkerDirectory,
    private readonly labs: LabRecordRepository,
    private readonly cml: CmlClientFactory,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly publisher: EventPublisher,
    private readonly metrics: LabsMetrics,
    private readonly writeLock: WorkerWriteLock,
  ) {}

  async execute(command: DeleteLabCommand): Promise<DeleteLabResult> {
    let outcome: LabDeleteOutcome = 'error';
    try {
      const result = await this.deleteLab(command);
      outcome =
        !result.localRecordRemoved && !result.alreadyAbsentInCml
          ? 'local_write_failed'
          : result.alreadyAbsentInCml
            ? 'already_absent'
            : 'deleted';
      return result;
    } catch (error) {
      if (error instanceof NotFoundError) outcome = 'not_found';
      else if (error instanceof ConflictError) outcome = 'conflict';
      else if (error instanceof ForbiddenError) outcome = 'forbidden';
      else if (error instanceof UpstreamTimeoutError) outcome = 'upstream_timeout';
      else if (error instanceof UpstreamFailureError) outcome = 'upstream_error';
      throw error;
    } finally {
      this.metrics.labDeleteFinished(outcome);
    }
  }

  private async deleteLab(command: DeleteLabCommand): Promise<DeleteLabResult> {
    const { workerId, labId, force, requester, deletedBy } = command;
    // With tracing on, the event joins this command's span (its trace continues the header's, if any).
    const traceparent = activeTraceparent() ?? command.traceparent;
    const worker = await this.directory.require(workerId);
    if (!worker.enabled) throw new ConflictError(`Worker ${workerId} is disabled; enable it to delete labs`);
    const client = this.cml.forWorker({
      ...this.directory.connectionOf(worker),
      timeoutMs: this.config.cmlTimeoutMs,
    });
    const log = { workerId, labId, deletedBy };
    this.logger.log(log, `Deleting lab ${labId} from worker ${workerId}`);

    // One round trip before CML is touched: the record, with who is deleting it stored on it (a
    // crash after CML's delete then still ends as this user's lab.deleted, completed by Phase 2).
    // A record that says the lab is wiped lets CML be asked for the DELETE alone.
    const intent: DeleteIntent = {
      workerId,
      labId,
      by: deletedBy,
      ...(requester.username ? { byUsername: requester.username } : {}),
      at: this.clock.now(),
      force,
      ...(traceparent ? { traceparent } : {}),
    };
    const local = await this.labs.findForDelete(intent);
    const intentStored = local !== null && !local.isRemoved;
    const progress = new DeleteLabProgress();
    let cmlLab: CmlLab | DeletedLab | null;
    try {
      const knownWiped = local !== null && !local.isRemoved && local.toProps().state === 'DEFINED_ON_CORE';
      cmlLab = await this.deleteInCml(client, labId, force, requester, progress, knownWiped);
      if (cmlLab === null) await this.requireTrustedAbsence(client, workerId, labId, local, progress);
    } catch (error) {
      if (intentStored) await this.clearIntent(intent);
      const message = (error as Error).message;
      this.logger.error(
        { ...log, ...progress.problemExtensions(), err: message },
        `Failed to delete lab ${labId} from worker ${workerId}: ${message}`,
      );
      throw error;
    }
    const alreadyAbsentInCml = cmlLab === null;
    if (alreadyAbsentInCml) {
      this.logger.log(log, `Lab ${labId} was already absent in CML on worker ${workerId}`);
    } else {
      this.logger.log(log, `Lab ${labId} deleted from CML on worker ${workerId}`);
    }

    // Serialised with Phase 2's writes to this worker (see WorkerWriteLock).
    const result = await this.writeLock.run(workerId, () =>
      this.removeLocally({
        workerId,
        labId,
        local,
        cmlLab,
        alreadyAbsentInCml,
        deletedBy,
        deletedByUsername: requester.username,
        traceparent,
      }),
    );
    // The tombstone cleared the intent; when it could not be written, the intent stays and Phase 2
    // completes this user's delete.
    return result;
  }

  /** The local half of Phase 1: one single-document write of the tombstone and its event. */
  private async removeLocally(input: {
    workerId: string;
    labId: string;
    /** The record as read before CML was asked. */
    local: LabRecord | null;
    cmlLab: CmlLab | DeletedLab | null;
    alreadyAbsentInCml: boolean;
    deletedBy: string;
    deletedByUsername?: string;
    traceparent?: string;
  }): Promise<DeleteLabResult> {
    const { workerId, labId, local, cmlLab, alreadyAbsentInCml, deletedBy, deletedByUsername, traceparent } =
      input;
    const log = { workerId, labId, deletedBy };
    if (alreadyAbsentInCml && (!local || local.isRemoved)) {
      throw new NotFoundError(`Lab ${labId} exists neither in CML nor locally on worker ${workerId}`);
    }
    if (local?.isRemoved) {
      // Phase 2 (or another delete) removed it first and emitted its own event: one event per removal.
      this.logger.log(log, `Lab record ${labId} had been removed already`);
      return this.result(workerId, labId, alreadyAbsentInCml, false);
    }

    const now = this.clock.now();
    // Without a record CML was read before the delete (deleteInCml), so its view builds the tombstone.
    const record = local ?? LabRecord.discovered(workerId, toLabSnapshot(cmlLab as CmlLab), now);
    if (!local)
      this.logger.warn(log, `Lab record ${labId} not found in database (may not have been synced yet)`);
    record.markDeleted({ deletedBy, alreadyAbsentInCml, now, traceparent, deletedByUsername });
    let removed: boolean;
    try {
      removed = await this.labs.saveDeletion(record, local === null);
    } catch (error) {
      return this.localFailure(workerId, labId, alreadyAbsentInCml, error);
    }
    if (removed) {
      this.publisher.mergeObjectContext(record).commit();
      this.logger.log(log, `Lab record ${labId} removed from database`);
    }
    this.logger.log(log, `Successfully deleted lab ${labId} from worker ${workerId}`);
    return this.result(workerId, labId, alreadyAbsentInCml, removed);
  }

  /**
   * The CML half: read the lab, and with `force` stop it, wait until its nodes are down, wipe it,
   * wait until it is wiped, then delete it. CML's start/stop/wipe answer 204 at once and move the
   * nodes afterwards; a wipe before the stop has converged, or a delete before the wipe has, is
   * refused. Returns CML's view of the lab before the delete, or null when CML said it had no such
   * lab. A failure names the step and the CML changes already made.
   *
   * @param knownWiped the local record says the lab is wiped: the DELETE goes first, alone (one CML
   *   request). Only when CML refuses it (the lab was started since the last sync) is the lab read
   *   and taken the long way, with the same permission checks. A lab believed running is always
   *   read first, so a DELETE never reaches CML for a lab this service knows is not wiped.
   */
  private async deleteInCml(
    client: CmlClient,
    labId: string,
    force: boolean,
    requester: DeleteLabRequester,
    progress: DeleteLabProgress,
    knownWiped: boolean,
  ): Promise<CmlLab | DeletedLab | null> {
    if (knownWiped) {
      progress.at('delete');
      try {
        await client.deleteLab(labId);
        return DELETED;
      } catch (error) {
        if (error instanceof CmlNotFoundError) return null;
        if (!(error instanceof CmlConflictError)) throw progress.failure(error, `deleting lab ${labId}`);
      }
      progress.at('read');
    }
    let lab: CmlLab;
    try {
      lab = await client.getLab(labId);
    } catch (error) {
      if (error instanceof CmlNotFoundError) return null;
      throw progress.failure(error, `reading lab ${labId}`);
    }
    if (lab.state !== 'DEFINED_ON_CORE' && force && !mayForceDelete(requester, lab.ownerUsername)) {
      throw progress.forbidden(
        `Lab ${labId} is ${lab.state} and belongs to ${lab.ownerUsername || 'another user'}: only its owner or an admin may force its delete (stop and wipe it)`,
      );
    }
    if (lab.state !== 'DEFINED_ON_CORE' && !force) {
      throw progress.conflict(
        `Lab ${labId} is ${lab.state}; it must be stopped and wiped before it can be deleted (or use force=true)`,
      );
    }
    const timeoutMs = this.config.cmlConvergeTimeoutMs;
    try {
      if (lab.state !== 'DEFINED_ON_CORE' && lab.state !== 'STOPPED') {
        progress.at('stop');
        await client.stopLab(labId);
        progress.requested('stop');
        progress.at('wait-stopped');
        await client.waitForLabState(labId, ['STOPPED', 'DEFINED_ON_CORE'], timeoutMs);
        progress.confirmed('stop');
      }
      if (lab.state !== 'DEFINED_ON_CORE') {
        progress.at('wipe');
        await client.wipeLab(labId);
        progress.requested('wipe');
        await client.waitForLabState(labId, ['DEFINED_ON_CORE'], timeoutMs);
        progress.confirmed('wipe');
      }
      progress.at('delete');
      await client.deleteLab(labId);
      return lab;
    } catch (error) {
      if (error instanceof CmlNotFoundError) return null;
      if (error instanceof CmlConflictError) {
        throw progress.conflict(`CML refused to ${progress.step} lab ${labId}: ${error.message}`);
      }
      throw progress.failure(error, `${progress.describe()} lab ${labId}`);
    }
  }

  /** The delete has ended, either way: its intent explains nothing any more. */
  private async clearIntent(intent: DeleteIntent): Promise<void> {
    await this.labs.clearDeleteIntent(intent).catch((error: unknown) =>
      // Left behind, it expires (DELETE_INTENT_TTL_MS); Phase 2 looks at it only for labs CML has not.
      this.logger.warn(
        { workerId: intent.workerId, labId: intent.labId, err: (error as Error).message },
        `Could not clear the delete intent of lab ${intent.labId}`,
      ),
    );
  }

  /**
   * CML hides other users' labs from a non-admin account and answers 404 for them, so such a 404
   * proves nothing. Unless the account is known to be an administrator, nothing is removed: the
   * request is a 404 when there is no live record anyway, else a 502 that says how to fix it.
   */
  private async requireTrustedAbsence(
    client: CmlClient,
    workerId: string,
    labId: string,
    local: LabRecord | null,
    progress: DeleteLabProgress,
  ): Promise<void> {
    const account = await client.account();
    if (account.admin === true) return;
    if (!local || local.isRemoved) {
      throw new NotFoundError(`Lab ${labId} exists neither in CML nor locally on worker ${workerId}`);
    }
    const role =
      account.admin === false
        ? 'is not a CML administrator'
        : 'could not be confirmed as a CML administrator';
    throw new UpstreamFailureError(
      `CML answered 404 for lab ${labId}, but the worker's CML account "${account.username}" ${role}: CML hides other users' labs from such an account, so the 404 does not prove the lab is gone. Nothing was changed; give worker ${workerId} an admin account to delete it.`,
      {},
      progress.problemExtensions(),
    );
  }

  private localFailure(
    workerId: string,
    labId: string,
    alreadyAbsentInCml: boolean,
    error: unknown,
  ): DeleteLabResult {
    this.logger.error(
      { workerId, labId, err: (error as Error).message },
      `Lab ${labId} is gone from CML but its record could not be removed; reconciliation will remove it`,
    );
    return this.result(workerId, labId, alreadyAbsentInCml, false);
  }

  private result(
    workerId: string,
    labId: string,
    alreadyAbsentInCml: boolean,
    localRecordRemoved: boolean,
  ): DeleteLabResult {
    return { workerId, labId, message: 'Lab deleted successfully', alreadyAbsentInCml, localRecordRemoved };
  }
}
