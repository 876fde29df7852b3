/**
 * Why the lab is gone. The contract also names `two-observations`, which this producer never
 * emits (only CML's own 404 removes a record); the audit consumer still accepts it.
 */
export type OrphanEvidence = { listedAt: string; confirmedBy: 'lookup-404' };

/** Phase 2 removed a record whose lab is gone from CML. */
export class LabOrphanRemovedEvent {
  readonly type = 'lab.orphan_removed' as const;

  constructor(
    /** Stable across redeliveries: the CloudEvent id. */
    readonly eventId: string,
    readonly workerId: string,
    readonly labId: string,
    readonly labTitle: string,
    readonly owner: string,
    readonly trigger: 'manual' | 'scheduled',
    readonly reconciliationId: string,
    readonly lastSeenAt: string,
    readonly evidence: OrphanEvidence,
    readonly occurredAt: string,
    /** W3C traceparent of the reconciliation (or approval) that removed it, with tracing on (a CloudEvent extension, not data). */
    readonly traceparent?: string,
  ) {}
}
