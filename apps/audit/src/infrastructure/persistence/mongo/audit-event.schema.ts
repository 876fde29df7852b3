import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';

@Schema({ collection: 'audit_events', versionKey: false, _id: false })
export class AuditEventDocument {
  /** `${source}|${id}`: a redelivered event collides here, so it is stored once. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  source!: string;

  @Prop({ required: true })
  id!: string;

  @Prop({ required: true })
  type!: string;

  @Prop({ type: String, default: null })
  subject!: string | null;

  /** A Date, not the string, so that `since` is a range on instants whatever the offset sent. */
  @Prop({ type: Date, required: true })
  time!: Date;

  /** Top level (also inside data) so that filters stay simple: FerretDB answers them alike. */
  @Prop({ required: true })
  workerId!: string;

  @Prop({ required: true })
  labId!: string;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  data!: Record<string, unknown>;

  @Prop({ type: Date, required: true })
  receivedAt!: Date;
}

export const AuditEventSchema = SchemaFactory.createForClass(AuditEventDocument);
// Each filter of find() leads one of them: on MongoDB they also serve the newest-first sort; on FerretDB (SQLite,
// scripts/ferretdb-patches/0003) an equality on workerId, labId or type is read from its index.
AuditEventSchema.index({ time: -1 });
AuditEventSchema.index({ workerId: 1, labId: 1, time: -1 });
AuditEventSchema.index({ labId: 1, time: -1 });
AuditEventSchema.index({ type: 1, time: -1 });
