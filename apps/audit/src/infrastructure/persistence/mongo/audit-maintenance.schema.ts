import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A one-time data change that is done: its `_id` names it, so that no start runs it again. */
@Schema({ collection: 'audit_maintenance', versionKey: false, _id: false })
export class AuditMaintenanceDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Date, required: true })
  completedAt!: Date;

  /** Documents the change wrote, for whoever wonders what it did. */
  @Prop({ type: Number, required: true })
  updated!: number;
}

export const AuditMaintenanceSchema = SchemaFactory.createForClass(AuditMaintenanceDocument);
