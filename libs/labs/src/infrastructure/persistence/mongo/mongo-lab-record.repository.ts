import { Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { AppConfig, isDuplicateKeyError, Page } from '@app/common';
import {
  LabListFilter,
  LabRecordRepository,
  LabWriteResult,
} from '../../../application/ports/lab-record.repository';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { labRecordFromDocument, labRecordToDocument } from './lab-record.mapper';
import { LabRecordDocument } from './lab-record.schema';

type Doc = LabRecordDocument;

@Injectable()
export class MongoLabRecordRepository extends LabRecordRepository {
  private readonly sinks: readonly string[];

  constructor(
    @InjectModel(LabRecordDocument.name) private readonly model: Model<LabRecordDocument>,
    @Optional() config?: AppConfig,
  ) {
    super();
    this.sinks = config?.cloudEventsSinks ?? [];
  }

  async findByWorker(workerId: string): Promise<LabRecord[]> {
    // One round trip for a worker's records, not one per 101 documents.
    const docs = await this.model.collection.find<Doc>({ workerId }, { batchSize: 100_000 }).toArray();
    return docs.map(labRecordFromDocument);
  }

  async findPendingOrphans(workerId: string): Promise<LabRecord[]> {
    const docs = await this.model.collection
      .find<Doc>({ workerId, removal: null, pendingOrphan: { $ne: null } }, { batchSize: 10_000 })
      .toArray();
    return docs.map(labRecordFromDocument);
  }

  async findOne(workerId: string, labId: string): Promise<LabRecord | null> {
    const doc = await this.model.collection.findOne<Doc>({ _id: `${workerId}:${labId}` as never });
    return doc ? labRecordFromDocument(doc) : null;
  }

  async page(workerId: string, filter: LabListFilter): Promise<Page<LabRecord>> {
    const query: Record<string, unknown> = { workerId, removal: null };
    if (filter.afterLabId) query.labId = { $gt: filter.afterLabId };
    if (filter.state) query.state = filter.state;
    if (filter.owner) query.$or = [{ owner: filter.owner }, { ownerUsername: filter.owner }];
    const docs = await this.model.collection
      .find<Doc>(query)
      .sort({ labId: 1 })
      .limit(filter.limit + 1)
      .toArray();
    const items = docs.slice(0, filter.limit).map(labRecordFromDocument);
    return { items, nextCursor: docs.length > filter.limit ? items[items.length - 1].labId : null };
  }

  async saveChanges(
    created: LabRecord[],
    updated: { record: LabRecord; expectedVersion: number }[],
    fence?: number,
  ): Promise<LabWriteResult> {
    // Tags the documents this call writes, so that an update that matched nothing can be told apart
    // from one that went through when it is time to name the records that lost a race.
    const writeId = randomUUID();
    const ops: mongo.AnyBulkWriteOperation[] = [];
    const labIdOfOp: string[] = [];
    for (const record of created) {
      const doc = labRecordToDocument(record, this.sinks);
      ops.push({ insertOne: { document: { ...doc, fence: fence ?? doc.fence, writeId } as never } });
      labIdOfOp.push(record.labId);
    }
    for (const { record, expectedVersion } of updated) {
      const { _id, ...fields } = labRecordToDocument(record, this.sinks);
      // Never write over a tombstone, a newer version, or a record a newer lease holder wrote.
      const filter: Record<string, unknown> = { _id, version: expectedVersion, removal: null };
      if (fence !== undefined) filter.fence = { $lte: fence };
      ops.push({
        updateOne: {
          filter: filter as never,
          update: {
            $set: {
              ...fields,
              version: expectedVersion + 1,
              writeId,
              ...(fence !== undefined ? { fence } : {}),
            },
          },
        },
      });
      labIdOfOp.push(record.labId);
    }
    if (ops.length === 0) return { created: 0, updated: 0, conflicts: [], refused: [] };

    const failedOps = new Set<number>();
    const refused: LabWriteResult['refused'] = [];
    let inserted = 0;
    let modified = 0;
    try {
      const result = await this.model.collection.bulkWrite(ops, { ordered: false });
      inserted = result.insertedCount;
      modified = result.matchedCount;
    } catch (error) {
      // Unordered: the other operations went through. A duplicate key means another writer created
      // the record first (a lost race); any other refusal is that one document's problem, reported
      // so that one bad record cannot stop the worker's other labs from syncing.
      if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      for (const e of writeErrors) {
        if (isDuplicateKeyError(e)) failedOps.add(e.index);
        else refused.push({ labId: labIdOfOp[e.index], error: e.errmsg ?? `code ${e.code}` });
      }
      inserted = error.result.insertedCount;
      modified = error.result.matchedCount;
    }
    const conflicts = labIdOfOp.filter((_, i) => failedOps.has(i));
    const refusedIds = new Set(refused.map((r) => r.labId));
    // An update whose filter matched nothing lost a race with a concurrent writer.
    if (updated.length - modified > 0) {
      const written = await this.model.collection
        .find<Pick<Doc, '_id'>>({ _id: { $in: updated.map((u) => u.record.id) }, writeId } as never, {
          projection: { _id: 1 },
        })
        .toArray();
      const ok = new Set(written.map((d) => d._id));
      for (const { record } of updated)
        if (!ok.has(record.id) && !refusedIds.has(record.labId)) conflicts.push(record.labId);
    }
    return { created: inserted, updated: modified, conflicts, refused };
  }

  async saveDeletion(record: LabRecord, isNew: boolean): Promise<boolean> {
    const doc = labRecordToDocument(record, this.sinks);
    if (isNew) {
      try {
        await this.model.collection.insertOne(doc as never);
        return true;
      } catch (error) {
        // A refresh created the record since we looked: tombstone that one instead.
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    const result = await this.model.collection.updateOne({ _id: doc._id, removal: null } as never, {
      $set: { removal: doc.removal, outboxDue: doc.outboxDue, pendingOrphan: null },
      $inc: { version: 1 },
    });
    return result.modifiedCount === 1;
  }

  async removeAllForWorker(workerId: string): Promise<number> {
    // Tombstones whose events are not delivered yet stay: the audit trail is at least once, and the
    // relay (then the purge) still needs them. Everything else of the worker goes.
    const result = await this.model.collection.deleteMany({
      workerId,
      $or: [{ removal: null }, { outboxDue: null, outboxHasDead: { $ne: true } }],
    });
    return result.deletedCount;
  }
}
