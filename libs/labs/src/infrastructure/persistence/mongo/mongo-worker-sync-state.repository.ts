import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { CmlContact } from '../../../domain/cml-contact';
import { ReconcileSummary, withSummaryDefaults } from '../../../domain/reconcile-summary';
import { emptySyncState, WorkerSyncState } from '../../../domain/worker-sync-state';
import { WorkerSyncStateRepository } from '../../../application/ports/worker-sync-state.repository';
import { WorkerSyncStateDocument } from './worker-sync-state.schema';

function toState(doc: WorkerSyncStateDocument): WorkerSyncState {
  return {
    workerId: doc._id,
    lastReconcile: doc.lastReconcile ? withSummaryDefaults(doc.lastReconcile) : null,
    lastSuccessfulSyncAt: doc.lastSuccessfulSyncAt ? new Date(doc.lastSuccessfulSyncAt) : null,
    cml: doc.cml ?? null,
  };
}

@Injectable()
export class MongoWorkerSyncStateRepository extends WorkerSyncStateRepository {
  constructor(
    @InjectModel(WorkerSyncStateDocument.name) private readonly model: Model<WorkerSyncStateDocument>,
  ) {
    super();
  }

  async find(workerId: string): Promise<WorkerSyncState> {
    const doc = await this.model.findById(workerId).lean<WorkerSyncStateDocument>().exec();
    return doc ? toState(doc) : emptySyncState(workerId);
  }

  async findMany(workerIds: readonly string[]): Promise<Map<string, WorkerSyncState>> {
    const states = new Map(workerIds.map((id) => [id, emptySyncState(id)]));
    if (workerIds.length === 0) return states;
    const docs = await this.model
      .find({ _id: { $in: [...workerIds] } })
      .lean<WorkerSyncStateDocument[]>()
      .exec();
    for (const doc of docs) states.set(doc._id, toState(doc));
    return states;
  }

  async record(
    workerId: string,
    summary: ReconcileSummary,
    successfulSyncAt: Date | null,
    cml?: CmlContact,
  ): Promise<void> {
    const set: Partial<WorkerSyncStateDocument> = { lastReconcile: summary };
    if (successfulSyncAt) set.lastSuccessfulSyncAt = successfulSyncAt;
    if (cml) set.cml = cml;
    await this.model.updateOne({ _id: workerId }, { $set: set }, { upsert: true }).exec();
  }

  async remove(workerId: string): Promise<void> {
    await this.model.deleteOne({ _id: workerId }).exec();
  }
}
