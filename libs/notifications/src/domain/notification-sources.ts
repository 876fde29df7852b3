import { createHash } from 'node:crypto';
import { Notification, PendingOrphanFact } from './notification';

/** The removal event as libs/labs stores it, and the owner as the lab record held it. */
export interface LabRemovalFacts {
  eventId: string;
  type: 'lab.deleted' | 'lab.orphan_removed';
  workerId: string;
  labId: string;
  labTitle: string;
  /** The event's owner (CML username, else user id). */
  owner: string;
  occurredAt: string;
  deletedBy?: string;
  /** The deleter's username claim, when the token had one. */
  deletedByUsername?: string;
  alreadyAbsentInCml?: boolean;
  trigger?: 'manual' | 'scheduled';
  reconciliationId?: string;
  /** The record's CML owner user id and username. */
  ownerId: string;
  ownerUsername: string;
}

/** The notification a removal makes, if any: every orphan removal, and a delete by someone not the owner. */
export function notificationOfLabRemoval(r: LabRemovalFacts, workerName?: string): Notification | null {
  const ownerKeys = [...new Set([r.ownerUsername, r.ownerId, r.owner].filter((k) => k !== ''))];
  const base = {
    sourceKey: `lab-event:${r.eventId}`,
    workerId: r.workerId,
    ...(workerName ? { workerName } : {}),
    occurredAt: r.occurredAt,
    labId: r.labId,
    labTitle: r.labTitle,
    owner: r.owner,
    ownerKeys,
  };
  if (r.type === 'lab.orphan_removed') {
    return {
      ...base,
      route: 'lab-removed-outside',
      reconciliationId: r.reconciliationId ?? '',
      trigger: r.trigger ?? 'scheduled',
    };
  }
  // The owner deleting their own lab is no news: the deleter's token subject or username is one of the owner's
  // names. A lab whose owner is unknown has nobody the deleter could be, so its delete is reported.
  const deletedBy = r.deletedBy ?? '';
  if ([deletedBy, r.deletedByUsername ?? ''].some((name) => name !== '' && ownerKeys.includes(name)))
    return null;
  return {
    ...base,
    route: 'lab-deleted-by-other',
    // The username reads better than a token subject (often a UUID) where there is one.
    deletedBy: r.deletedByUsername || deletedBy,
    alreadyAbsentInCml: r.alreadyAbsentInCml ?? false,
  };
}

/** What a worker's reconciliation summary says, as far as notifications need it. */
export interface ReconcileFacts {
  reconciliationId: string;
  workerId: string;
  trigger: 'manual' | 'scheduled';
  status: 'succeeded' | 'skipped' | 'failed';
  reason?: string;
  orphansPending: number;
  finishedAt: string;
}

/** How many pending orphans a message lists. */
export const PENDING_ORPHANS_LISTED = 10;

/**
 * The notifications of one reconciliation: a failure, and orphans held back for approval. The pending ones
 * are keyed by the set of labs held back, not by the run: every scheduled run that finds the same set again
 * is the same notification (no message every interval), and a changed set is a new one.
 */
export function notificationsOfReconcile(
  s: ReconcileFacts,
  pending: readonly PendingOrphanFact[],
  workerName?: string,
): Notification[] {
  const base = { workerId: s.workerId, ...(workerName ? { workerName } : {}), occurredAt: s.finishedAt };
  const out: Notification[] = [];
  if (s.status === 'failed') {
    out.push({
      ...base,
      route: 'reconciliation-failed',
      sourceKey: `reconciliation:${s.reconciliationId}:${s.workerId}`,
      reconciliationId: s.reconciliationId,
      trigger: s.trigger,
      reason: s.reason ?? 'unknown',
    });
  }
  if (s.orphansPending > 0) {
    const set =
      pending.length > 0
        ? createHash('sha256')
            .update(JSON.stringify([...pending.map((p) => p.labId)].sort()))
            .digest('hex')
        : `run:${s.reconciliationId}`;
    const listed = [...pending]
      .sort((a, b) => a.labId.localeCompare(b.labId))
      .slice(0, PENDING_ORPHANS_LISTED);
    out.push({
      ...base,
      route: 'orphans-pending',
      sourceKey: `orphans-pending:${s.workerId}:${set}`,
      reconciliationId: s.reconciliationId,
      count: s.orphansPending,
      orphans: listed,
    });
  }
  return out;
}

/** A CloudEvent delivery that went dead. */
export interface DeadDeliveryFacts {
  eventId: string;
  eventType: string;
  workerId: string;
  labId: string;
  sink: string;
  replays: number;
  attempts: number;
  lastError: string | null;
  occurredAt: string;
}

/** The origin of a sink URL: its path and query may carry a key, so they never reach a message. */
export function sinkOrigin(sink: string): string {
  try {
    const url = new URL(sink);
    return url.origin === 'null' ? `${url.protocol}` : url.origin;
  } catch {
    return '(invalid sink URL)';
  }
}

export function notificationOfDeadDelivery(d: DeadDeliveryFacts, workerName?: string): Notification {
  const origin = sinkOrigin(d.sink);
  return {
    route: 'dead-letter',
    // The same death is one notification; a replay that dies again is a new one. The sink by its hash: the
    // key is stored, and a sink's URL may hold a key of its own.
    sourceKey: `dead-letter:${d.eventId}:${createHash('sha256').update(d.sink).digest('hex').slice(0, 16)}:${d.replays}`,
    workerId: d.workerId,
    ...(workerName ? { workerName } : {}),
    occurredAt: d.occurredAt,
    eventId: d.eventId,
    eventType: d.eventType,
    labId: d.labId,
    sink: origin,
    attempts: d.attempts,
    // Errors of the HTTP sender name no URL, but a sink's own path never goes out in a message.
    lastError: d.lastError === null ? null : d.lastError.split(d.sink).join(origin),
  };
}
