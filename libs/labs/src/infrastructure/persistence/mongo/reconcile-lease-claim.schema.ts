import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * The claim of one epoch of one worker's lease (see EpochClaimReconcileLeaseRepository.acquire): whoever
 * inserted it may write the lease at that epoch. Nothing is created ahead: the first claim creates
 * the collection, and the repository creates the index before its first cleanup.
 */
@Schema({
  collection: 'reconcile_lease_claims',
  versionKey: false,
  _id: false,
  autoCreate: false,
  autoIndex: false,
})
export class ReconcileLeaseClaimDocument {
  /** `${workerId}#${epoch}`. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  workerId!: string;

  @Prop({ type: Number, required: true })
  epoch!: number;

  @Prop({ type: String, required: true })
  holder!: string;

  /** A claim older than the lease TTL whose lease write never came is stepped over. */
  @Prop({ type: Date, required: true })
  claimedAt!: Date;
}

export const ReconcileLeaseClaimSchema = SchemaFactory.createForClass(ReconcileLeaseClaimDocument);
// The cleanup of old claims (`{workerId, epoch: {$lt}}`, every 50th epoch of a worker).
ReconcileLeaseClaimSchema.index({ workerId: 1, epoch: 1 }, { name: 'claim_worker_epoch' });
