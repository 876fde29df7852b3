import { LabAuditEvent } from '../../domain/lab-audit-event';

/** A stored audit event: the event plus when this consumer first received it (ISO 8601). */
export interface StoredAuditEvent {
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

export interface AuditEventFilter {
  workerId?: string;
  labId?: string;
  type?: string;
  /** Only events whose `time` is at or after this instant. */
  since?: Date;
  limit: number;
}

/** The audit trail: one document per CloudEvent source + id. */
export abstract class AuditEventRepository {
  /**
   * Stores the event unless one with the same source + id is stored already.
   * @returns true when this call stored it, false for a duplicate (nothing written).
   */
  abstract insertOnce(event: LabAuditEvent, receivedAt: Date): Promise<boolean>;

  /** Matching events, newest `time` first. */
  abstract find(filter: AuditEventFilter): Promise<StoredAuditEvent[]>;
}
