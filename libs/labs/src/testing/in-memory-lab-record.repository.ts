import { Page } from '@app/common';
import {
  LabListFilter,
  LabRecordRepository,
  LabWriteResult,
} from '../application/ports/lab-record.repository';
import { OutboxDelivery } from '../application/ports/lab-event-outbox';
import { outboxDueOf } from '../application/outbox/outbox-due';
import { LabRestoredEvent } from '../domain/events/lab-restored.event';
import { LabOutboxEvent, LabRecord, LabRecordProps } from '../domain/lab-record.aggregate';
import { DeleteIntent } from '../domain/delete-intent';

/**
 * One stored lab record as the Mongo repository keeps it: the record, and with a removal the
 * outbox fields written by the same write (one pending delivery per sink, the due time, the
 * dead flag). InMemoryLabEventOutbox reads and writes the same documents.
 */
export interface InMemoryLabDocument {
  props: LabRecordProps;
  /** The tombstone's event's deliveries. */
  deliveries: OutboxDelivery[];
  /** Events of states the record left (a removal a restore undid, the restore), until settled. */
  pastEvents: { event: LabOutboxEvent; deliveries: OutboxDelivery[] }[];
  outboxDue: Date | null;
  outboxHasDead: boolean;
}

/** Copies an event with its class, so that what is stored never aliases what a caller holds. */
export function copyRemovalEvent<E extends LabOutboxEvent>(event: E): E {
  return Object.assign(
    Object.create(Object.getPrototypeOf(event) as object) as E,
    structuredClone({ ...event }),
  );
}

function copyProps(props: LabRecordProps): LabRecordProps {
  const { removal, ...rest } = props;
  return {
    ...structuredClone(rest),
    removal: removal
      ? { kind: removal.kind, at: new Date(removal.at), event: copyRemovalEvent(removal.event) }
      : null,
  };
}

export function copyDelivery(d: OutboxDelivery): OutboxDelivery {
  return {
    ...d,
    nextAttemptAt: new Date(d.nextAttemptAt),
    deliveredAt: d.deliveredAt ? new Date(d.deliveredAt) : null,
  };
}

/** The first key starting with `$` anywhere in a value: MongoDB and FerretDB refuse such documents. */
function forbiddenKey(value: unknown): string | null {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = forbiddenKey(item);
      if (found) return found;
    }
    return null;
  }
  if (typeof value !== 'object' || value === null || value instanceof Date) return null;
  for (const [key, nested] of Object.entries(value)) {
    if (key.startsWith('$')) return key;
    const found = forbiddenKey(nested);
    if (found) return found;
  }
  return null;
}

/** The number fields the schema casts; NaN and infinities fail the cast. */
function castFailureOf(props: LabRecordProps): string | null {
  for (const field of ['nodeCount', 'linkCount', 'version', 'fence'] as const) {
    if (!Number.isFinite(props[field]))
      return `Cast to Number failed for value "${props[field]}" at path "${field}"`;
  }
  return null;
}

/**
 * LabRecordRepository without a database, keeping the port's contract as MongoLabRecordRepository
 * does: records keyed by `${workerId}:${labId}`; tombstones stay (findByWorker and findOne return
 * them, page and findPendingOrphans do not); saveChanges inserts (a taken id is a conflict) and
 * updates only at `expectedVersion`, never over a tombstone nor over a record a newer fence wrote,
 * bumping the stored version; a document with a `$` key, or an update with a number that is not
 * one (Mongoose's cast), is refused alone; saveDeletion tombstones
 * unless removed already; removeAllForWorker keeps tombstones whose events are not settled.
 * Every read returns a fresh copy, so that a caller's changes reach the store only by a write.
 */
export class InMemoryLabRecordRepository extends LabRecordRepository {
  /** The stored documents, in insertion order (the natural order of a collection). */
  readonly documents = new Map<string, InMemoryLabDocument>();
  /** When set, every read throws this (a database that is down). */
  failReads: Error | null = null;
  /** When set, every write throws this and stores nothing. */
  failWrites: Error | null = null;

  /** @param sinks the configured CloudEvents sinks: a removal gets one pending delivery per sink. */
  constructor(private readonly sinks: readonly string[] = []) {
    super();
  }

