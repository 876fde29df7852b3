import { LabRecord } from '../domain/lab-record.aggregate';
import { LabRecordRepository } from '../application/ports/lab-record.repository';
import { plainLabSnapshot } from './plain-lab-snapshot.fixture';

/**
 * Stores the tombstone of lab `i` of a worker, deleted by alice at `at`, the way Phase 1 does
 * (saveDeletion of a record never synced), and returns the record with its event.
 */
export async function storeRemovedLab(
  labs: LabRecordRepository,
  workerId: string,
  i: number,
  at: Date,
): Promise<LabRecord> {
  const record = LabRecord.discovered(workerId, plainLabSnapshot(i), at);
  record.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: at });
  if (!(await labs.saveDeletion(record, true))) throw new Error(`lab ${i} was removed already`);
  return record;
}
