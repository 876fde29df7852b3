import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';

@Schema({ collection: 'reconciliation_runs', versionKey: false, _id: false })
export class ReconciliationRunDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  trigger!: string;

  @Prop({ required: true })
  startedAt!: Date;

  @Prop({ type: Date, default: null })
  finishedAt!: Date | null;

  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] })
  workers!: Record<string, unknown>[];
}

export const ReconciliationRunSchema = SchemaFactory.createForClass(ReconciliationRunDocument);
ReconciliationRunSchema.index({ startedAt: -1 }, { name: 'run_started' });
