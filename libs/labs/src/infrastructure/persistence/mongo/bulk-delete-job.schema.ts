import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';

/** One item of a job as stored: `failure` only for a failed one. */
export interface StoredBulkDeleteItem {
  workerId: string;
  labId: string;
  status: string;
  failure?: { status: number; detail: string };
}

/**
 * A bulk delete job with its items in the one document (at most BULK_DELETE_MAX_LABS of about
 * 120 bytes each, well below the 16 MiB limit). `status`, `total`, `done` and `failedCount` are
 * derived from the items and written with them, so that a reader needs no computation and the
 * resume sweep finds running jobs by an indexed equality.
 */
@Schema({ collection: 'jobs', versionKey: false, _id: false })
export class BulkDeleteJobDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  kind!: 'bulk-delete';

  @Prop({ type: String, required: true })
  status!: string;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  filter!: Record<string, unknown>;

  @Prop({ type: Boolean, required: true })
  force!: boolean;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  requestedBy!: { subject: string; username?: string; isAdmin: boolean };

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, default: null })
  finishedAt!: Date | null;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;

  @Prop({ type: Number, required: true })
  total!: number;

  @Prop({ type: Number, required: true })
  done!: number;

  @Prop({ type: Number, required: true })
  failedCount!: number;

  @Prop({ type: [MongooseSchema.Types.Mixed], required: true })
  items!: StoredBulkDeleteItem[];

  /** Epoch of the job lease whose holder wrote this last; older epochs may not write. */
  @Prop({ type: Number, default: 0 })
  fence!: number;
}

export const BulkDeleteJobSchema = SchemaFactory.createForClass(BulkDeleteJobDocument);
// The resume sweep reads the running jobs only (on FerretDB too: scripts/ferretdb-patches/0003).
BulkDeleteJobSchema.index({ status: 1 }, { name: 'job_status' });
