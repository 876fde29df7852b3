import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One document per worker, kept after release so that its epoch only ever grows. No TTL index: FerretDB has
 * none, and a deleted lease would restart the epoch at 1.
 */
@Schema({ collection: 'reconcile_leases', versionKey: false, _id: false })
export class ReconcileLeaseDocument {
  /** The worker id: acquire, renew and release go by `_id`. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  holder!: string;

  @Prop({ type: Number, required: true })
  epoch!: number;

  /** `new Date(0)` once released, so any replica may take it at once. */
  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Date, required: true })
  acquiredAt!: Date;
}

export const ReconcileLeaseSchema = SchemaFactory.createForClass(ReconcileLeaseDocument);
// releaseAllHeldBy (at shutdown) reads this instance's leases only (on FerretDB too: scripts/ferretdb-patches/0003).
ReconcileLeaseSchema.index({ holder: 1 }, { name: 'lease_holder' });
