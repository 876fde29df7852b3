import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeliveryStatus,
  LabEventOutbox,
  OutboxDelivery,
  OutboxEntry,
} from '../../../application/ports/lab-event-outbox';
import { outboxDueOf } from '../../../application/outbox/outbox-due';
import { removalEventFromData } from './lab-record.mapper';
import { LabRecordDocument } from './lab-record.schema';
import { OutboxClaimDocument, OutboxClaimSchema } from './outbox-claim.schema';
import { UniqueClaims } from '@app/common';

type Doc = LabRecordDocument;

/** A writer of one entry that died holding its lock: after this, the lock is taken over. */
const ENTRY_LOCK_STALE_MS = 10_000;
/** How long a writer waits for another writer of the same entry (one write takes milliseconds). */
const ENTRY_LOCK_WAIT_MS = 15_000;

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
  return {
    recordId: doc._id,
    event: removalEventFromData(doc.removal.event),
    deliveries,
    owner: { id: doc.owner ?? '', username: doc.ownerUsername ?? '' },
  };
}

/** The outbox kept in the tombstones of `lab_records`; claims are inserts into `outbox_claims`. */
@Injectable()
export class MongoLabEventOutbox extends LabEventOutbox {
  private readonly claimModel: Model<OutboxClaimDocument>;
  private readonly claims: UniqueClaims<OutboxClaimDocument>;

  constructor(@InjectModel(LabRecordDocument.name) private readonly model: Model<LabRecordDocument>) {
    super();
    // On the records' connection: the claims belong to this outbox alone, so no module registers them.
    this.claimModel = model.db.model<OutboxClaimDocument>(OutboxClaimDocument.name, OutboxClaimSchema);
    this.claims = new UniqueClaims(this.claimModel);
  }

  async findDue(now: Date, limit: number): Promise<OutboxEntry[]> {
    const docs = await this.model
      .find({ outboxDue: { $lte: now } })
      .sort({ outboxDue: 1 })
      .limit(limit)
      .lean<Doc[]>()
      .exec();
    return docs.map(toEntry).filter((e): e is OutboxEntry => e !== null);
  }

  async findByRecordId(recordId: string): Promise<OutboxEntry | null> {
    const doc = await this.model.findById(recordId).lean<Doc>().exec();
    return doc ? toEntry(doc) : null;
  }

  async findByEventId(eventId: string): Promise<OutboxEntry | null> {
    const doc = await this.model.findOne({ 'removal.event.eventId': eventId }).lean<Doc>().exec();
    return doc ? toEntry(doc) : null;
  }

  /** The claim of an attempt is a unique insert (see UniqueClaims). */
  async claim(claimKey: string, now: Date, ttlMs: number): Promise<boolean> {
    // A sender that claimed this attempt and died before recording it would block the event
    // forever; once its claim is stale, it is taken over.
    return this.claims.claimAttempt(claimKey, now, ttlMs);
  }

  async recordAttempt(recordId: string, sinkIndex: number, delivery: OutboxDelivery): Promise<void> {
    await this.withEntryLock(recordId, async () => {
      const entry = await this.findByRecordId(recordId);
      if (!entry) return;
      const deliveries = entry.deliveries.map((d, i) => (i === sinkIndex ? delivery : d));
      // By array index: FerretDB has no positional `$` operator. `outboxHasDead` only ever goes
      // up here; only a retry clears it.
      await this.model
        .updateOne(
          { _id: recordId },
          {
            $set: {
              [`removal.deliveries.${sinkIndex}`]: delivery,
              outboxDue: outboxDueOf(deliveries),
              ...(delivery.status === 'dead' ? { outboxHasDead: true } : {}),
            },
          },
        )
        .exec();
    });
  }

  async resettle(recordId: string): Promise<void> {
    await this.withEntryLock(recordId, async () => {
      const entry = await this.findByRecordId(recordId);
      if (!entry) return;
      await this.model
        .updateOne({ _id: recordId }, { $set: { outboxDue: outboxDueOf(entry.deliveries) } })
        .exec();
    });
  }

  /**
   * Runs a read-modify-write of one entry's deliveries and due time with nobody else writing it:
   * the fast path, the relay, two sinks, two replicas and a retry all write the same document,
   * and the due time must follow what is stored. The lock is a unique insert, the one conditional
   * write FerretDB v1 performs atomically (its conditional updates re-check nothing).
   */
  private async withEntryLock<T>(recordId: string, work: () => Promise<T>): Promise<T> {
    const key = `entry-lock#${recordId}`;
    const deadline = Date.now() + ENTRY_LOCK_WAIT_MS;
    for (let attempt = 0; !(await this.claim(key, new Date(), ENTRY_LOCK_STALE_MS)); attempt++) {
      if (Date.now() > deadline) throw new Error(`outbox entry ${recordId} stayed locked by another writer`);
      await sleep(Math.min(100, 5 * 2 ** attempt));
    }
    try {
      return await work();
    } finally {
      await this.claims.release(key);
    }
  }

  count(status: 'pending' | 'dead'): Promise<number> {
    return this.model
      .countDocuments(status === 'pending' ? { outboxDue: { $ne: null } } : { outboxHasDead: true })
      .exec();
  }

  async list(status: 'pending' | 'dead', limit: number): Promise<OutboxEntry[]> {
    const docs = await this.model
      // Top-level flags, not a match inside the deliveries array: simple filters behave the same on
      // FerretDB and MongoDB.
      .find(status === 'pending' ? { outboxDue: { $ne: null } } : { outboxHasDead: true })
      .limit(limit)
      .lean<Doc[]>()
      .exec();
    return docs
      .map(toEntry)
      .filter((e): e is OutboxEntry => e !== null)
      .map((e) => ({ ...e, deliveries: e.deliveries.filter((d) => d.status === status) }));
  }

  async retry(eventId: string, now: Date): Promise<boolean> {
    const found = await this.findByEventId(eventId);
    if (!found) return false;
    await this.withEntryLock(found.recordId, async () => {
      const entry = await this.findByRecordId(found.recordId);
      if (!entry) return;
      const deliveries = entry.deliveries.map((d) =>
        d.status === 'dead'
          ? { ...d, status: 'pending' as const, attempts: 0, replays: d.replays + 1, nextAttemptAt: now }
          : d,
      );
      await this.model
        .updateOne(
          { _id: entry.recordId },
          {
            $set: {
              'removal.deliveries': deliveries,
              outboxDue: outboxDueOf(deliveries),
              outboxHasDead: false,
            },
          },
        )
        .exec();
    });
    return true;
  }

  async purgeTombstones(before: Date): Promise<number> {
    const result = await this.model
      .deleteMany({
        removal: { $ne: null },
        'removal.at': { $lt: before },
        outboxDue: null,
        outboxHasDead: { $ne: true },
      })
      .exec();
    await this.claimModel.deleteMany({ at: { $lt: before } }).exec();
    return result.deletedCount;
  }
}
