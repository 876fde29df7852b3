import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import { CmlContact } from '../../../domain/cml-contact';
import { ReconcileSummary } from '../../../domain/reconcile-summary';

/** One document a worker, `_id` its id: read by id, written with one upsert a run. */
@Schema({ collection: 'worker_sync_states', versionKey: false, _id: false })
export class WorkerSyncStateDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: MongooseSchema.Types.Mixed, default: null })
  lastReconcile!: ReconcileSummary | null;

  @Prop({ type: Date, default: null })
  lastSuccessfulSyncAt!: Date | null;

  @Prop({ type: MongooseSchema.Types.Mixed, default: null })
  cml!: CmlContact | null;
}

export const WorkerSyncStateSchema = SchemaFactory.createForClass(WorkerSyncStateDocument);
