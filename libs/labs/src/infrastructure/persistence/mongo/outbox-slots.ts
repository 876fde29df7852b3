import { OutboxDelivery, OutboxEntry } from '../../../application/ports/lab-event-outbox';
import { outboxDueOf } from '../../../application/outbox/outbox-due';
import { outboxEventFromData } from './lab-record.mapper';
import { LabRecordDocument, StoredOutboxEvent } from './lab-record.schema';

/**
 * One event of a record's outbox, where the document keeps it: `removal` (the tombstone's event)
 * or `pastEvents.<k>` (events of states the record has left: a removal a restore undid, and the
 * restore). Writes address a slot by its path, since FerretDB has no positional `$` operator.
 */
export interface OutboxSlot {
  path: string;
  event: Record<string, unknown>;
  deliveries: OutboxDelivery[];
}

export function deliveriesFrom(stored: readonly Record<string, unknown>[] | undefined): OutboxDelivery[] {
  return ((stored ?? []) as unknown as OutboxDelivery[]).map((d) => ({
    sink: d.sink,
    status: d.status,
    attempts: d.attempts,
    replays: d.replays ?? 0,
    nextAttemptAt: new Date(d.nextAttemptAt),
    lastError: d.lastError ?? null,
    deliveredAt: d.deliveredAt ? new Date(d.deliveredAt) : null,
  }));
}

/** The slots of a document, oldest event first. */
export function outboxSlotsOf(doc: LabRecordDocument): OutboxSlot[] {
  const slots: OutboxSlot[] = (doc.pastEvents ?? []).map((past, k) => ({
    path: `pastEvents.${k}`,
    event: past.event,
    deliveries: deliveriesFrom(past.deliveries),
  }));
  if (doc.removal)
    slots.push({
      path: 'removal',
      event: doc.removal.event,
      deliveries: deliveriesFrom(doc.removal.deliveries),
    });
  return slots;
}

export function entryOf(
  doc: Pick<LabRecordDocument, '_id' | 'owner' | 'ownerUsername'>,
  slot: OutboxSlot,
): OutboxEntry {
  return {
    recordId: doc._id,
    event: outboxEventFromData(slot.event),
    deliveries: slot.deliveries,
    owner: { id: doc.owner ?? '', username: doc.ownerUsername ?? '' },
  };
}

/** When the document next needs the relay: the earliest pending delivery of any of its events. */
export function documentDueOf(slots: readonly Pick<OutboxSlot, 'deliveries'>[]): Date | null {
  return outboxDueOf(slots.flatMap((s) => s.deliveries));
}

/** Whether a stored event still has a delivery to make or to replay (pending or dead). */
export function isUnsettled(event: StoredOutboxEvent): boolean {
  return deliveriesFrom(event.deliveries).some((d) => d.status !== 'delivered');
}
