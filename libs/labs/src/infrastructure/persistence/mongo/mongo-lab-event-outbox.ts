import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { UniqueClaims } from '@app/common';
import { TracedDbWrite } from '@app/telemetry';
import { LabEventOutbox, OutboxDelivery, OutboxEntry } from '../../../application/ports/lab-event-outbox';
import { LabRecordDocument } from './lab-record.schema';
import { OutboxClaimDocument } from './outbox-claim.schema';
import { outboxClaimModel, OutboxEntryLock } from './outbox-entry-lock';
import { documentDueOf, entryOf, OutboxSlot, outboxSlotsOf } from './outbox-slots';
import { RemovedAtBackfill } from './removed-at-backfill';

type Doc = LabRecordDocument;

/**
 * The entries of a document that have a delivery pending, oldest event first; when none has (the
 * stored due time is stale), its first entry, so that the deliverer settles the due time.
 */
function dueEntries(doc: Doc): OutboxEntry[] {
  const slots = outboxSlotsOf(doc);
  const pending = slots.filter((s) => s.deliveries.some((d) => d.status === 'pending'));
  return (pending.length > 0 ? pending : slots.slice(0, 1)).map((s) => entryOf(doc, s));
}

/** The event of this id in a document, or the tombstone's event when no id is given. */
function slotOf(doc: Doc, eventId?: string): OutboxSlot | undefined {
  const slots = outboxSlotsOf(doc);
  return eventId === undefined
    ? slots.find((s) => s.path === 'removal')
    : slots.find((s) => s.event.eventId === eventId);
}

const BY_EVENT_ID = (eventId: string) => ({
  $or: [{ 'removal.event.eventId': eventId }, { 'pastEvents.event.eventId': eventId }],
});

/**
 * The record of `eventId` among those with a dead delivery: what an operator retries. The indexed top-level flag
 * comes first, so FerretDB reads the dead records only (patch 0003 pushes the first equality down; the event id is
 * a dotted path, which it cannot); MongoDB picks an index either way.
 */
export function deadEventFilter(eventId: string) {
  return { outboxHasDead: true, ...BY_EVENT_ID(eventId) };
}

/**
 * The tombstones the purge deletes: removed before `before`, every delivery settled, none dead. The date range on
 * an indexed top-level field is the condition FerretDB answers from an index (scripts/ferretdb-patches/0003):
 * only tombstones have a date in `removedAt`, so it reads the tombstones, not every record of every worker.
 */
export function purgeableTombstones(before: Date) {
  return {
    removedAt: { $lt: before },
    outboxDue: null,
    outboxHasDead: { $ne: true },
    // What makes a record a tombstone, checked on the rows the index gave (no index has it first: costs nothing).
    removal: { $ne: null },
  };
}

/**
 * The outbox kept in `lab_records`: each record's events (its tombstone's, and those of states it
 * left: see LabRecordDocument.pastEvents) with their deliveries; claims are inserts into
 * `outbox_claims`.
 */
@Injectable()
export class MongoLabEventOutbox extends LabEventOutbox {
  private readonly claimModel: Model<OutboxClaimDocument>;
  private readonly lock: OutboxEntryLock;
  private readonly claims: UniqueClaims<OutboxClaimDocument>;
  private readonly removedAtBackfill: RemovedAtBackfill;

  constructor(@InjectModel(LabRecordDocument.name) private readonly model: Model<LabRecordDocument>) {
    super();
    this.removedAtBackfill = new RemovedAtBackfill(model);
    this.claimModel = outboxClaimModel(model);
    this.claims = new UniqueClaims(this.claimModel);
    this.lock = new OutboxEntryLock(this.claims);
  }

  async findDue(now: Date, limit: number): Promise<OutboxEntry[]> {
    const docs = await this.model
      .find({ outboxDue: { $lte: now } })
      .sort({ outboxDue: 1 })
      .limit(limit)
      .lean<Doc[]>()
      .exec();
    return docs.flatMap(dueEntries);
  }

  async findByRecordId(recordId: string): Promise<OutboxEntry | null> {
    const doc = await this.model.findById(recordId).lean<Doc>().exec();
    const slot = doc ? (slotOf(doc) ?? outboxSlotsOf(doc)[0]) : undefined;
    return doc && slot ? entryOf(doc, slot) : null;
  }

  async findEntriesOf(recordId: string): Promise<OutboxEntry[]> {
    const doc = await this.model.findById(recordId).lean<Doc>().exec();
    return doc ? outboxSlotsOf(doc).map((s) => entryOf(doc, s)) : [];
  }

  async findByEventId(eventId: string): Promise<OutboxEntry | null> {
    const doc = await this.recordOfEvent<Doc>(eventId);
    const slot = doc ? slotOf(doc, eventId) : undefined;
    return doc && slot ? entryOf(doc, slot) : null;
  }

