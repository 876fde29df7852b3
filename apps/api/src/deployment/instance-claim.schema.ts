import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** Where API instances claim a FerretDB database. */
export const INSTANCE_CLAIMS_COLLECTION = 'api_instance_claims';

/**
 * One claim of the database by one API instance. Claims form a chain: taking the database over from claim `n`
 * (released, or stale) inserts claim `n + 1`, and `_id` = `api#<epoch>` is unique, so of two instances racing for
 * the same takeover exactly one insert succeeds (see UniqueClaims). Nothing is created ahead: the first claim
 * creates the collection.
 */
@Schema({
  collection: INSTANCE_CLAIMS_COLLECTION,
  versionKey: false,
  _id: false,
  autoCreate: false,
  autoIndex: false,
})
export class InstanceClaimDocument {
  /** `api#<epoch>`. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true })
  epoch!: number;

  /** `host:pid:random`, unique per process. */
  @Prop({ type: String, required: true })
  holder!: string;

  @Prop({ type: String, required: true })
  host!: string;

  @Prop({ type: Number, required: true })
  pid!: number;

  @Prop({ type: Date, required: true })
  startedAt!: Date;

  /** Written by the holder every few seconds; a claim whose heartbeat is older than the stale time is free. */
  @Prop({ type: Date, required: true })
  heartbeatAt!: Date;

  /** Set on graceful shutdown: the database is free at once. */
  @Prop({ type: Date, default: null })
  releasedAt!: Date | null;
}

export const InstanceClaimSchema = SchemaFactory.createForClass(InstanceClaimDocument);
