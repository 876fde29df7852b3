import { Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectModel } from '@nestjs/mongoose';
import { AnyBulkWriteOperation, Model, mongo, QueryFilter } from 'mongoose';
import { AppConfig, isDuplicateKeyError, Page, UniqueClaims } from '@app/common';
import { INTERNAL_NOTIFICATIONS_SINK, NotificationIntake } from '@app/notifications';
import { TracedDbWrite } from '@app/telemetry';
import { LabRestoredEvent } from '../../../domain/events/lab-restored.event';
import {
  LabListFilter,
  LabRecordRepository,
  LabWriteResult,
} from '../../../application/ports/lab-record.repository';
import { LabRecord, labRecordId } from '../../../domain/lab-record.aggregate';
import { DeleteIntent } from '../../../domain/delete-intent';
import {
  deleteIntentToDocument,
  labRecordFromDocument,
  labRecordToDocument,
  pendingDeliveries,
  removalEventToData,
} from './lab-record.mapper';
import { LabRecordDocument, StoredOutboxEvent } from './lab-record.schema';
import { outboxClaimModel, OutboxEntryLock } from './outbox-entry-lock';
import { deliveriesFrom, documentDueOf, isUnsettled } from './outbox-slots';

type Doc = LabRecordDocument;

@Injectable()
export class MongoLabRecordRepository extends LabRecordRepository {
  private readonly sinks: readonly string[];
  private readonly outboxLock: OutboxEntryLock;

  constructor(
    @InjectModel(LabRecordDocument.name) private readonly model: Model<LabRecordDocument>,
    @Optional() config?: AppConfig,
    @Optional() notifications?: NotificationIntake,
  ) {
    super();
    // The notifications of a removal are one more delivery of its event, written by the same write: a crash
    // right after the removal still notifies (the relay finds the delivery pending).
    this.sinks = [
      ...(config?.cloudEventsSinks ?? []),
      ...(notifications?.notifiesRemovals ? [INTERNAL_NOTIFICATIONS_SINK] : []),
    ];
    this.outboxLock = new OutboxEntryLock(new UniqueClaims(outboxClaimModel(model)));
  }

  async findByWorker(workerId: string): Promise<LabRecord[]> {
    // One round trip for a worker's records, not one per 101 documents.
    const docs = await this.model.find({ workerId }).batchSize(100_000).lean<Doc[]>().exec();
    return docs.map(labRecordFromDocument);
  }

  async findPendingOrphans(workerId: string): Promise<LabRecord[]> {
    const docs = await this.model
      .find({ workerId, removal: null, pendingOrphan: { $ne: null } })
      .batchSize(10_000)
      .lean<Doc[]>()
      .exec();
    return docs.map(labRecordFromDocument);
  }

  async findOne(workerId: string, labId: string): Promise<LabRecord | null> {
    const doc = await this.model.findById(labRecordId(workerId, labId)).lean<Doc>().exec();
    return doc ? labRecordFromDocument(doc) : null;
  }

  @TracedDbWrite('lab_records', 'findOneAndUpdate')
  async findForDelete(intent: DeleteIntent): Promise<LabRecord | null> {
    const _id = labRecordId(intent.workerId, intent.labId);
    const doc = await this.model
      .findOneAndUpdate(
        { _id, removal: null },
        { $set: { deleteIntent: deleteIntentToDocument(intent) } },
        { returnDocument: 'after' },
      )
      .lean<Doc>()
      .exec();
    // Nothing matched: no record (one more read, rare: the lab was never synced), or a tombstone.
    return doc ? labRecordFromDocument(doc) : this.findOne(intent.workerId, intent.labId);
  }

  @TracedDbWrite('lab_records', 'updateOne')
  async clearDeleteIntent(intent: DeleteIntent): Promise<void> {
    await this.model
      .updateOne(
        { _id: labRecordId(intent.workerId, intent.labId), 'deleteIntent.at': intent.at },
        { $set: { deleteIntent: null } },
      )
      .exec();
  }

  async page(workerId: string, filter: LabListFilter): Promise<Page<LabRecord>> {
    const query: QueryFilter<Doc> = { workerId, removal: null };
    if (filter.afterLabId) query.labId = { $gt: filter.afterLabId };
    if (filter.state) query.state = filter.state;
    if (filter.owner) query.$or = [{ owner: filter.owner }, { ownerUsername: filter.owner }];
    const docs = await this.model
      .find(query)
      .sort({ labId: 1 })
      .limit(filter.limit + 1)
      .lean<Doc[]>()
      .exec();
    const items = docs.slice(0, filter.limit).map(labRecordFromDocument);
    return { items, nextCursor: docs.length > filter.limit ? items[items.length - 1].labId : null };
  }

