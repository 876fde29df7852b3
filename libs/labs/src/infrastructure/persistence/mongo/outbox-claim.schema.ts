import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A claim of one delivery attempt, or the lock of one outbox entry (see MongoLabEventOutbox): held by
 * whoever inserted it. Nothing is created ahead: the first claim creates the collection.
 */
@Schema({ collection: 'outbox_claims', versionKey: false, _id: false, autoCreate: false, autoIndex: false })
export class OutboxClaimDocument {
  /** What is claimed: an attempt (`eventId#sinkIndex#replays#attempts`) or `entry-lock#<recordId>`. */
  @Prop({ type: String, required: true })
  _id!: string;

  /** When it was claimed: a claim older than the caller's TTL is taken over. */
  @Prop({ type: Date, required: true })
  at!: Date;
}

export const OutboxClaimSchema = SchemaFactory.createForClass(OutboxClaimDocument);
