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

  /** Absent on runs stored before v1.2 (read from finishedAt). */
  @Prop({ type: String })
  status?: string;

  @Prop({ type: Number })
  workersTotal?: number;

  @Prop({ type: Number })
  workersDone?: number;

  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] })
  workers!: Record<string, unknown>[];
}

export const ReconciliationRunSchema = SchemaFactory.createForClass(ReconciliationRunDocument);
ReconciliationRunSchema.index({ startedAt: -1 }, { name: 'run_started' });