  @TracedDbWrite('lab_records', 'bulkWrite')
  async saveChanges(
    created: LabRecord[],
    updated: { record: LabRecord; expectedVersion: number }[],
    fence?: number,
  ): Promise<LabWriteResult> {
    // Tags the documents this call writes, so that an update that matched nothing can be told apart
    // from one that went through when it is time to name the records that lost a race.
    const writeId = randomUUID();
    const inserts: Doc[] = created.map((record) => {
      const doc = labRecordToDocument(record, this.sinks);
      return { ...doc, fence: fence ?? doc.fence, writeId };
    });
    const updates: AnyBulkWriteOperation<Doc>[] = updated.map(({ record, expectedVersion }) => {
      // The delete intent is Phase 1's to write: one stored since the read must survive this update.
      // The due time is a removal's to write: a live record's may belong to a restore's pending event.
      const { _id, deleteIntent: _intent, outboxDue, ...fields } = labRecordToDocument(record, this.sinks);
      // Never write over a tombstone, a newer version, or a record a newer lease holder wrote.
      const filter: QueryFilter<Doc> = { _id, version: expectedVersion, removal: null };
      if (fence !== undefined) filter.fence = { $lte: fence };
      const set = {
        ...fields,
        ...(record.isRemoved ? { deleteIntent: null, outboxDue } : {}),
        version: expectedVersion + 1,
        writeId,
        ...(fence !== undefined ? { fence } : {}),
      };
      return { updateOne: { filter, update: { $set: set } } };
    });
    // By index: the inserts, then the updates.
    const labIdOfOp = [...created, ...updated.map((u) => u.record)].map((r) => r.labId);
    if (labIdOfOp.length === 0) return { created: 0, updated: 0, conflicts: [], refused: [] };

    // Unordered, as one bulk write was before (the driver sends its inserts and its updates as two
    // commands as well): a failed operation does not stop the others.
    const failures: (OpFailure | null)[] = [];
    let inserted = 0;
    let modified = 0;
    if (inserts.length > 0) {
      try {
        // lean: stored as the mapper wrote it, as a driver insert would. A hydrated document would be
        // cast and minimized (the empty objects inside `groups` dropped), which the driver never did.
        await this.model.insertMany(inserts, { ordered: false, lean: true });
        inserted = inserts.length;
        failures.push(...new Array<null>(inserts.length).fill(null));
      } catch (error) {
        if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
        inserted = error.result.insertedCount;
        failures.push(...opFailures(error, error.writeErrors, inserts.length));
      }
    }
    if (updates.length > 0) {
      try {
        const result = await this.model.bulkWrite(updates, { ordered: false });
        modified = result.matchedCount;
        failures.push(...opFailures(result, [], updates.length));
      } catch (error) {
        if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
        modified = error.result.matchedCount;
        failures.push(...opFailures(error, error.writeErrors, updates.length));
      }
    }
    // A duplicate key means another writer created the record first (a lost race); any other
    // refusal is that one document's problem, reported so that one bad record cannot stop the
    // worker's other labs from syncing.
    const failedOps = new Set<number>();
    const refused: LabWriteResult['refused'] = [];
    failures.forEach((failure, i) => {
      if (failure?.duplicate) failedOps.add(i);
      else if (failure) refused.push({ labId: labIdOfOp[i], error: failure.message });
    });
    const conflicts = labIdOfOp.filter((_, i) => failedOps.has(i));
    const refusedIds = new Set(refused.map((r) => r.labId));
    // An update whose filter matched nothing lost a race with a concurrent writer.
    if (updated.length - modified > 0) {
      const written = await this.model
        .find({ _id: { $in: updated.map((u) => u.record.id) }, writeId }, { _id: 1 })
        .lean<Pick<Doc, '_id'>[]>()
        .exec();
      const ok = new Set(written.map((d) => d._id));
      for (const { record } of updated)
        if (!ok.has(record.id) && !refusedIds.has(record.labId)) conflicts.push(record.labId);
    }
    return { created: inserted, updated: modified, conflicts, refused };
  }

