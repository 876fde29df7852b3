import { Notification, NotificationRoute } from './notification';
import { NotificationProvider, Recipient } from './notification-provider';

export type NotificationDeliveryStatus = 'pending' | 'delivered' | 'dead';

/** One notification to one recipient on one provider: a document of the `notifications` outbox. */
export interface NotificationDelivery {
  /** notificationDeliveryId(sourceKey, route, provider, recipient). */
  id: string;
  route: NotificationRoute;
  provider: NotificationProvider;
  recipient: Recipient;
  /** The facts; rendered when sent, so a message always uses the current format and links. */
  notification: Notification;
  status: NotificationDeliveryStatus;
  attempts: number;
  /** How often an admin replayed it after it was dead; part of each attempt's claim key. */
  replays: number;
  nextAttemptAt: Date;
  /** Why the last attempt failed; never holds a webhook URL, token or password. */
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** What the outcome of an attempt changes. */
export type AttemptOutcome = Pick<
  NotificationDelivery,
  'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'deliveredAt'
>;

/**
 * The outcome of attempt number `attempts` (1 = the first): delivered, retried after `retryDelay(attempts)`,
 * or dead once `maxAttempts` is reached.
 */
export function attemptOutcome(
  seen: Pick<NotificationDelivery, 'attempts' | 'nextAttemptAt'>,
  error: string | null,
  now: Date,
  maxAttempts: number,
  retryDelay: (attempt: number) => number,
): AttemptOutcome {
  const attempts = seen.attempts + 1;
  if (error === null)
    return {
      status: 'delivered',
      attempts,
      nextAttemptAt: seen.nextAttemptAt,
      lastError: null,
      deliveredAt: now,
    };
  if (attempts >= maxAttempts)
    return {
      status: 'dead',
      attempts,
      nextAttemptAt: seen.nextAttemptAt,
      lastError: error,
      deliveredAt: null,
    };
  return {
    status: 'pending',
    attempts,
    nextAttemptAt: new Date(now.getTime() + retryDelay(attempts)),
    lastError: error,
    deliveredAt: null,
  };
}
