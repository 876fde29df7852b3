import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import {
  DeliveryStatus,
  LabEventOutbox,
  OutboxDelivery,
  OutboxEntry,
} from '../../../application/ports/lab-event-outbox';
import { removalEventFromData } from './lab-record.mapper';
import { LabRecordDocument } from './lab-record.schema';

type Doc = LabRecordDocument;

function toEntry(doc: Doc): OutboxEntry | null {
  if (!doc.removal) return null;
  const deliveries = ((doc.removal.deliveries ?? []) as unknown as OutboxDelivery[]).map((d) => ({
    sink: d.sink,
    status: d.status as DeliveryStatus,
    attempts: d.attempts,
    replays: d.replays ?? 0,
    nextAttemptAt: new Date(d.nextAttemptAt),
    lastError: d.lastError ?? null,
    deliveredAt: d.deliveredAt ? new Date(d.deliveredAt) : null,
  }));
  return { recordId: doc._id, event: removalEventFromData(doc.removal.event), deliveries };
}

/** The outbox kept in the tombstones of `lab_records`; claims are inserts into `outbox_claims`. */
@Injectable()
export class MongoLabEventOutbox extends LabEventOutbox {
  constructor(@InjectModel(LabRecordDocument.name) private readonly model: Model<LabRecordDocument>) {
    super();
  }

  async findDue(now: Date, limit: number): Promise<OutboxEntry[]> {
    const docs = await this.model.collection
      .find<Doc>({ outboxDue: { $lte: now } })
      .sort({ outboxDue: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toEntry).filter((e): e is OutboxEntry => e !== null);
  }

  async findByRecordId(recordId: string): Promise<OutboxEntry | null> {
    const doc = await this.model.collection.findOne<Doc>({ _id: recordId as never });
    return doc ? toEntry(doc) : null;
  }

  async findByEventId(eventId: string): Promise<OutboxEntry | null> {
    const doc = await this.model.collection.findOne<Doc>({ 'removal.event.eventId': eventId });
    return doc ? toEntry(doc) : null;
  }

  /**
   * An insert is the one conditional write FerretDB v1 performs atomically (its conditional
   * updates re-check nothing), so the claim of an attempt is a document with a unique `_id`.
   */
  async claim(claimKey: string, now: Date, ttlMs: number): Promise<boolean> {
    const _id = claimKey;
    if (await this.insertClaim(_id, now)) return true;
    // A sender that claimed this attempt and died before recording it would block the event
    // forever; once its claim is stale, remove it and race for a fresh one (still one winner).
    const existing = await this.claims().findOne<{ at: Date }>({ _id: _id as never });
    if (!existing || now.getTime() - new Date(existing.at).getTime() < ttlMs) return false;
    await this.claims().deleteOne({ _id: _id as never, at: existing.at });
    return this.insertClaim(_id, now);
  }

  private async insertClaim(_id: string, now: Date): Promise<boolean> {
    try {
      await this.claims().insertOne({ _id, at: now } as never);
      return true;
    } catch (error) {
      if (error instanceof mongo.MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  async recordAttempt(
    recordId: string,
    sinkIndex: number,
    delivery: OutboxDelivery,
    due: Date | null,
  ): Promise<void> {
    // By array index: FerretDB has no positional `$` operator.
    // `outboxHasDead` only ever goes up here (a concurrent attempt for another sink must not reset
    // it from a stale view); only a retry clears it.
    await this.model.collection.updateOne(
      { _id: recordId as never },
      {
        $set: {
          [`removal.deliveries.${sinkIndex}`]: delivery,
          outboxDue: due,
          ...(delivery.status === 'dead' ? { outboxHasDead: true } : {}),
        },
      },
    );
  }

  count(status: 'pending' | 'dead'): Promise<number> {
    return this.model.collection.countDocuments(
      status === 'pending' ? { outboxDue: { $ne: null } } : { outboxHasDead: true },
    );
  }

  async list(status: 'pending' | 'dead', limit: number): Promise<OutboxEntry[]> {
    const docs = await this.model.collection
      // Top-level flags, not a match inside the deliveries array: simple filters behave the same on
      // FerretDB and MongoDB.
      .find<Doc>(status === 'pending' ? { outboxDue: { $ne: null } } : { outboxHasDead: true })
      .limit(limit)
      .toArray();
    return docs
      .map(toEntry)
      .filter((e): e is OutboxEntry => e !== null)
      .map((e) => ({ ...e, deliveries: e.deliveries.filter((d) => d.status === status) }));
  }

  async retry(eventId: string, now: Date): Promise<boolean> {
    const entry = await this.findByEventId(eventId);
    if (!entry) return false;
    const deliveries = entry.deliveries.map((d) =>
      d.status === 'dead'
        ? { ...d, status: 'pending' as const, attempts: 0, replays: d.replays + 1, nextAttemptAt: now }
        : d,
    );
    const due = deliveries.some((d) => d.status === 'pending') ? now : null;
    await this.model.collection.updateOne(
      { _id: entry.recordId as never },
      {
        $set: { 'removal.deliveries': deliveries, outboxDue: due, outboxHasDead: false },
      },
    );
    return true;
  }

  async purgeTombstones(before: Date): Promise<number> {
    const result = await this.model.collection.deleteMany({
      removal: { $ne: null },
      'removal.at': { $lt: before },
      outboxDue: null,
      outboxHasDead: { $ne: true },
    });
    await this.claims().deleteMany({ at: { $lt: before } });
    return result.deletedCount;
  }

  private claims() {
    return this.model.db.collection('outbox_claims');
  }
}