  /** The claim of an attempt is a unique insert (see UniqueClaims). */
  async claim(claimKey: string, now: Date, ttlMs: number): Promise<boolean> {
    // A sender that claimed this attempt and died before recording it would block the event
    // forever; once its claim is stale, it is taken over.
    return this.lock.claim(claimKey, now, ttlMs);
  }

  @TracedDbWrite('lab_records', 'updateOne')
  async recordAttempt(
    recordId: string,
    sinkIndex: number,
    delivery: OutboxDelivery,
    eventId?: string,
  ): Promise<void> {
    await this.rewrite(recordId, (doc) => {
      const slot = slotOf(doc, eventId);
      if (!slot) return null;
      const slots = outboxSlotsOf(doc).map((s) =>
        s.path === slot.path
          ? { ...s, deliveries: s.deliveries.map((d, i) => (i === sinkIndex ? delivery : d)) }
          : s,
      );
      // By array index: FerretDB has no positional `$` operator. `outboxHasDead` only ever goes
      // up here; only a retry clears it.
      return {
        slot,
        set: {
          [`${slot.path}.deliveries.${sinkIndex}`]: delivery,
          outboxDue: documentDueOf(slots),
          ...(delivery.status === 'dead' ? { outboxHasDead: true } : {}),
        },
      };
    });
  }

  async resettle(recordId: string): Promise<void> {
    await this.rewrite(recordId, (doc) => ({ set: { outboxDue: documentDueOf(outboxSlotsOf(doc)) } }));
  }

  /**
   * A read-modify-write of one record's outbox under its entry lock. The write is conditional on
   * the version read and on the event being where it was read: a removal (which writes the due
   * time of its own event) or a restore (which moves the removal's event) between the read and
   * the write makes it read again, so what is written always follows what is stored.
   */
  private async rewrite(
    recordId: string,
    change: (doc: Doc) => { slot?: OutboxSlot; set: Record<string, unknown> } | null,
  ): Promise<void> {
    await this.lock.run(recordId, async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const doc = await this.model.findById(recordId).lean<Doc>().exec();
        const planned = doc ? change(doc) : null;
        if (!doc || !planned) return;
        const filter: Record<string, unknown> = { _id: recordId, version: doc.version };
        if (planned.slot) filter[`${planned.slot.path}.event.eventId`] = planned.slot.event.eventId;
        const result = await this.model.updateOne(filter, { $set: planned.set }).exec();
        if (result.matchedCount === 1) return;
      }
      throw new Error(`outbox entry ${recordId} kept changing while its deliveries were recorded`);
    });
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
      .flatMap((doc) => outboxSlotsOf(doc).map((s) => entryOf(doc, s)))
      .map((e) => ({ ...e, deliveries: e.deliveries.filter((d) => d.status === status) }))
      .filter((e) => e.deliveries.length > 0);
  }

  async retry(eventId: string, now: Date): Promise<boolean> {
    const found = await this.recordOfEvent<Pick<Doc, '_id'>>(eventId, { _id: 1 });
    if (!found) return false;
    await this.rewrite(found._id, (doc) => {
      const slot = slotOf(doc, eventId);
      if (!slot) return null;
      const deliveries = slot.deliveries.map((d) =>
        d.status === 'dead'
          ? { ...d, status: 'pending' as const, attempts: 0, replays: d.replays + 1, nextAttemptAt: now }
          : d,
      );
      const slots = outboxSlotsOf(doc).map((s) => (s.path === slot.path ? { ...s, deliveries } : s));
      return {
        slot,
        set: {
          [`${slot.path}.deliveries`]: deliveries,
          outboxDue: documentDueOf(slots),
          // Another event of the record may still be dead.
          outboxHasDead: slots.some((s) => s.deliveries.some((d) => d.status === 'dead')),
        },
      };
    });
    return true;
  }

  /**
   * The record holding `eventId`: first among the dead ones (an operator's retry is of a dead event, and that
   * lookup reads only them on FerretDB), then among all, which reads the whole collection on FerretDB, for an
   * event that is pending, settled or unknown.
   */
  private async recordOfEvent<T>(eventId: string, projection?: Record<string, 1>): Promise<T | null> {
    return (
      (await this.model.findOne(deadEventFilter(eventId), projection).lean<T>().exec()) ??
      (await this.model.findOne(BY_EVENT_ID(eventId), projection).lean<T>().exec())
    );
  }

  async purgeTombstones(before: Date): Promise<number> {
    // Tombstones of older versions have no removedAt until this has run (once per database).
    await this.removedAtBackfill.ensureDone();
    const result = await this.model.deleteMany(purgeableTombstones(before)).exec();
    await this.claimModel.deleteMany({ at: { $lt: before } }).exec();
    return result.deletedCount;
  }
}
