import { Page } from '@app/common';
import { DeleteIntent } from '../../domain/delete-intent';
import { LabRestoredEvent } from '../../domain/events/lab-restored.event';
import { LabRecord } from '../../domain/lab-record.aggregate';
import { LabState } from '../../domain/lab-state';

export interface LabListFilter {
  state?: LabState;
  /** Matches the owner's CML user id or username. */
  owner?: string;
  limit: number;
  afterLabId?: string;
}

export interface LabWriteResult {
  created: number;
  updated: number;
  /** Lab ids whose write lost a race (record changed or created meanwhile); the next run retries them. */
  conflicts: string[];
  /**
   * Writes the database refused (a document it will not store), each with the database's reason.
   * They are isolated: the other writes of the bulk stand.
   */
  refused: { labId: string; error: string }[];
}

/**
 * Persistence of lab records, keyed by `${workerId}:${labId}`. Reads of one worker are one query;
 * writes of one reconciliation are one bulk command.
 */
export abstract class LabRecordRepository {
  abstract findByWorker(workerId: string): Promise<LabRecord[]>;
  abstract findOne(workerId: string, labId: string): Promise<LabRecord | null>;
  /**
   * Phase 1, before CML is touched: stores the delete intent on the live record and returns the
   * record with it, in one round trip. A removed record is returned as it is (no intent stored),
   * a missing one is null. The tombstone write (saveDeletion) clears the intent.
   */
  abstract findForDelete(intent: DeleteIntent): Promise<LabRecord | null>;
  /** Phase 1 ended without a tombstone (CML refused or failed): the intent goes, if it is still this one. */
  abstract clearDeleteIntent(intent: DeleteIntent): Promise<void>;
  /** The live records of one worker held back as pending orphans, and only those. */
  abstract findPendingOrphans(workerId: string): Promise<LabRecord[]>;
  abstract page(workerId: string, filter: LabListFilter): Promise<Page<LabRecord>>;
  /**
   * Inserts new records and writes changed ones (content, pending-orphan marks, orphan removals)
   * in one bulk write. Each update applies only if the record is still at `expectedVersion`, not
   * removed, and, when `fence` is given, not written by a newer lease epoch; each is a
   * single-document write, so a removal and its event land together or not at all. An update never
   * writes a delete intent (Phase 1 may have stored one since the read); a removal clears it.
   */
  abstract saveChanges(
    created: LabRecord[],
    updated: { record: LabRecord; expectedVersion: number }[],
    fence?: number,
  ): Promise<LabWriteResult>;
  /**
   * Phase 1: stores the tombstone (and its event) of a deleted lab unless the record was removed
   * already. Not conditional on the version: the delete in CML happened, whatever synced since.
   * Returns false when another removal won.
   */
  abstract saveDeletion(record: LabRecord, isNew: boolean): Promise<boolean>;
  /**
   * Makes a removed record live again (LabRecord.markRestored), in one conditional
   * single-document write: only if it is still removed by the removal it was read with
   * (`removalEventId`), at `expectedVersion`, and, when `fence` is given, not written by a newer
   * lease epoch. The same write keeps the removal's event with its deliveries as they stand (a
   * pending one is still sent) and stores `event` with one pending delivery per sink, so neither
   * can be lost by a crash and a second restore cannot add a second event. False when it lost.
   */
  abstract saveRestoration(
    record: LabRecord,
    event: LabRestoredEvent,
    expected: { version: number; removalEventId: string },
    fence?: number,
  ): Promise<boolean>;
  /** The removed records (tombstones) of one worker, newest removal first. */
  abstract findRemoved(workerId: string, limit: number): Promise<LabRecord[]>;
  abstract removeAllForWorker(workerId: string): Promise<number>;
}
