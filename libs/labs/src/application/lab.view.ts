import { LabRecord } from '../domain/lab-record.aggregate';
import { LabState } from '../domain/lab-state';

/** The Lab of the HTTP contract. */
export interface LabView {
  workerId: string;
  labId: string;
  title: string;
  description: string;
  notes: string;
  state: LabState;
  owner: string;
  ownerUsername: string;
  ownerFullname: string;
  nodeCount: number;
  linkCount: number;
  groups: unknown[];
  cmlCreatedAt: string | null;
  cmlModifiedAt: string | null;
  firstSeenAt: string;
  lastSyncedAt: string;
}

/**
 * An unchanged lab is not rewritten on every sync, so the record's own timestamp is when it last
 * changed; the worker's last successful sync confirmed every record it kept, so the later of the
 * two is when this lab was last known to match CML.
 */
export function toLabView(record: LabRecord, workerLastSuccessfulSyncAt: Date | null): LabView {
  const { version: _version, lastSyncedAt, firstSeenAt, ...rest } = record.toProps();
  const synced =
    workerLastSuccessfulSyncAt && workerLastSuccessfulSyncAt > lastSyncedAt
      ? workerLastSuccessfulSyncAt
      : lastSyncedAt;
  return { ...rest, firstSeenAt: firstSeenAt.toISOString(), lastSyncedAt: synced.toISOString() };
}
