import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

@Schema({ collection: 'workers', versionKey: false, _id: false })
export class WorkerDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  name!: string;

  /** Lower-cased name: names are unique regardless of case. */
  @Prop({ required: true })
  nameKey!: string;

  @Prop({ required: true })
  endpoint!: string;

  @Prop({ required: true })
  username!: string;

  @Prop({ required: true })
  passwordCiphertext!: string;

  @Prop({ required: true })
  verifyTls!: boolean;

  @Prop({ type: String, default: null })
  caCertPem!: string | null;

  @Prop({ required: true })
  enabled!: boolean;

  @Prop({ required: true })
  reconcileMode!: string;

  @Prop({ required: true })
  createdAt!: Date;

  @Prop({ required: true })
  updatedAt!: Date;

  @Prop({ required: true })
  version!: number;
}

export const WorkerSchema = SchemaFactory.createForClass(WorkerDocument);
WorkerSchema.index({ nameKey: 1 }, { unique: true, name: 'worker_name_unique' });
WorkerSchema.index({ endpoint: 1 }, { unique: true, name: 'worker_endpoint_unique' });
