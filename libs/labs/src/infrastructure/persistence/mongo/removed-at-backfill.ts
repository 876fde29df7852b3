import { Logger } from '@nestjs/common';
import { Model } from 'mongoose';
import { type MigrationOutcome, OneTimeMigration, updateInBatches } from '@app/common';
import { LabRecordDocument } from './lab-record.schema';
import {
  SCHEMA_MIGRATION_MODEL,
  type SchemaMigrationDocument,
  SchemaMigrationSchema,
} from './schema-migration.schema';

/** The marker of this backfill in schema_migrations. */
export const REMOVED_AT_BACKFILL = 'lab_records.removedAt';

/** Updates per bulk write, and so documents held at a time: bounded memory whatever the collection's size. */
export const REMOVED_AT_BACKFILL_BATCH_SIZE = 1_000;

export type RemovedAtBackfillOutcome = MigrationOutcome;

type LegacyTombstone = Pick<LabRecordDocument, '_id'> & { removal?: { at?: unknown } | null };

/** The migrations collection, on the records' connection (no module registers it). */
export function schemaMigrationModel(records: Model<LabRecordDocument>): Model<SchemaMigrationDocument> {
  return records.db.model<SchemaMigrationDocument>(SCHEMA_MIGRATION_MODEL, SchemaMigrationSchema);
}

/**
 * Gives the tombstones written before LabRecordDocument.removedAt existed (they have `removal` and no `removedAt`)
 * their `removedAt`, copied from `removal.at`, so that the purge, which filters on `removedAt`, finds them.
 *
 * Once per database: one cursor over the legacy tombstones, updates in unordered bulks of
 * REMOVED_AT_BACKFILL_BATCH_SIZE, then a marker in schema_migrations (a unique insert: a second process that
 * finished too gets a duplicate key, which is fine). With the marker there, a call costs one `_id` read, and none
 * once this instance has seen it. Not run at start-up but before a process's first purge (MongoLabEventOutbox),
 * so that the scan does not add to a start's work (see OutboxRelayJob). Idempotent, so a process that dies midway
 * or two processes at once just run it again: each update is conditional on the record still being a tombstone
 * without `removedAt`, so a record restored meanwhile (removal and removedAt null) or removed again by new code
 * (which writes both) is left alone. No pipeline update (`$set: {removedAt: '$removal.at'}`): FerretDB v1 has none.
 */
export class RemovedAtBackfill {
  private readonly logger = new Logger(RemovedAtBackfill.name);
  private readonly migration: OneTimeMigration;
  private done = false;
  private running: Promise<RemovedAtBackfillOutcome> | null = null;

  constructor(
    private readonly records: Model<LabRecordDocument>,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.migration = new OneTimeMigration(schemaMigrationModel(records), REMOVED_AT_BACKFILL);
  }

  /** Runs the backfill unless this instance has seen it done; concurrent callers share one run. */
  async ensureDone(): Promise<void> {
    if (this.done) return;
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  async run(): Promise<RemovedAtBackfillOutcome> {
    const outcome = await this.migration.runOnce(() => this.backfill(), this.now);
    this.done = true;
    if (!outcome.skipped) {
      this.logger.log({ updated: outcome.updated }, 'legacy tombstones given a top-level removedAt');
    }
    return outcome;
  }

  private backfill(): Promise<number> {
    return updateInBatches<LabRecordDocument, LegacyTombstone>(
      this.records,
      {
        filter: { removal: { $ne: null }, removedAt: { $exists: false } },
        projection: { _id: 1, 'removal.at': 1 },
      },
      REMOVED_AT_BACKFILL_BATCH_SIZE,
      (doc) => {
        const at = doc.removal?.at;
        return {
          updateOne: {
            filter: { _id: doc._id, removal: { $ne: null }, removedAt: { $exists: false } },
            // A tombstone without a date was never purged (the old filter needed `removal.at`); null keeps it so,
            // and it is not read again.
            update: { $set: { removedAt: at instanceof Date ? at : null } },
          },
        };
      },
    );
  }
}
