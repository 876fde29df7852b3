import { LabOutboxEvent } from '../../domain/lab-record.aggregate';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** Delivery state of one event to one sink; kept per sink so one dead sink never holds back another. */
export interface OutboxDelivery {
  sink: string;
  status: DeliveryStatus;
  attempts: number;
  /** How often an admin replayed it after it was dead; part of the claim key of each attempt. */
  replays: number;
  nextAttemptAt: Date;
  lastError: string | null;
  deliveredAt: Date | null;
}

/**
 * An event stored in its record, with where it has to go: a tombstone's removal event, or one of
 * a state the record left (a removal a restore undid, the restore itself).
 */
export interface OutboxEntry {
  recordId: string;
  event: LabOutboxEvent;
  deliveries: OutboxDelivery[];
  /** The lab's CML owner as the record held it (user id and username), for who is told of the removal. */
  owner: { id: string; username: string };
}

/**
 * The outbox inside the lab record documents: the removal write stores the event and one pending
 * delivery per configured sink; this port finds what is due and records each attempt.
 */
export abstract class LabEventOutbox {
  /** Entries with a delivery due at `now`, oldest first. */
  abstract findDue(now: Date, limit: number): Promise<OutboxEntry[]>;
  /** The tombstone's entry of a record; for a live record, its oldest stored event's. */
  abstract findByRecordId(recordId: string): Promise<OutboxEntry | null>;
  /** Every event a record stores, oldest first (the removal a restore undid, the restore, a later removal). */
  abstract findEntriesOf(recordId: string): Promise<OutboxEntry[]>;
  abstract findByEventId(eventId: string): Promise<OutboxEntry | null>;
  /**
   * Claims one attempt (`eventId#sinkIndex#replays#attempts`). Exactly one caller wins a
   * claim, across replicas, so an event is never sent to one sink by two senders at once. A claim
   * older than `ttlMs` whose attempt was never recorded (its sender died) may be taken again.
   */
  abstract claim(claimKey: string, now: Date, ttlMs: number): Promise<boolean>;
  /**
   * Stores the outcome of an attempt, and with it when the entry next needs the relay, computed
   * from the deliveries as stored (outboxDueOf). Writes to one entry are serialised across
   * senders and replicas, so that the due time always follows the stored deliveries.
   */
  abstract recordAttempt(
    recordId: string,
    sinkIndex: number,
    delivery: OutboxDelivery,
    /** Which of the record's events; the tombstone's when absent. */
    eventId?: string,
  ): Promise<void>;
  /**
   * Recomputes the due time of an entry from its stored deliveries, for an entry found due with
   * nothing due in it (left by a crash or by an older version), so it cannot clog the relay.
   */
  abstract resettle(recordId: string): Promise<void>;
  /** How many events have a delivery with this status (metrics: a count, not a read). */
  abstract count(status: 'pending' | 'dead'): Promise<number>;
  /** Every delivery with this status, for GET /api/outbox. */
  abstract list(status: 'pending' | 'dead', limit: number): Promise<OutboxEntry[]>;
  /** Puts the dead deliveries of an event back to pending; false when no such event. */
  abstract retry(eventId: string, now: Date): Promise<boolean>;
  /** Deletes tombstones removed before `before` whose deliveries are all delivered (dead ones stay, replayable). */
  abstract purgeTombstones(before: Date): Promise<number>;
}
