import { auditEventKey, LabAuditEvent } from '../domain/lab-audit-event';
import {
  AuditEventFilter,
  AuditEventRepository,
  StoredAuditEvent,
} from '../application/ports/audit-event.repository';

/** One stored event as MongoAuditEventRepository writes its document: `_id` is source|id, times are instants. */
interface InMemoryAuditEventDocument {
  _id: string;
  source: string;
  id: string;
  type: string;
  subject: string | null;
  time: Date;
  workerId: string;
  labId: string;
  data: Record<string, unknown>;
  receivedAt: Date;
}

/** MongoDB compares strings by their UTF-8 bytes (no collation), which is not always JavaScript's `<`. */
function compareAsMongo(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** `time` descending, then `_id` descending: the sort of MongoAuditEventRepository.find. */
function newestFirst(a: InMemoryAuditEventDocument, b: InMemoryAuditEventDocument): number {
  return b.time.getTime() - a.time.getTime() || compareAsMongo(b._id, a._id);
}

/**
 * A deep copy as the driver writes a document: `undefined` becomes null (its default, ignoreUndefined
 * off), in objects and arrays alike, so that what is read back is what MongoDB would give.
 */
function asStored(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(asStored);
  if (typeof value !== 'object' || value === null || value instanceof Date) return structuredClone(value);
  return Object.fromEntries(Object.entries(value).map(([key, nested]) => [key, asStored(nested)]));
}

/** What the driver does with a find's limit: 0 is no limit, a negative one counts as its absolute value. */
function limited<T>(items: T[], limit: number): T[] {
  return limit === 0 ? items : items.slice(0, Math.abs(limit));
}

/**
 * AuditEventRepository without a database, keeping the port's contract as MongoAuditEventRepository
 * does (the cases of audit-event-repository.contract.ts, which pass on FerretDB too): one document per
 * `${source}|${id}` key (a second insert of the key stores nothing and answers false, whatever it
 * carries); `time` and `receivedAt` kept as instants (millisecond precision, read back as ISO 8601
 * UTC), `undefined` inside data as null; find filters on exact workerId, labId and type and on
 * `time >= since`, sorts newest `time` first with the key breaking ties, and returns at most `limit`.
 * Nothing stored aliases what a caller passed or was given.
 */
export class InMemoryAuditEventRepository extends AuditEventRepository {
  /** When set, every call throws this and stores nothing (a database that is down). */
  failWith: Error | null = null;
  private readonly documents = new Map<string, InMemoryAuditEventDocument>();

  async insertOnce(event: LabAuditEvent, receivedAt: Date): Promise<boolean> {
    if (this.failWith) throw this.failWith;
    const key = auditEventKey(event);
    if (this.documents.has(key)) return false;
    this.documents.set(key, {
      _id: key,
      source: event.source,
      id: event.id,
      type: event.type,
      subject: event.subject ?? null,
      time: new Date(event.time),
      workerId: event.workerId,
      labId: event.labId,
      data: asStored(event.data) as Record<string, unknown>,
      receivedAt: new Date(receivedAt),
    });
    return true;
  }

  async find(filter: AuditEventFilter): Promise<StoredAuditEvent[]> {
    if (this.failWith) throw this.failWith;
    const matching = [...this.documents.values()].filter(
      (doc) =>
        (filter.workerId === undefined || doc.workerId === filter.workerId) &&
        (filter.labId === undefined || doc.labId === filter.labId) &&
        (filter.type === undefined || doc.type === filter.type) &&
        (filter.since === undefined || doc.time.getTime() >= filter.since.getTime()),
    );
    return limited(matching.sort(newestFirst), filter.limit).map((doc) => ({
      source: doc.source,
      id: doc.id,
      type: doc.type,
      subject: doc.subject,
      time: doc.time.toISOString(),
      workerId: doc.workerId,
      labId: doc.labId,
      data: structuredClone(doc.data),
      receivedAt: doc.receivedAt.toISOString(),
    }));
  }

  /** How many events are stored: what a spec counts to see that a duplicate wrote nothing. */
  get size(): number {
    return this.documents.size;
  }
}
