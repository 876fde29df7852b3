import { auditEventKey, LabAuditEvent } from '../domain/lab-audit-event';
import { compareNewestFirst } from '../domain/audit-event-position';
import {
  AuditEventCriteria,
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
  owner: string;
  deletedBy: string | null;
  data: Record<string, unknown>;
  receivedAt: Date;
}

/** `time` descending, then `_id` descending (by UTF-8 bytes): the sort of MongoAuditEventRepository.find. */
function newestFirst(a: InMemoryAuditEventDocument, b: InMemoryAuditEventDocument): number {
  return compareNewestFirst({ time: a.time, key: a._id }, { time: b.time, key: b._id });
}

function matches(doc: InMemoryAuditEventDocument, c: AuditEventCriteria): boolean {
  return (
    (c.workerId === undefined || doc.workerId === c.workerId) &&
    (c.labId === undefined || doc.labId === c.labId) &&
    (c.type === undefined || doc.type === c.type) &&
    (c.owner === undefined || doc.owner === c.owner) &&
    (c.deletedBy === undefined || doc.deletedBy === c.deletedBy) &&
    (c.since === undefined || doc.time.getTime() >= c.since.getTime()) &&
    (c.until === undefined || doc.time.getTime() < c.until.getTime()) &&
    (c.after === undefined || compareNewestFirst(c.after, { time: doc.time, key: doc._id }) < 0)
  );
}

function toStored(doc: InMemoryAuditEventDocument): StoredAuditEvent {
  return {
    source: doc.source,
    id: doc.id,
    type: doc.type,
    subject: doc.subject,
    time: doc.time.toISOString(),
    workerId: doc.workerId,
    labId: doc.labId,
    data: structuredClone(doc.data),
    receivedAt: doc.receivedAt.toISOString(),
  };
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
 * UTC), `undefined` inside data as null; find filters on exact workerId, labId, type, owner and
 * deletedBy, on `since <= time < until` and on positions after `after`, sorts newest `time` first with the key
 * breaking ties, and returns at most `limit`; stream yields the same order without a limit.
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
      owner: event.data.owner,
      deletedBy: event.kind === 'lab.deleted' ? event.data.deletedBy : null,
      data: asStored(event.data) as Record<string, unknown>,
      receivedAt: new Date(receivedAt),
    });
    return true;
  }

  async find(filter: AuditEventFilter): Promise<StoredAuditEvent[]> {
    if (this.failWith) throw this.failWith;
    const matching = [...this.documents.values()].filter((doc) => matches(doc, filter));
    return limited(matching.sort(newestFirst), filter.limit).map(toStored);
  }

  /**
   * Reads as a database cursor does: the matching keys are taken when the stream starts, each document as it
   * is pulled. `streamsOpen` counts the streams not ended yet (a consumer that stops early ends its stream).
   */
  async *stream(criteria: AuditEventCriteria): AsyncGenerator<StoredAuditEvent> {
    if (this.failWith) throw this.failWith;
    const keys = [...this.documents.values()]
      .filter((doc) => matches(doc, criteria))
      .sort(newestFirst)
      .map((doc) => doc._id);
    this.streamsOpen++;
    try {
      for (const key of keys) {
        if (this.failWith) throw this.failWith;
        const doc = this.documents.get(key);
        if (doc) yield toStored(doc);
      }
    } finally {
      this.streamsOpen--;
    }
  }

  /** Streams started and not ended yet. */
  streamsOpen = 0;

  /** How many events are stored: what a spec counts to see that a duplicate wrote nothing. */
  get size(): number {
    return this.documents.size;
  }
}
