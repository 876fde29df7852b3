import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { Clock } from '@app/common';
import { BulkDeleteJobRepository } from '../../../application/ports/bulk-delete-job.repository';
import {
  BulkDeleteItem,
  BulkDeleteItemStatus,
  BulkDeleteJob,
} from '../../../domain/bulk-delete/bulk-delete-job';
import { BulkDeleteJobDocument, StoredBulkDeleteItem } from './bulk-delete-job.schema';

type Doc = BulkDeleteJobDocument;

function itemToDocument(item: BulkDeleteItem): StoredBulkDeleteItem {
  return {
    workerId: item.workerId,
    labId: item.labId,
    status: item.status,
    ...(item.failure ? { failure: { status: item.failure.status, detail: item.failure.detail } } : {}),
  };
}

function derived(job: BulkDeleteJob) {
  return { status: job.status, total: job.total, done: job.done, failedCount: job.failed.length };
}

@Injectable()
export class MongoBulkDeleteJobRepository extends BulkDeleteJobRepository {
  constructor(
    @InjectModel(BulkDeleteJobDocument.name) private readonly model: Model<BulkDeleteJobDocument>,
    private readonly clock: Clock,
  ) {
    super();
  }

  async create(job: BulkDeleteJob): Promise<void> {
    const p = job.toProps();
    const doc: Doc = {
      _id: p.id,
      kind: 'bulk-delete',
      filter: p.filter,
      force: p.force,
      requestedBy: p.requestedBy,
      createdAt: p.createdAt,
      finishedAt: p.finishedAt,
      updatedAt: this.clock.now(),
      items: p.items.map(itemToDocument),
      fence: 0,
      ...derived(job),
    };
    // lean: stored as given, as a driver insert would (no casting, defaults or validation).
    await this.model.insertMany([doc], { lean: true });
  }

  async findById(id: string): Promise<BulkDeleteJob | null> {
    const doc = await this.model.findById(id).lean<Doc>().exec();
    if (!doc) return null;
    return BulkDeleteJob.restore({
      id: doc._id,
      filter: doc.filter,
      force: doc.force,
      requestedBy: doc.requestedBy,
      createdAt: doc.createdAt,
      finishedAt: doc.finishedAt ?? null,
      items: doc.items.map((i) => ({
        workerId: i.workerId,
        labId: i.labId,
        status: i.status as BulkDeleteItemStatus,
        ...(i.failure ? { failure: { status: i.failure.status, detail: i.failure.detail } } : {}),
      })),
    });
  }

  async saveProgress(job: BulkDeleteJob, indexes: readonly number[], fence: number): Promise<boolean> {
    // By array index (FerretDB v1 has no positional `$`): only the items that changed are named.
    const set: Record<string, unknown> = {
      ...derived(job),
      finishedAt: job.finishedAt,
      updatedAt: this.clock.now(),
      fence,
    };
    for (const i of indexes) set[`items.${i}`] = itemToDocument(job.item(i));
    const result = await this.model.updateOne({ _id: job.id, fence: { $lte: fence } }, { $set: set }).exec();
    return result.matchedCount === 1;
  }

  async findRunningIds(): Promise<string[]> {
    const docs = await this.model.find({ status: 'running' }, { _id: 1 }).lean<Pick<Doc, '_id'>[]>().exec();
    return docs.map((d) => d._id);
  }
}
