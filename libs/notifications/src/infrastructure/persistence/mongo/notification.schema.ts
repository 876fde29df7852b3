import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';

/** One notification to one recipient on one provider (see NotificationDelivery). */
@Schema({ collection: 'notifications', versionKey: false, _id: false })
export class NotificationDocument {
  /** notificationDeliveryId: the insert of a notification already queued is a duplicate key. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  route!: string;

  @Prop({ required: true })
  provider!: string;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  recipient!: Record<string, unknown>;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  notification!: Record<string, unknown>;

  @Prop({ required: true })
  status!: string;

  @Prop({ required: true })
  attempts!: number;

  @Prop({ required: true })
  replays!: number;

  @Prop({ type: Date, required: true })
  nextAttemptAt!: Date;

  @Prop({ type: String, default: null })
  lastError!: string | null;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, default: null })
  deliveredAt!: Date | null;
}

export const NotificationSchema = SchemaFactory.createForClass(NotificationDocument);

/** A claim of one attempt (`id#replays#attempts`), held by whoever inserted it. */
@Schema({
  collection: 'notification_claims',
  versionKey: false,
  _id: false,
  autoCreate: false,
  autoIndex: false,
})
export class NotificationClaimDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Date, required: true })
  at!: Date;
}

export const NotificationClaimSchema = SchemaFactory.createForClass(NotificationClaimDocument);
