import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { ReconcileSummary, ReconcileTrigger } from '../../../domain/reconcile-summary';
import {
  ReconciliationRun,
  ReconciliationRunRepository,
} from '../../../application/ports/reconciliation-run.repository';
import { ReconciliationRunDocument } from './reconciliation-run.schema';

function toRun(doc: ReconciliationRunDocument): ReconciliationRun {
  return {
    id: doc._id,
    trigger: doc.trigger as ReconcileTrigger,
    startedAt: new Date(doc.startedAt).toISOString(),
    finishedAt: doc.finishedAt ? new Date(doc.finishedAt).toISOString() : null,
    workers: (doc.workers ?? []) as unknown as ReconcileSummary[],
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
    await this.model.collection.insertOne({
      _id: run.id,
      trigger: run.trigger,
      startedAt: new Date(run.startedAt),
      finishedAt: null,
      workers: [],
    } as never);
  }

  async appendSummary(runId: string, summary: ReconcileSummary): Promise<void> {
    await this.model.collection.updateOne({ _id: runId as never }, { $push: { workers: summary as never } });
  }

  async finish(runId: string, finishedAt: Date): Promise<void> {
    await this.model.collection.updateOne({ _id: runId as never }, { $set: { finishedAt } });
  }

  async list(limit: number): Promise<ReconciliationRun[]> {
    const docs = await this.model.collection
      .find<ReconciliationRunDocument>({})
      .sort({ startedAt: -1 })
      .limit(limit)
      .toArray();
    return docs.map(toRun);
  }

  async get(id: string): Promise<ReconciliationRun | null> {
    const doc = await this.model.collection.findOne<ReconciliationRunDocument>({ _id: id as never });
    return doc ? toRun(doc) : null;
  }
}
