import { StoredAuditEvent } from '../../ports/audit-event.repository';

/** One audit event as `GET /api/audit-events` returns it (and as the export writes it). */
export interface AuditEventView {
  source: string;
  id: string;
  type: string;
  subject: string | null;
  time: string;
  workerId: string;
  labId: string;
  data: Record<string, unknown>;
  receivedAt: string;
}

/** The view of a stored event: the fields of the contract, nothing the storage added. */
export function toAuditEventView(e: StoredAuditEvent): AuditEventView {
  return {
    source: e.source,
    id: e.id,
    type: e.type,
    subject: e.subject,
    time: e.time,
    workerId: e.workerId,
    labId: e.labId,
    data: { ...e.data },
    receivedAt: e.receivedAt,
  };
}
