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

  /**
   * `data.owner` and `data.deletedBy` again at the top level: FerretDB answers only a top-level equality from an
   * index (a filter on `data.owner` reads the whole collection). deletedBy is null for an orphan removal.
   * Documents stored before these existed get them from AuditEventFieldsBackfill at start.
   */
  @Prop({ type: String, required: true })
  owner!: string;

  @Prop({ type: String, default: null })
  deletedBy!: string | null;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  data!: Record<string, unknown>;

  @Prop({ type: Date, required: true })
  receivedAt!: Date;
}

export const AuditEventSchema = SchemaFactory.createForClass(AuditEventDocument);
// Each filter of find() leads one of them, and each ends in the full sort key (time, _id) so that on MongoDB the
// newest-first order (and an export of any size) is read from the index instead of sorted in memory. On FerretDB
// (SQLite, scripts/ferretdb-patches/0003) the first equality in the filter on a field that leads an index is read
// from it (the repository puts the most selective field first), a time range otherwise.
AuditEventSchema.index({ time: -1, _id: -1 });
AuditEventSchema.index({ workerId: 1, labId: 1, time: -1, _id: -1 });
AuditEventSchema.index({ labId: 1, time: -1, _id: -1 });
AuditEventSchema.index({ type: 1, time: -1, _id: -1 });
AuditEventSchema.index({ owner: 1, time: -1, _id: -1 });
AuditEventSchema.index({ deletedBy: 1, time: -1, _id: -1 });
