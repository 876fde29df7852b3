import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A Phase 1 delete in progress (see DeleteIntent); `_id` is the lab record's id. */
@Schema({ collection: 'lab_delete_intents', versionKey: false, _id: false })
export class DeleteIntentDocument {
  /** `${workerId}:${labId}`, the id of the lab record it belongs to. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  workerId!: string;

  @Prop({ required: true })
  labId!: string;

  @Prop({ required: true })
  by!: string;

  @Prop({ required: true })
  at!: Date;

  @Prop({ required: true })
  force!: boolean;

  @Prop({ type: String })
  traceparent?: string;
}

export const DeleteIntentSchema = SchemaFactory.createForClass(DeleteIntentDocument);
