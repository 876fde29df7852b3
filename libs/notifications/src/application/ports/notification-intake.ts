import { PendingOrphanFact } from '../../domain/notification';
import { DeadDeliveryFacts, LabRemovalFacts, ReconcileFacts } from '../../domain/notification-sources';

/**
 * Where other contexts hand over the facts that may notify someone; each call enqueues the notifications they
 * make, idempotently (the same facts twice are one notification). Owned by the notifications context; libs/labs
 * calls it and knows nothing of providers.
 */
export abstract class NotificationIntake {
  /** False when no provider is configured: callers skip the work of gathering facts. */
  abstract readonly enabled: boolean;
  /** True when removals notify: the lab outbox then carries a delivery to INTERNAL_NOTIFICATIONS_SINK. */
  abstract readonly notifiesRemovals: boolean;
  /** A lab removal's event (from the lab outbox's internal delivery). Throws when the enqueue failed. */
  abstract labRemoved(facts: LabRemovalFacts): Promise<void>;
  /** A worker's reconciliation finished, with the orphans it held back. Never throws. */
  abstract reconciled(
    facts: ReconcileFacts,
    pending: readonly PendingOrphanFact[],
    workerName?: string,
  ): Promise<void>;
  /** A CloudEvent delivery went dead. Never throws. */
  abstract labEventDead(facts: DeadDeliveryFacts): Promise<void>;
}

/** The lab outbox's delivery whose "send" is NotificationIntake.labRemoved, never an HTTP request. */
export const INTERNAL_NOTIFICATIONS_SINK = 'internal:notifications';