  /** Stores records as they are (their version and fence included), bypassing every check. */
  seed(...records: LabRecord[]): void {
    for (const record of records) this.documents.set(record.id, this.toDocument(record.toProps()));
  }

  async findByWorker(workerId: string): Promise<LabRecord[]> {
    this.read();
    return this.where((d) => d.props.workerId === workerId).map(toRecord);
  }

  async findOne(workerId: string, labId: string): Promise<LabRecord | null> {
    this.read();
    const doc = this.documents.get(`${workerId}:${labId}`);
    return doc ? toRecord(doc) : null;
  }

  async findForDelete(intent: DeleteIntent): Promise<LabRecord | null> {
    this.write();
    const doc = this.documents.get(`${intent.workerId}:${intent.labId}`);
    if (!doc) return null;
    if (doc.props.removal === null) doc.props = { ...doc.props, deleteIntent: { ...intent } };
    return toRecord(doc);
  }

  async clearDeleteIntent(intent: DeleteIntent): Promise<void> {
    this.write();
    const doc = this.documents.get(`${intent.workerId}:${intent.labId}`);
    if (doc?.props.deleteIntent?.at.getTime() === intent.at.getTime())
      doc.props = { ...doc.props, deleteIntent: null };
  }

  async findPendingOrphans(workerId: string): Promise<LabRecord[]> {
    this.read();
    return this.where(
      (d) => d.props.workerId === workerId && d.props.removal === null && d.props.pendingOrphan !== null,
    ).map(toRecord);
  }

  async page(workerId: string, filter: LabListFilter): Promise<Page<LabRecord>> {
    this.read();
    const { afterLabId, state, owner, limit } = filter;
    const matching = this.where(
      (d) =>
        d.props.workerId === workerId &&
        d.props.removal === null &&
        (!afterLabId || d.props.labId > afterLabId) &&
        (!state || d.props.state === state) &&
        (!owner || d.props.owner === owner || d.props.ownerUsername === owner),
    ).sort((a, b) => (a.props.labId < b.props.labId ? -1 : a.props.labId > b.props.labId ? 1 : 0));
    const items = matching.slice(0, limit).map(toRecord);
    return { items, nextCursor: matching.length > limit ? items[items.length - 1].labId : null };
  }

  async saveChanges(
    created: LabRecord[],
    updated: { record: LabRecord; expectedVersion: number }[],
    fence?: number,
  ): Promise<LabWriteResult> {
    this.write();
    const result: LabWriteResult = { created: 0, updated: 0, conflicts: [], refused: [] };
    for (const record of created) {
      const props = record.toProps();
      const refusal = this.refusalOf(props);
      if (refusal) {
        result.refused.push({ labId: record.labId, error: refusal });
      } else if (this.documents.has(record.id)) {
        result.conflicts.push(record.labId);
      } else {
        this.documents.set(record.id, this.toDocument({ ...props, fence: fence ?? props.fence }));
        result.created++;
      }
    }
    for (const { record, expectedVersion } of updated) {
      // Mongoose casts an update before sending it: one it cannot cast is refused whatever is stored.
      const uncastable = castFailureOf(record.toProps());
      if (uncastable) {
        result.refused.push({ labId: record.labId, error: uncastable });
        continue;
      }
      const stored = this.documents.get(record.id);
      const matches =
        stored !== undefined &&
        stored.props.version === expectedVersion &&
        stored.props.removal === null &&
        (fence === undefined || stored.props.fence <= fence);
      if (!matches) {
        result.conflicts.push(record.labId);
        continue;
      }
      const props = record.toProps();
      const refusal = this.refusalOf(props);
      if (refusal) {
        result.refused.push({ labId: record.labId, error: refusal });
        continue;
      }
      // Like the Mongo update: an intent stored since the read survives it; a removal clears it.
      const deleteIntent = record.isRemoved ? null : stored.props.deleteIntent;
      const next = this.toDocument({
        ...props,
        deleteIntent,
        version: expectedVersion + 1,
        fence: fence ?? props.fence,
      });
      // Like the `$set` of the Mongo update: the dead flag and past events are not fields it
      // writes, nor is a live record's due time (a restore's pending event may own it).
      this.documents.set(record.id, {
        ...next,
        pastEvents: stored.pastEvents,
        outboxDue: record.isRemoved ? next.outboxDue : stored.outboxDue,
        outboxHasDead: stored.outboxHasDead,
      });
      result.updated++;
    }
    return result;
  }

