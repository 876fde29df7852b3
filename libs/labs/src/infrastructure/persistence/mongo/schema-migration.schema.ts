import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A one-time data migration that is done: its `_id` names it (e.g. `lab_records.removedAt`), so that no process
 * runs it again. Written by a unique insert once the migration has finished; nothing is created ahead.
 */
@Schema({
  collection: 'schema_migrations',
  versionKey: false,
  _id: false,
  autoCreate: false,
  autoIndex: false,
})
export class SchemaMigrationDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Date, required: true })
  completedAt!: Date;

  /** Documents the migration wrote, for whoever wonders what it did. */
  @Prop({ type: Number, required: true })
  updated!: number;
}

export const SchemaMigrationSchema = SchemaFactory.createForClass(SchemaMigrationDocument);
