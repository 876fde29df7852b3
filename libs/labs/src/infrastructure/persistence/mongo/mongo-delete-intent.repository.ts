import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { DeleteIntentRepository } from '../../../application/ports/delete-intent.repository';
import { DeleteIntent } from '../../../domain/delete-intent';
import { labRecordId } from '../../../domain/lab-record.aggregate';
import { DeleteIntentDocument } from './delete-intent.schema';

@Injectable()
export class MongoDeleteIntentRepository extends DeleteIntentRepository {
  constructor(@InjectModel(DeleteIntentDocument.name) private readonly model: Model<DeleteIntentDocument>) {
    super();
  }

  async record(intent: DeleteIntent): Promise<void> {
    const _id = labRecordId(intent.workerId, intent.labId);
    const { workerId, labId, by, at, force, traceparent } = intent;
    const doc = { _id, workerId, labId, by, at, force, ...(traceparent ? { traceparent } : {}) };
    await this.model.replaceOne({ _id }, doc, { upsert: true }).exec();
  }

  async clear(intent: DeleteIntent): Promise<void> {
    await this.model.deleteOne({ _id: labRecordId(intent.workerId, intent.labId), at: intent.at }).exec();
  }

  async findForLabs(workerId: string, labIds: readonly string[]): Promise<DeleteIntent[]> {
    if (labIds.length === 0) return [];
    const docs = await this.model
      .find({ _id: { $in: labIds.map((labId) => labRecordId(workerId, labId)) } })
      .lean<DeleteIntentDocument[]>()
      .exec();
    return docs.map((d) => ({
      workerId: d.workerId,
      labId: d.labId,
      by: d.by,
      at: new Date(d.at),
      force: d.force,
      ...(d.traceparent ? { traceparent: d.traceparent } : {}),
    }));
  }
}
