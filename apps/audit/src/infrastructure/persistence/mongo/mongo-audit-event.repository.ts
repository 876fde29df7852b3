import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter } from 'mongoose';
import { auditEventKey, LabAuditEvent } from '../../../domain/lab-audit-event';
import {
  AuditEventCriteria,
  AuditEventFilter,
  AuditEventRepository,
  StoredAuditEvent,
} from '../../../application/ports/audit-event.repository';
import { AuditEventDocument } from './audit-event.schema';
import { UniqueClaims } from '@app/common';
import { TracedDbWrite } from '@app/telemetry';

/** The audit trail's total order (see AuditEventRepository.find); every index of the schema ends in it. */
const NEWEST_FIRST = { time: -1, _id: -1 } as const;

/** Documents a stream asks the database for at a time: what it holds in memory at most, besides the socket's. */
export const AUDIT_STREAM_BATCH_SIZE = 500;

function toStored(doc: AuditEventDocument): StoredAuditEvent {
  return {
    source: doc.source,
    id: doc.id,
    type: doc.type,
    subject: doc.subject ?? null,
    time: new Date(doc.time).toISOString(),
    workerId: doc.workerId,
    labId: doc.labId,
    data: doc.data,
    receivedAt: new Date(doc.receivedAt).toISOString(),
  };
}

/**
 * The filter of `criteria`. The order of the keys matters on FerretDB only (patch 0003 answers the first
 * top-level equality on an indexed field from its index, and reads every other condition per document):
 * the usually most selective field comes first. MongoDB picks its index whatever the order.
 */
function filterOf(criteria: AuditEventCriteria): QueryFilter<AuditEventDocument> {
  const query: QueryFilter<AuditEventDocument> = {};
  if (criteria.labId !== undefined) query.labId = criteria.labId;
  if (criteria.deletedBy !== undefined) query.deletedBy = criteria.deletedBy;
  if (criteria.owner !== undefined) query.owner = criteria.owner;
  if (criteria.workerId !== undefined) query.workerId = criteria.workerId;
  if (criteria.type !== undefined) query.type = criteria.type;
  const time: { $gte?: Date; $lt?: Date; $lte?: Date } = {};
  if (criteria.since !== undefined) time.$gte = criteria.since;
  if (criteria.until !== undefined) time.$lt = criteria.until;
  if (criteria.after !== undefined) {
    // After the position in (time desc, _id desc): an older time, or the same time and a smaller key. The
    // `$lte` on time alone is redundant for the answer but is a plain range, which both databases can use.
    time.$lte = criteria.after.time;
    query.$or = [
      { time: { $lt: criteria.after.time } },
      { time: criteria.after.time, _id: { $lt: criteria.after.key } },
    ];
  }
  if (Object.keys(time).length > 0) query.time = time;
  return query;
}

/** The document an event is stored as (exported for tests that seed a large trail with one insertMany). */
export function auditEventDocumentOf(event: LabAuditEvent, receivedAt: Date): AuditEventDocument {
  return {
    _id: auditEventKey(event),
    source: event.source,
    id: event.id,
    type: event.type,
    subject: event.subject,
    time: new Date(event.time),
    workerId: event.workerId,
    labId: event.labId,
    owner: event.data.owner,
    deletedBy: event.kind === 'lab.deleted' ? event.data.deletedBy : null,
    data: { ...event.data },
    receivedAt,
  };
}

@Injectable()
export class MongoAuditEventRepository extends AuditEventRepository {
  private readonly claims: UniqueClaims<AuditEventDocument>;

  constructor(@InjectModel(AuditEventDocument.name) private readonly model: Model<AuditEventDocument>) {
    super();
    this.claims = new UniqueClaims(model);
  }

  /**
   * A plain insert, not an upsert: an insert with a unique `_id` is the one write FerretDB v1
   * decides atomically, so of N concurrent deliveries exactly one stores the event.
   */
  @TracedDbWrite('audit_events', 'insert')
  async insertOnce(event: LabAuditEvent, receivedAt: Date): Promise<boolean> {
    const doc = auditEventDocumentOf(event, receivedAt);
    // Stored once: a redelivery's insert finds the key taken.
    return this.claims.claim(doc);
  }

  async find(filter: AuditEventFilter): Promise<StoredAuditEvent[]> {
    const docs = await this.model
      .find(filterOf(filter))
      .sort(NEWEST_FIRST)
      .limit(filter.limit)
      .lean<AuditEventDocument[]>()
      .exec();
    return docs.map(toStored);
  }

  async *stream(criteria: AuditEventCriteria): AsyncGenerator<StoredAuditEvent> {
    const cursor = this.model
      .find(filterOf(criteria))
      .sort(NEWEST_FIRST)
      .lean<AuditEventDocument>()
      .cursor({ batchSize: AUDIT_STREAM_BATCH_SIZE });
    try {
      for (let doc = await cursor.next(); doc !== null; doc = await cursor.next()) {
        yield toStored(doc);
      }
    } finally {
      // Also when the consumer stops early (a client gone mid-download): the server-side cursor goes too. A
      // failure to close (the connection is gone, or the query never started) must not hide why we stopped.
      await cursor.close().catch(() => undefined);
    }
  }
}
