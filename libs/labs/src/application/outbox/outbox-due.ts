import { OutboxDelivery } from '../ports/lab-event-outbox';

/**
 * When an outbox entry next needs the relay: the earliest retry time of its pending deliveries,
 * or null when none is pending. Always computed from the deliveries as stored, never from a
 * sender's own view of them, which another sender, replica or retry may have changed meanwhile.
 */
export function outboxDueOf(deliveries: readonly OutboxDelivery[]): Date | null {
  const pending = deliveries.filter((d) => d.status === 'pending').map((d) => d.nextAttemptAt.getTime());
  return pending.length > 0 ? new Date(Math.min(...pending)) : null;
}
