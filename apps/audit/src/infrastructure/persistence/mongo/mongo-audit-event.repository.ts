import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter } from 'mongoose';
import { auditEventKey, LabAuditEvent } from '../../../domain/lab-audit-event';
import {
  AuditEventFilter,
  AuditEventRepository,
  StoredAuditEvent,
} from '../../../application/ports/audit-event.repository';
import { AuditEventDocument } from './audit-event.schema';
import { UniqueClaims } from '@app/common';
import { TracedDbWrite } from '@app/telemetry';

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
    const doc: AuditEventDocument = {
      _id: auditEventKey(event),
      source: event.source,
      id: event.id,
      type: event.type,
      subject: event.subject,
      time: new Date(event.time),
      workerId: event.workerId,
      labId: event.labId,
      data: { ...event.data },
      receivedAt,
    };
    // Stored once: a redelivery's insert finds the key taken.
    return this.claims.claim(doc);
  }

  async find(filter: AuditEventFilter): Promise<StoredAuditEvent[]> {
    const query: QueryFilter<AuditEventDocument> = {};
    if (filter.workerId !== undefined) query.workerId = filter.workerId;
    if (filter.labId !== undefined) query.labId = filter.labId;
    if (filter.type !== undefined) query.type = filter.type;
    if (filter.since !== undefined) query.time = { $gte: filter.since };
    const docs = await this.model
      .find(query)
      // _id breaks ties between events of the same instant, so pages are stable.
      .sort({ time: -1, _id: -1 })
      .limit(filter.limit)
      .lean<AuditEventDocument[]>()
      .exec();
    return docs.map(toStored);
  }
}
