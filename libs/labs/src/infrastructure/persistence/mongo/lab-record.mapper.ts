import { LabDeletedEvent } from '../../../domain/events/lab-deleted.event';
import { LabOrphanRemovedEvent } from '../../../domain/events/lab-orphan-removed.event';
import { LabRestoredEvent } from '../../../domain/events/lab-restored.event';
import {
  LabOutboxEvent,
  LabRecord,
  labRecordId,
  LabRemoval,
  LabRemovalEvent,
} from '../../../domain/lab-record.aggregate';
import { LabState } from '../../../domain/lab-state';
import { DeleteIntent } from '../../../domain/delete-intent';
import { LabRecordDocument, StoredDeleteIntent } from './lab-record.schema';

export function removalEventToData(event: LabOutboxEvent): Record<string, unknown> {
  const data: Record<string, unknown> = { ...event };
  if (data.traceparent === undefined) delete data.traceparent;
  if (data.deletedByUsername === undefined) delete data.deletedByUsername;
  return data;
}

export function removalEventFromData(data: Record<string, unknown>): LabRemovalEvent {
  const d = data as Record<string, never>;
  if (d.type === 'lab.deleted') {
    return new LabDeletedEvent(
      d.eventId,
      d.workerId,
      d.labId,
      d.labTitle,
      d.owner,
      d.deletedBy,
      d.alreadyAbsentInCml,
      d.occurredAt,
      d.traceparent ?? undefined,
      d.deletedByUsername ?? undefined,
    );
  }
  return new LabOrphanRemovedEvent(
    d.eventId,
    d.workerId,
    d.labId,
    d.labTitle,
    d.owner,
    d.trigger,
    d.reconciliationId,
    d.lastSeenAt,
    d.evidence,
    d.occurredAt,
    d.traceparent ?? undefined,
  );
}

/** Any event of a record's outbox, as stored. */
export function outboxEventFromData(data: Record<string, unknown>): LabOutboxEvent {
  const d = data as Record<string, never>;
  if (d.type !== 'lab.restored') return removalEventFromData(data);
  return new LabRestoredEvent(
    d.eventId,
    d.workerId,
    d.labId,
    d.labTitle,
    d.owner,
    d.restoredBy,
    d.removedAt,
    d.occurredAt,
    d.traceparent ?? undefined,
  );
}

/** One pending delivery per configured sink, due at `at`. */
export function pendingDeliveries(sinks: readonly string[], at: Date): Record<string, unknown>[] {
  return sinks.map((sink) => ({
    sink,
    status: 'pending',
    attempts: 0,
    replays: 0,
    nextAttemptAt: at,
    lastError: null,
    deliveredAt: null,
  }));
}

/** The removal with its outbox: one pending delivery per configured sink, written together. */
export function removalToDocument(
  removal: LabRemoval,
  sinks: readonly string[],
): NonNullable<LabRecordDocument['removal']> {
  return {
    kind: removal.kind,
    at: removal.at,
    event: removalEventToData(removal.event),
    deliveries: pendingDeliveries(sinks, removal.at),
  };
}

export function deleteIntentToDocument(intent: DeleteIntent): StoredDeleteIntent {
  return {
    by: intent.by,
    ...(intent.byUsername ? { byUsername: intent.byUsername } : {}),
    at: intent.at,
    force: intent.force,
    ...(intent.traceparent ? { traceparent: intent.traceparent } : {}),
  };
}

export function labRecordToDocument(record: LabRecord, sinks: readonly string[] = []): LabRecordDocument {
  const p = record.toProps();
  return {
    _id: labRecordId(p.workerId, p.labId),
    ...p,
    removal: p.removal ? removalToDocument(p.removal, sinks) : null,
    removedAt: p.removal ? p.removal.at : null,
    deleteIntent: p.deleteIntent ? deleteIntentToDocument(p.deleteIntent) : null,
    outboxDue: p.removal && sinks.length > 0 ? p.removal.at : null,
  };
}

export function labRecordFromDocument(doc: LabRecordDocument): LabRecord {
  return LabRecord.restore({
    workerId: doc.workerId,
    labId: doc.labId,
    title: doc.title,
    description: doc.description ?? '',
    notes: doc.notes ?? '',
    state: doc.state as LabState,
    owner: doc.owner ?? '',
    ownerUsername: doc.ownerUsername ?? '',
    ownerFullname: doc.ownerFullname ?? '',
    nodeCount: doc.nodeCount ?? 0,
    linkCount: doc.linkCount ?? 0,
    groups: doc.groups ?? [],
    cmlCreatedAt: doc.cmlCreatedAt ?? null,
    cmlModifiedAt: doc.cmlModifiedAt ?? null,
    firstSeenAt: new Date(doc.firstSeenAt),
    lastSyncedAt: new Date(doc.lastSyncedAt),
    version: doc.version,
    removal: doc.removal
      ? {
          kind: doc.removal.kind as LabRemoval['kind'],
          at: new Date(doc.removal.at),
          event: removalEventFromData(doc.removal.event),
        }
      : null,
    pendingOrphan: doc.pendingOrphan
      ? {
          detectedAt: new Date(doc.pendingOrphan.detectedAt),
          lastConfirmedAt: new Date(doc.pendingOrphan.lastConfirmedAt),
        }
      : null,
    fence: doc.fence ?? 0,
    deleteIntent: doc.deleteIntent
      ? {
          workerId: doc.workerId,
          labId: doc.labId,
          by: doc.deleteIntent.by,
          ...(doc.deleteIntent.byUsername ? { byUsername: doc.deleteIntent.byUsername } : {}),
          at: new Date(doc.deleteIntent.at),
          force: doc.deleteIntent.force,
          ...(doc.deleteIntent.traceparent ? { traceparent: doc.deleteIntent.traceparent } : {}),
        }
      : null,
  });
}
