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
      .flatMap(([id, d]) => toEntry(id, d));
  }

  async findByRecordId(recordId: string): Promise<OutboxEntry | null> {
    const doc = this.labs.documents.get(recordId);
    return doc ? (toEntry(recordId, doc)[0] ?? null) : null;
  }

  async findByEventId(eventId: string): Promise<OutboxEntry | null> {
    const found = this.byEventId(eventId);
    return found ? (toEntry(...found)[0] ?? null) : null;
  }

  async claim(claimKey: string, now: Date, ttlMs: number): Promise<boolean> {
    const existing = this.claims.get(claimKey);
    if (existing && now.getTime() - existing.getTime() < ttlMs) return false;
    this.claims.set(claimKey, new Date(now));
    return true;
  }

  async recordAttempt(recordId: string, sinkIndex: number, delivery: OutboxDelivery): Promise<void> {
    const doc = this.labs.documents.get(recordId);
    if (!doc?.props.removal) return;
    doc.deliveries[sinkIndex] = copyDelivery(delivery);
    doc.outboxDue = outboxDueOf(doc.deliveries);
    if (delivery.status === 'dead') doc.outboxHasDead = true;
  }

  async resettle(recordId: string): Promise<void> {
    const doc = this.labs.documents.get(recordId);
    if (!doc?.props.removal) return;
    doc.outboxDue = outboxDueOf(doc.deliveries);
  }

  async count(status: 'pending' | 'dead'): Promise<number> {
    return this.docs().filter(([, d]) => hasStatus(d, status)).length;
  }

  async list(status: 'pending' | 'dead', limit: number): Promise<OutboxEntry[]> {
    return this.docs()
      .filter(([, d]) => hasStatus(d, status))
      .slice(0, limit)
      .flatMap(([id, d]) => toEntry(id, d))
      .map((e) => ({ ...e, deliveries: e.deliveries.filter((d) => d.status === status) }));
  }

  async retry(eventId: string, now: Date): Promise<boolean> {
    const found = this.byEventId(eventId);
    if (!found) return false;
    const [, doc] = found;
    doc.deliveries = doc.deliveries.map((d) =>
      d.status === 'dead'
        ? {
            ...d,
            status: 'pending' as const,
            attempts: 0,
            replays: d.replays + 1,
            nextAttemptAt: new Date(now),
          }
        : d,
    );
    doc.outboxDue = outboxDueOf(doc.deliveries);
    doc.outboxHasDead = false;
    return true;
  }

  async purgeTombstones(before: Date): Promise<number> {
    let purged = 0;
    for (const [id, doc] of this.docs()) {
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
    return this.docs().find(([, d]) => d.props.removal?.event.eventId === eventId);
  }
}

function hasStatus(doc: InMemoryLabDocument, status: 'pending' | 'dead'): boolean {
  return status === 'pending' ? doc.outboxDue !== null : doc.outboxHasDead;
}

/** The entry of a tombstone; none for a live record. */
function toEntry(recordId: string, doc: InMemoryLabDocument): OutboxEntry[] {
  const removal = doc.props.removal;
  if (!removal) return [];
  return [
    {
      recordId,
      event: copyRemovalEvent(removal.event),
      deliveries: doc.deliveries.map(copyDelivery),
      owner: { id: doc.props.owner, username: doc.props.ownerUsername },
    },
  ];
}
