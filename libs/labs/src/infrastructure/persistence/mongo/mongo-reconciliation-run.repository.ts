import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { ReconcileSummary, ReconcileTrigger, withSummaryDefaults } from '../../../domain/reconcile-summary';
import {
  ReconciliationRun,
  ReconciliationRunRepository,
  ReconciliationRunStatus,
} from '../../../application/ports/reconciliation-run.repository';
import { ReconciliationRunDocument } from './reconciliation-run.schema';

function toRun(doc: ReconciliationRunDocument): ReconciliationRun {
  const workers = ((doc.workers ?? []) as unknown as ReconcileSummary[]).map(withSummaryDefaults);
  return {
    id: doc._id,
    trigger: doc.trigger as ReconcileTrigger,
    // Runs stored before v1.2 have no status nor counts: what their finish time and summaries say.
    status: (doc.status as ReconciliationRunStatus | undefined) ?? (doc.finishedAt ? 'succeeded' : 'running'),
    startedAt: new Date(doc.startedAt).toISOString(),
    finishedAt: doc.finishedAt ? new Date(doc.finishedAt).toISOString() : null,
    workersTotal: doc.workersTotal ?? workers.length,
    workersDone: doc.workersDone ?? workers.length,
    workers,
  };
}

@Injectable()
export class MongoReconciliationRunRepository extends ReconciliationRunRepository {
  constructor(
    @InjectModel(ReconciliationRunDocument.name) private readonly model: Model<ReconciliationRunDocument>,
  ) {
    super();
  }

  async create(run: ReconciliationRun): Promise<void> {
    // lean: stored as given, as a driver insert would (no casting, defaults or validation).
    await this.model.insertMany(
      [
        {
          _id: run.id,
          trigger: run.trigger,
          startedAt: new Date(run.startedAt),
          finishedAt: null,
          status: 'running',
          workersTotal: run.workersTotal,
          workersDone: 0,
          workers: [],
        },
      ],
      { lean: true },
    );
  }

  async appendSummary(runId: string, summary: ReconcileSummary): Promise<void> {
    await this.model
      .updateOne({ _id: runId }, { $push: { workers: summary }, $inc: { workersDone: 1 } })
      .exec();
  }

  async finish(runId: string, finishedAt: Date, status: 'succeeded' | 'failed'): Promise<void> {
    await this.model.updateOne({ _id: runId }, { $set: { finishedAt, status } }).exec();
  }

  async list(limit: number): Promise<ReconciliationRun[]> {
    const docs = await this.model
      .find({})
      .sort({ startedAt: -1 })
      .limit(limit)
      .lean<ReconciliationRunDocument[]>()
      .exec();
    return docs.map(toRun);
  }

  async get(id: string): Promise<ReconciliationRun | null> {
    const doc = await this.model.findById(id).lean<ReconciliationRunDocument>().exec();
    return doc ? toRun(doc) : null;
  }
}
