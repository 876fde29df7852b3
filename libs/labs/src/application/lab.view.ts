import { LabContent, LabRecord } from '../domain/lab-record.aggregate';
import { lastSeenAt } from '../domain/worker-sync-state';

/** The Lab of the HTTP contract: the copied CML content, plus where it is and when we saw it. */
export interface LabView extends LabContent {
  workerId: string;
  labId: string;
  firstSeenAt: string;
  lastSyncedAt: string;
}

/**
 * An unchanged lab is not rewritten on every sync, so the record's own timestamp is when it last
 * changed; the worker's last successful sync confirmed every record it kept, so the later of the
 * two is when this lab was last known to match CML. Not for a pending orphan: CML said it was gone,
 * and the run that held it back may still have moved the worker's time; its own time is the last
 * one known to match.
 */
export function toLabView(record: LabRecord, workerLastSuccessfulSyncAt: Date | null): LabView {
  const p = record.toProps();
  const synced = p.pendingOrphan ? p.lastSyncedAt : lastSeenAt(p.lastSyncedAt, workerLastSuccessfulSyncAt);
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

/** A removed record (GET .../labs?removed=true): the Lab as it was, and how it was removed. */
export interface RemovedLabView extends LabView {
  removedAt: string;
  removal: 'deleted' | 'orphan_removed';
  /** Who deleted it (Phase 1, or a completed interrupted delete); absent for an orphan removal. */
  deletedBy?: string;
}

export function toRemovedLabView(record: LabRecord): RemovedLabView {
  const removal = record.removal;
  if (!removal) throw new Error(`Lab record ${record.id} is not removed`);
  const event = removal.event;
  return {
    ...toLabView(record, null),
    removedAt: removal.at.toISOString(),
    removal: event.type === 'lab.deleted' ? 'deleted' : 'orphan_removed',
    ...(event.type === 'lab.deleted' ? { deletedBy: event.deletedBy } : {}),
  };
}
