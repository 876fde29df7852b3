import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Model, Schema as MongooseSchema } from 'mongoose';
import { UniqueClaims } from './unique-claim';

/** The marker of a one-time data migration that is done: its `_id` names the migration. */
@Schema({ versionKey: false, _id: false })
export class MigrationMarkerDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Date, required: true })
  completedAt!: Date;

  /** Documents the migration wrote, for whoever wonders what it did. */
  @Prop({ type: Number, required: true })
  updated!: number;
}

/** A fresh schema of the markers, for a context to give its own collection and options. */
export function migrationMarkerSchema(): MongooseSchema<MigrationMarkerDocument> {
  return SchemaFactory.createForClass(MigrationMarkerDocument);
}

export interface MigrationOutcome {
  /** True when the marker said it was done already: nothing was read but the marker. */
  skipped: boolean;
  updated: number;
}

/**
 * A one-time data migration, recorded by a marker: once the marker is there, it never runs again. The marker is
 * written by a unique insert after the migration has finished, so a process that dies midway, or two that run at
 * once, just run it again: the migration itself must be idempotent. A second process that finished too gets a
 * duplicate key for its marker, which is fine (see UniqueClaims).
 */
export class OneTimeMigration {
  private readonly markers: UniqueClaims<MigrationMarkerDocument>;

  constructor(
    markers: Model<MigrationMarkerDocument>,
    /** The marker's `_id`. */
    readonly id: string,
  ) {
    this.markers = new UniqueClaims(markers);
  }

  /** Runs `migrate` (which returns the documents it wrote) unless the marker says it is done. */
  async runOnce(migrate: () => Promise<number>, now: () => Date): Promise<MigrationOutcome> {
    if (await this.markers.held(this.id)) return { skipped: true, updated: 0 };
    const updated = await migrate();
    await this.markers.claim({ _id: this.id, completedAt: now(), updated });
    return { skipped: false, updated };
  }
}
