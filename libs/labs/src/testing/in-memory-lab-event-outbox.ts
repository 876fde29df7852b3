import { outboxDueOf } from '../application/outbox/outbox-due';
import { LabEventOutbox, OutboxDelivery, OutboxEntry } from '../application/ports/lab-event-outbox';
import {
  copyDelivery,
  copyRemovalEvent,
  InMemoryLabDocument,
  InMemoryLabRecordRepository,
} from './in-memory-lab-record.repository';

/**
 * LabEventOutbox over the documents of an InMemoryLabRecordRepository, as MongoLabEventOutbox
 * works over `lab_records`: an entry is a tombstone's event and its deliveries; due means the
 * stored due time is at or before `now` (oldest first); every write recomputes the due time from
 * the deliveries as stored (outboxDueOf); a dead delivery sets the dead flag, which only a retry
 * clears; one claim per key wins until it is older than its TTL; the purge takes settled
 * tombstones only. Each call runs to completion without yielding, so writes to one entry are
 * serialised as the port promises.
 */
export class InMemoryLabEventOutbox extends LabEventOutbox {
  /** Claim key -> when it was claimed. */
  readonly claims = new Map<string, Date>();

  constructor(private readonly labs: InMemoryLabRecordRepository) {
    super();
  }

  async findDue(now: Date, limit: number): Promise<OutboxEntry[]> {
    return this.docs()
      .filter(([, d]) => d.outboxDue !== null && d.outboxDue.getTime() <= now.getTime())
      .sort(([, a], [, b]) => a.outboxDue!.getTime() - b.outboxDue!.getTime())
      .slice(0, limit)
      .flatMap(([id, d]) => {
        const entries = toEntries(id, d);
        const pending = entries.filter((e) => e.deliveries.some((x) => x.status === 'pending'));
        return pending.length > 0 ? pending : entries.slice(0, 1);
      });
  }

  async findByRecordId(recordId: string): Promise<OutboxEntry | null> {
    const doc = this.labs.documents.get(recordId);
    if (!doc) return null;
    const entries = toEntries(recordId, doc);
    return (doc.props.removal ? entries[entries.length - 1] : entries[0]) ?? null;
  }

  async findEntriesOf(recordId: string): Promise<OutboxEntry[]> {
    const doc = this.labs.documents.get(recordId);
    return doc ? toEntries(recordId, doc) : [];
  }

  async findByEventId(eventId: string): Promise<OutboxEntry | null> {
    const found = this.byEventId(eventId);
    return found ? (toEntries(...found).find((e) => e.event.eventId === eventId) ?? null) : null;
  }

  async claim(claimKey: string, now: Date, ttlMs: number): Promise<boolean> {
    const existing = this.claims.get(claimKey);
    if (existing && now.getTime() - existing.getTime() < ttlMs) return false;
    this.claims.set(claimKey, new Date(now));
    return true;
  }

  async recordAttempt(
    recordId: string,
    sinkIndex: number,
    delivery: OutboxDelivery,
    eventId?: string,
  ): Promise<void> {
    const doc = this.labs.documents.get(recordId);
    const deliveries = doc ? deliveriesOf(doc, eventId) : undefined;
    if (!doc || !deliveries) return;
    deliveries[sinkIndex] = copyDelivery(delivery);
    doc.outboxDue = dueOf(doc);
    if (delivery.status === 'dead') doc.outboxHasDead = true;
  }

  async resettle(recordId: string): Promise<void> {
    const doc = this.labs.documents.get(recordId);
    if (doc) doc.outboxDue = dueOf(doc);
  }

  async count(status: 'pending' | 'dead'): Promise<number> {
    return this.docs().filter(([, d]) => hasStatus(d, status)).length;
  }

  async list(status: 'pending' | 'dead', limit: number): Promise<OutboxEntry[]> {
    return this.docs()
      .filter(([, d]) => hasStatus(d, status))
      .slice(0, limit)
      .flatMap(([id, d]) => toEntries(id, d))
      .map((e) => ({ ...e, deliveries: e.deliveries.filter((d) => d.status === status) }))
      .filter((e) => e.deliveries.length > 0);
  }

  async retry(eventId: string, now: Date): Promise<boolean> {
    const found = this.byEventId(eventId);
    if (!found) return false;
    const [, doc] = found;
    const deliveries = deliveriesOf(doc, eventId)!;
    deliveries.splice(
      0,
      deliveries.length,
      ...deliveries.map((d) =>
        d.status === 'dead'
          ? {
              ...d,
              status: 'pending' as const,
              attempts: 0,
              replays: d.replays + 1,
              nextAttemptAt: new Date(now),
            }
          : d,
      ),
    );
    doc.outboxDue = dueOf(doc);
    // Another event of the record may still be dead.
    doc.outboxHasDead = allDeliveries(doc).some((d) => d.status === 'dead');
    return true;
  }

  async purgeTombstones(before: Date): Promise<number> {
    let purged = 0;
    for (const [id, doc] of this.docs()) {
      // removal.at is what MongoLabEventOutbox filters on as the top-level removedAt (always equal).
      const removal = doc.props.removal;
      if (removal && removal.at < before && doc.outboxDue === null && !doc.outboxHasDead) {
        this.labs.documents.delete(id);
        purged++;
      }
    }
    for (const [key, at] of this.claims) if (at < before) this.claims.delete(key);
    return purged;
  }

  private docs(): [string, InMemoryLabDocument][] {
    return [...this.labs.documents.entries()];
  }

  private byEventId(eventId: string): [string, InMemoryLabDocument] | undefined {
    return this.docs().find(([, d]) => toEntries('', d).some((e) => e.event.eventId === eventId));
  }
}

function hasStatus(doc: InMemoryLabDocument, status: 'pending' | 'dead'): boolean {
  return status === 'pending' ? doc.outboxDue !== null : doc.outboxHasDead;
}

/** The events a document stores, oldest first: its past events, then its tombstone's. */
function toEntries(recordId: string, doc: InMemoryLabDocument): OutboxEntry[] {
  const owner = { id: doc.props.owner, username: doc.props.ownerUsername };
  const entries = doc.pastEvents.map((p) => ({
    recordId,
    event: copyRemovalEvent(p.event),
    deliveries: p.deliveries.map(copyDelivery),
    owner,
  }));
  const removal = doc.props.removal;
  if (removal)
    entries.push({
      recordId,
      event: copyRemovalEvent(removal.event),
      deliveries: doc.deliveries.map(copyDelivery),
      owner,
    });
  return entries;
}

/** The stored deliveries (the array itself) of one event; the tombstone's when no id is given. */
function deliveriesOf(doc: InMemoryLabDocument, eventId?: string): OutboxDelivery[] | undefined {
  const removal = doc.props.removal;
  if (eventId === undefined || removal?.event.eventId === eventId)
    return removal ? doc.deliveries : undefined;
  return doc.pastEvents.find((p) => p.event.eventId === eventId)?.deliveries;
}

function allDeliveries(doc: InMemoryLabDocument): OutboxDelivery[] {
  return [...doc.pastEvents.flatMap((p) => p.deliveries), ...(doc.props.removal ? doc.deliveries : [])];
}

function dueOf(doc: InMemoryLabDocument): Date | null {
  return outboxDueOf(allDeliveries(doc));
}
