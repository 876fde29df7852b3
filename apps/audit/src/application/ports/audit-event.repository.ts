import { AuditEventPosition } from '../../domain/audit-event-position';
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

/** Which events: every condition given must hold (exact matches, case-sensitive). */
export interface AuditEventCriteria {
  workerId?: string;
  labId?: string;
  type?: string;
  /** `data.owner`: the CML user who owned the lab (both event types). */
  owner?: string;
  /** `data.deletedBy`: who deleted the lab through cml-labs (lab.deleted only; orphan removals have none). */
  deletedBy?: string;
  /** Only events whose `time` is at or after this instant (inclusive). */
  since?: Date;
  /** Only events whose `time` is before this instant (exclusive): [since, until) windows tile without overlap. */
  until?: Date;
  /** Only events after this position of the newest-first order (the last one of the previous page). */
  after?: AuditEventPosition;
}

export interface AuditEventFilter extends AuditEventCriteria {
  limit: number;
}

/** The audit trail: one document per CloudEvent source + id. */
export abstract class AuditEventRepository {
  /**
   * Stores the event unless one with the same source + id is stored already.
   * @returns true when this call stored it, false for a duplicate (nothing written).
   */
  abstract insertOnce(event: LabAuditEvent, receivedAt: Date): Promise<boolean>;

  /**
   * Matching events in the audit trail's total order: newest `time` first, ties broken by the stored key
   * (`source|id`) descending, so that the same query gives the same page and a position is unambiguous.
   */
  abstract find(filter: AuditEventFilter): Promise<StoredAuditEvent[]>;

  /**
   * Every matching event in the order of `find`, read from a database cursor as the consumer pulls (constant
   * memory whatever the size). Ending the iteration early (`return()`, a `break`) closes the cursor.
   */
  abstract stream(criteria: AuditEventCriteria): AsyncIterable<StoredAuditEvent>;
}
