import type { NotificationRoute } from '@app/common/config/notification-settings';

export { NOTIFICATION_ROUTES } from '@app/common/config/notification-settings';
export type { NotificationRoute };

/** What every notification names: where it comes from and when. */
interface NotificationBase {
  /**
   * What the notification is of, stable across repeats (an event id, a reconciliation and worker, a pending
   * set): the same source never makes a second notification (see notificationDeliveryId).
   */
  sourceKey: string;
  workerId: string;
  /** The worker's name when known; messages fall back to its id. */
  workerName?: string;
  occurredAt: string;
}

/** A lab's identity and owner, as the removal event and the record name them. */
export interface LabFacts {
  labId: string;
  labTitle: string;
  /** The owner as shown (CML username, else user id). */
  owner: string;
  /** Every name the owner is known by (CML user id, username): the keys looked up in the owner mapping. */
  ownerKeys: string[];
}

/** Phase 2 removed a record whose lab is gone from CML: someone deleted it outside cml-labs. */
export interface LabRemovedOutside extends NotificationBase, LabFacts {
  route: 'lab-removed-outside';
  reconciliationId: string;
  trigger: 'manual' | 'scheduled';
}

/** Phase 1 removed a lab at the request of someone who is not its owner. */
export interface LabDeletedByOther extends NotificationBase, LabFacts {
  route: 'lab-deleted-by-other';
  deletedBy: string;
  alreadyAbsentInCml: boolean;
}

export interface PendingOrphanFact {
  labId: string;
  title: string;
  owner: string;
}

/** The delete-ratio guard held orphans back: an admin has to approve their removal. */
export interface OrphansPending extends NotificationBase {
  route: 'orphans-pending';
  reconciliationId: string;
  count: number;
  /** The first few of them, for the message. */
  orphans: PendingOrphanFact[];
}

/** A worker's reconciliation failed (CML unreachable, untrusted list, ...). */
export interface ReconciliationFailed extends NotificationBase {
  route: 'reconciliation-failed';
  reconciliationId: string;
  trigger: 'manual' | 'scheduled';
  reason: string;
}

/** A CloudEvent delivery to one sink failed for good. */
export interface DeadLetter extends NotificationBase {
  route: 'dead-letter';
  eventId: string;
  eventType: string;
  labId: string;
  /** The sink's origin (scheme, host, port): never its path or query, which may hold a key. */
  sink: string;
  attempts: number;
  lastError: string | null;
}

export type Notification =
  LabRemovedOutside | LabDeletedByOther | OrphansPending | ReconciliationFailed | DeadLetter;

/** The routes that are about one lab and may go to its owner. */
export function isOwnerRoute(n: Notification): n is LabRemovedOutside | LabDeletedByOther {
  return n.route === 'lab-removed-outside' || n.route === 'lab-deleted-by-other';
}
