/**
 * A removed record came back: CML showed that the lab exists (a trusted list named it and its
 * details answered 200, or an admin asked and CML answered 200). The removal was made on evidence
 * that turned out wrong; the record is live again.
 */
export class LabRestoredEvent {
  readonly type = 'lab.restored' as const;

  constructor(
    /** Stable across redeliveries: the CloudEvent id. */
    readonly eventId: string,
    readonly workerId: string,
    readonly labId: string,
    readonly labTitle: string,
    readonly owner: string,
    /** `reconciliation` (Phase 2 healed it), or the subject of the admin who restored it. */
    readonly restoredBy: string,
    /** When the record had been removed (the removal this restore undoes). */
    readonly removedAt: string,
    readonly occurredAt: string,
    /** W3C traceparent of the request that restored the lab, when it had one (an extension, not data). */
    readonly traceparent?: string,
  ) {}
}
