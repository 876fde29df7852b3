import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { ConflictError, isDuplicateKeyError, Page } from '@app/common';
import { WorkerRepository } from '../../../application/ports/worker.repository';
import { Worker } from '../../../domain/worker';
import { workerFromDocument, workerToDocument } from './worker.mapper';
import { WorkerDocument } from './worker.schema';

@Injectable()
export class MongoWorkerRepository extends WorkerRepository {
  constructor(@InjectModel(WorkerDocument.name) private readonly model: Model<WorkerDocument>) {
    super();
  }

  async findById(id: string): Promise<Worker | null> {
    const doc = await this.model.findOne({ _id: id }).lean<WorkerDocument>().exec();
    return doc ? workerFromDocument(doc) : null;
  }

  async page(limit: number, afterId?: string): Promise<Page<Worker>> {
    const filter = afterId ? { _id: { $gt: afterId } } : {};
    const docs = await this.model
      .find(filter)
      .sort({ _id: 1 })
      .limit(limit + 1)
      .lean<WorkerDocument[]>()
      .exec();
    const items = docs.slice(0, limit).map(workerFromDocument);
    return { items, nextCursor: docs.length > limit ? items[items.length - 1].id : null };
  }

  async findAll(): Promise<Worker[]> {
    const docs = await this.model.find({}).sort({ _id: 1 }).lean<WorkerDocument[]>().exec();
    return docs.map(workerFromDocument);
  }

  async insert(worker: Worker): Promise<void> {
    // lean: stored as the mapper wrote it, as a driver insert would (no casting, defaults or validation).
    await this.mapDuplicates(this.model.insertMany([workerToDocument(worker)], { lean: true }));
  }

  async save(worker: Worker): Promise<boolean> {
    const doc = workerToDocument(worker);
    const { _id, version, ...rest } = doc;
    const result = await this.mapDuplicates(
      this.model.updateOne({ _id, version }, { $set: { ...rest, version: version + 1 } }).exec(),
    );
    return result.matchedCount === 1;
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: id }).exec();
    return result.deletedCount === 1;
  }

  /** Names and endpoints are unique; the unique indexes decide, so two concurrent creates cannot both win. */
  private async mapDuplicates<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const text = `${(error as Error).message} ${JSON.stringify((error as { keyPattern?: unknown }).keyPattern ?? {})}`;
      if (text.includes('worker_name_unique') || text.includes('nameKey')) {
        throw new ConflictError('A worker with this name exists already', { field: 'name' });
      }
      if (text.includes('worker_endpoint_unique') || text.includes('endpoint')) {
        throw new ConflictError('A worker with this endpoint exists already', { field: 'endpoint' });
      }
      throw new ConflictError('The worker conflicts with an existing one');
    }
  }
}
