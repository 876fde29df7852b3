import { Page } from '@app/common';
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
}

/**
 * Persistence of lab records, keyed by `${workerId}:${labId}`. Reads of one worker are one query;
 * writes of one reconciliation are one bulk command.
 */
export abstract class LabRecordRepository {
  abstract findByWorker(workerId: string): Promise<LabRecord[]>;
  abstract findOne(workerId: string, labId: string): Promise<LabRecord | null>;
  abstract page(workerId: string, filter: LabListFilter): Promise<Page<LabRecord>>;
  /** Inserts new records and updates changed ones (only if still at `expectedVersion`), in one bulk write. */
  abstract saveChanges(
    created: LabRecord[],
    updated: { record: LabRecord; expectedVersion: number }[],
  ): Promise<LabWriteResult>;
  abstract removeAllForWorker(workerId: string): Promise<number>;
}
