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
  const p = record.toProps();
  const synced =
    workerLastSuccessfulSyncAt && workerLastSuccessfulSyncAt > p.lastSyncedAt
      ? workerLastSuccessfulSyncAt
      : p.lastSyncedAt;
  return {
    workerId: p.workerId,
    labId: p.labId,
    title: p.title,
    description: p.description,
    notes: p.notes,
    state: p.state,
    owner: p.owner,
    ownerUsername: p.ownerUsername,
    ownerFullname: p.ownerFullname,
    nodeCount: p.nodeCount,
    linkCount: p.linkCount,
    groups: p.groups,
    cmlCreatedAt: p.cmlCreatedAt,
    cmlModifiedAt: p.cmlModifiedAt,
    firstSeenAt: p.firstSeenAt.toISOString(),
    lastSyncedAt: synced.toISOString(),
  };
}
