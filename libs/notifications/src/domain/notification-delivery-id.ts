import { createHash } from 'node:crypto';
import { NotificationRoute } from './notification';
import { NotificationProvider, Recipient, recipientKey } from './notification-provider';

/**
 * The `_id` of one delivery: the same notification to the same recipient on the same provider always has the
 * same id, so enqueueing it again is a duplicate key, not a second message.
 */
export function notificationDeliveryId(
  sourceKey: string,
  route: NotificationRoute,
  provider: NotificationProvider,
  recipient: Recipient,
): string {
  return createHash('sha256')
    .update(JSON.stringify([sourceKey, route, provider, recipientKey(recipient)]))
    .digest('hex')
    .slice(0, 32);
}

/** What a delivery id looks like (the retry route refuses anything else with a 400). */
export const NOTIFICATION_DELIVERY_ID = /^[0-9a-f]{32}$/;
