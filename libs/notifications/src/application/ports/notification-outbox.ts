import { AttemptOutcome, NotificationDelivery } from '../../domain/notification-delivery';

export type RetryResult = 'retried' | 'not-found' | 'not-dead';

/**
 * The `notifications` collection: one document per (notification, provider, recipient), inserted once under
 * its deterministic id, then moved along by the relay.
 */
export abstract class NotificationOutbox {
  /** Inserts the deliveries that are not there yet; those already queued are left as they are. Returns how many were new. */
  abstract enqueue(deliveries: NotificationDelivery[]): Promise<number>;
  /** Pending deliveries due at `now`, earliest first. */
  abstract findDue(now: Date, limit: number): Promise<NotificationDelivery[]>;
  abstract findById(id: string): Promise<NotificationDelivery | null>;
  /**
   * Claims one attempt (`id#replays#attempts`): exactly one caller, across replicas, wins it. A claim older than
   * `ttlMs` (its sender died before recording the attempt) may be taken over.
   */
  abstract claim(claimKey: string, now: Date, ttlMs: number): Promise<boolean>;
  /** Stores the outcome of the attempt made on `seen` (its attempts and replays as they were claimed). */
  abstract record(seen: NotificationDelivery, outcome: AttemptOutcome): Promise<void>;
  abstract list(status: 'pending' | 'dead', limit: number): Promise<NotificationDelivery[]>;
  abstract count(status: 'pending' | 'dead'): Promise<number>;
  /** A dead delivery starts again from attempt 0, due now. */
  abstract retry(id: string, now: Date): Promise<RetryResult>;
  /** Deletes deliveries delivered before `before` (dead ones stay, replayable), and stale claims. */
  abstract purgeDelivered(before: Date): Promise<number>;
}
