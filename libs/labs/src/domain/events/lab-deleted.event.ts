/** Phase 1 removed a lab: the CML delete succeeded, or CML no longer knew it. */
export class LabDeletedEvent {
  readonly type = 'lab.deleted' as const;

  constructor(
    /** Stable across redeliveries: the CloudEvent id. */
    readonly eventId: string,
    readonly workerId: string,
    readonly labId: string,
    readonly labTitle: string,
    readonly owner: string,
    readonly deletedBy: string,
    readonly alreadyAbsentInCml: boolean,
    readonly occurredAt: string,
    /** W3C traceparent of the request that deleted the lab, when it had one (a CloudEvent extension, not data). */
    readonly traceparent?: string,
    /**
     * The deleter's username claim, when the token had one: kept in the tombstone (not CloudEvent data) so that
     * a notification can tell an owner deleting their own lab (a token subject is rarely the CML username).
     */
    readonly deletedByUsername?: string,
  ) {}
}