  @TracedDbWrite('lab_records', 'updateOne')
  async saveDeletion(record: LabRecord, isNew: boolean): Promise<boolean> {
    const doc = labRecordToDocument(record, this.sinks);
    if (isNew) {
      try {
        // lean: stored as the mapper wrote it, as a driver insert would (no casting, defaults or validation).
        await this.model.insertMany([doc], { lean: true });
        return true;
      } catch (error) {
        // A refresh created the record since we looked: tombstone that one instead.
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    const result = await this.model
      .updateOne(
        { _id: doc._id, removal: null },
        {
          $set: {
            removal: doc.removal,
            removedAt: doc.removedAt,
            outboxDue: doc.outboxDue,
            pendingOrphan: null,
            deleteIntent: null,
          },
          $inc: { version: 1 },
        },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  async saveRestoration(
    record: LabRecord,
    event: LabRestoredEvent,
    expected: { version: number; removalEventId: string },
    fence?: number,
  ): Promise<boolean> {
    // Under the outbox lock of the record: the removal's deliveries are moved as they are stored,
    // so no sender may record an attempt of them in between.
    return this.outboxLock.run(record.id, async () => {
      const doc = await this.model.findById(record.id).lean<Doc>().exec();
      if (!doc?.removal || doc.version !== expected.version) return false;
      if (doc.removal.event.eventId !== expected.removalEventId) return false;
      if (fence !== undefined && (doc.fence ?? 0) > fence) return false;
      const now = new Date(event.occurredAt);
      const restored: StoredOutboxEvent = {
        event: removalEventToData(event),
        // No route tells people of a restore: its event goes to the CloudEvents sinks only.
        deliveries: pendingDeliveries(
          this.sinks.filter((sink) => sink !== INTERNAL_NOTIFICATIONS_SINK),
          now,
        ),
      };
      const pastEvents = [
        // Settled events of earlier restores have done their work; unsettled ones stay.
        ...(doc.pastEvents ?? []).filter(isUnsettled),
        { event: doc.removal.event, deliveries: doc.removal.deliveries ?? [] },
        restored,
      ].filter(isUnsettled);
      const {
        _id,
        removal: _r,
        removedAt: _ra,
        outboxDue: _d,
        deleteIntent: _i,
        ...fields
      } = labRecordToDocument(record);
      const filter: QueryFilter<Doc> = {
        _id,
        version: expected.version,
        'removal.event.eventId': expected.removalEventId,
      };
      if (fence !== undefined) filter.fence = { $lte: fence };
      const result = await this.model
        .updateOne(filter, {
          $set: {
            ...fields,
            removal: null,
            removedAt: null,
            pendingOrphan: null,
            deleteIntent: null,
            pastEvents,
            outboxDue: documentDueOf(pastEvents.map((p) => ({ deliveries: deliveriesFrom(p.deliveries) }))),
            version: expected.version + 1,
            ...(fence !== undefined ? { fence } : {}),
          },
        })
        .exec();
      return result.modifiedCount === 1;
    });
  }

  async findRemoved(workerId: string, limit: number): Promise<LabRecord[]> {
    const docs = await this.model
      .find({ workerId, removal: { $ne: null } })
      .sort({ 'removal.at': -1 })
      .limit(limit)
      .lean<Doc[]>()
      .exec();
    return docs.map(labRecordFromDocument);
  }

  async removeAllForWorker(workerId: string): Promise<number> {
    // Records whose events are not delivered yet stay: the audit trail is at least once, and the
    // relay (then the purge) still needs them. Everything else of the worker goes.
    const result = await this.model
      .deleteMany({ workerId, outboxDue: null, outboxHasDead: { $ne: true } })
      .exec();
    return result.deletedCount;
  }
}

interface OpFailure {
  duplicate: boolean;
  message: string;
}

/**
 * What went wrong with each operation of an unordered bulk write, by its index; null where it went
 * through. When Mongoose refused to cast some operation itself (it is then not sent), it lists the
 * outcome of every operation in `mongoose.results`, and the driver's write error indexes count only
 * the operations sent; else those indexes are the operations'.
 */
function opFailures(
  outcome: object,
  writeErrors: mongo.WriteError | readonly mongo.WriteError[],
  count: number,
): (OpFailure | null)[] {
  if (
    'mongoose' in outcome &&
    typeof outcome.mongoose === 'object' &&
    outcome.mongoose !== null &&
    'results' in outcome.mongoose &&
    Array.isArray(outcome.mongoose.results)
  ) {
    return outcome.mongoose.results.map(failureOf);
  }
  const failures: (OpFailure | null)[] = new Array<null>(count).fill(null);
  for (const e of Array.isArray(writeErrors) ? writeErrors : [writeErrors]) failures[e.index] = failureOf(e);
  return failures;
}

/** A driver's write error (a plain object), or Mongoose's cast error (an Error); null for a success. */
function failureOf(e: unknown): OpFailure | null {
  if (typeof e !== 'object' || e === null) return null;
  if (e instanceof Error) return { duplicate: false, message: e.message };
  const errmsg = 'errmsg' in e && typeof e.errmsg === 'string' ? e.errmsg : undefined;
  const code = 'code' in e ? String(e.code) : 'unknown';
  return { duplicate: isDuplicateKeyError(e), message: errmsg ?? `code ${code}` };
}
