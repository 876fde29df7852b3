import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { Clock, type MigrationOutcome, OneTimeMigration, updateInBatches } from '@app/common';
import { AuditEventDocument } from './audit-event.schema';
import { AUDIT_MAINTENANCE_MODEL, type AuditMaintenanceDocument } from './audit-maintenance.schema';

/** The marker of this backfill in audit_maintenance. */
export const AUDIT_EVENT_FIELDS_BACKFILL = 'audit-events-top-level-owner-deleted-by-v1';

/** Updates per bulk write, and so documents held at a time: bounded memory whatever the trail's size. */
export const BACKFILL_BATCH_SIZE = 500;

export type BackfillOutcome = MigrationOutcome;

type LegacyDocument = Pick<AuditEventDocument, '_id'> & { data?: { owner?: unknown; deletedBy?: unknown } };

/**
 * Gives the events stored before `owner` and `deletedBy` were top-level fields (see AuditEventDocument) those
 * fields, copied from `data`, so that the owner and deletedBy filters find them. Runs before the app serves
 * (onModuleInit), once: it reads the collection through one cursor, writes in bulks of BACKFILL_BATCH_SIZE, and
 * then writes a marker so that later starts read nothing. Idempotent: it only sets the fields where they are
 * missing, so a start that dies midway, or two instances starting together, just run it again.
 */
@Injectable()
export class AuditEventFieldsBackfill implements OnModuleInit {
  private readonly logger = new Logger(AuditEventFieldsBackfill.name);
  private readonly migration: OneTimeMigration;

  constructor(
    @InjectModel(AuditEventDocument.name) private readonly events: Model<AuditEventDocument>,
    @InjectModel(AUDIT_MAINTENANCE_MODEL) maintenance: Model<AuditMaintenanceDocument>,
    private readonly clock: Clock,
  ) {
    this.migration = new OneTimeMigration(maintenance, AUDIT_EVENT_FIELDS_BACKFILL);
  }

  async onModuleInit(): Promise<void> {
    const { skipped, updated } = await this.run();
    if (!skipped) this.logger.log({ updated }, 'audit events given top-level owner and deletedBy');
  }

  run(): Promise<BackfillOutcome> {
    return this.migration.runOnce(
      () => this.backfill(),
      () => this.clock.now(),
    );
  }

  private backfill(): Promise<number> {
    return updateInBatches<AuditEventDocument, LegacyDocument>(
      this.events,
      { filter: { owner: { $exists: false } }, projection: { _id: 1, 'data.owner': 1, 'data.deletedBy': 1 } },
      BACKFILL_BATCH_SIZE,
      (doc) => {
        const owner = doc.data?.owner;
        const deletedBy = doc.data?.deletedBy;
        return {
          updateOne: {
            // Still missing: an insert of the new code meanwhile has its own values, never overwritten.
            filter: { _id: doc._id, owner: { $exists: false } },
            update: {
              $set: {
                owner: typeof owner === 'string' ? owner : '',
                deletedBy: typeof deletedBy === 'string' ? deletedBy : null,
              },
            },
          },
        };
      },
    );
  }
}