  async saveDeletion(record: LabRecord, isNew: boolean): Promise<boolean> {
    this.write();
    const props = record.toProps();
    const stored = this.documents.get(record.id);
    if (isNew && !stored) {
      this.documents.set(record.id, this.toDocument(props));
      return true;
    }
    // A refresh created the record since the caller looked, or it existed: tombstone what is stored.
    if (!stored || stored.props.removal !== null) return false;
    const removed = this.toDocument(props);
    stored.props = {
      ...stored.props,
      removal: removed.props.removal,
      pendingOrphan: null,
      deleteIntent: null,
      version: stored.props.version + 1,
    };
    stored.deliveries = removed.deliveries;
    stored.outboxDue = removed.outboxDue;
    return true;
  }

  async saveRestoration(
    record: LabRecord,
    event: LabRestoredEvent,
    expected: { version: number; removalEventId: string },
    fence?: number,
  ): Promise<boolean> {
    this.write();
    const stored = this.documents.get(record.id);
    const removal = stored?.props.removal;
    if (!stored || !removal || stored.props.version !== expected.version) return false;
    if (removal.event.eventId !== expected.removalEventId) return false;
    if (fence !== undefined && stored.props.fence > fence) return false;
    const unsettled = (e: { deliveries: OutboxDelivery[] }) =>
      e.deliveries.some((d) => d.status !== 'delivered');
    const at = new Date(event.occurredAt);
    const pastEvents = [
      ...stored.pastEvents,
      { event: copyRemovalEvent(removal.event), deliveries: stored.deliveries },
      { event: copyRemovalEvent(event), deliveries: this.pendingDeliveries(at) },
    ].filter(unsettled);
    const { removal: _r, deleteIntent: _i, ...props } = record.toProps();
    this.documents.set(record.id, {
      props: copyProps({
        ...props,
        removal: null,
        pendingOrphan: null,
        deleteIntent: null,
        version: expected.version + 1,
        fence: fence ?? stored.props.fence,
      }),
      deliveries: [],
      pastEvents,
      outboxDue: outboxDueOf(pastEvents.flatMap((e) => e.deliveries)),
      outboxHasDead: stored.outboxHasDead,
    });
    return true;
  }

  async findRemoved(workerId: string, limit: number): Promise<LabRecord[]> {
    this.read();
    return this.where((d) => d.props.workerId === workerId && d.props.removal !== null)
      .sort((a, b) => b.props.removal!.at.getTime() - a.props.removal!.at.getTime())
      .slice(0, limit)
      .map(toRecord);
  }

  async removeAllForWorker(workerId: string): Promise<number> {
    this.write();
    let removed = 0;
    for (const [id, doc] of this.documents) {
      if (doc.props.workerId !== workerId) continue;
      if (doc.outboxDue === null && !doc.outboxHasDead) {
        this.documents.delete(id);
        removed++;
      }
    }
    return removed;
  }

  private toDocument(props: LabRecordProps): InMemoryLabDocument {
    const stored = copyProps(props);
    const at = stored.removal?.at;
    return {
      props: stored,
      deliveries: at ? this.pendingDeliveries(at) : [],
      pastEvents: [],
      outboxDue: at && this.sinks.length > 0 ? new Date(at) : null,
      outboxHasDead: false,
    };
  }

  private pendingDeliveries(at: Date): OutboxDelivery[] {
    return this.sinks.map((sink) => ({
      sink,
      status: 'pending' as const,
      attempts: 0,
      replays: 0,
      nextAttemptAt: new Date(at),
      lastError: null,
      deliveredAt: null,
    }));
  }

  private refusalOf(props: LabRecordProps): string | null {
    const key = forbiddenKey(props);
    return key ? `document field names must not start with '$': ${key}` : null;
  }

  private where(test: (doc: InMemoryLabDocument) => boolean): InMemoryLabDocument[] {
    return [...this.documents.values()].filter(test);
  }

  private read(): void {
    if (this.failReads) throw this.failReads;
  }

  private write(): void {
    if (this.failWrites) throw this.failWrites;
  }
}

function toRecord(doc: InMemoryLabDocument): LabRecord {
  return LabRecord.restore(copyProps(doc.props));
}
