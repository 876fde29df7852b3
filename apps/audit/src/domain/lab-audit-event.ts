import { LabDeletedData } from './lab-deleted-data';
import { LabOrphanRemovedData } from './lab-orphan-removed-data';
import { LabRestoredData } from './lab-restored-data';

interface AuditEventBase {
  source: string;
  id: string;
  type: string;
  subject: string | null;
  /** The event's `time`, normalised to ISO 8601 UTC. */
  time: string;
  workerId: string;
  labId: string;
}

/** A validated lab removal or restore CloudEvent, as the audit trail keeps it. */
export type LabAuditEvent =
  | (AuditEventBase & { kind: 'lab.deleted'; data: LabDeletedData })
  | (AuditEventBase & { kind: 'lab.orphan_removed'; data: LabOrphanRemovedData })
  | (AuditEventBase & { kind: 'lab.restored'; data: LabRestoredData });

/**
 * CloudEvents are unique per source + id (delivery is at least once), so this key is the stored
 * `_id`: a redelivery collides on insert, which even FerretDB v1 decides atomically.
 */
export function auditEventKey(event: Pick<LabAuditEvent, 'source' | 'id'>): string {
  return `${event.source}|${event.id}`;
}
