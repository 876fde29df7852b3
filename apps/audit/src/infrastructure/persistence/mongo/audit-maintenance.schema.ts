import { type MigrationMarkerDocument, migrationMarkerSchema } from '@app/common';

/** The markers of the audit trail's one-time data changes (see OneTimeMigration): no start runs one again. */
export type AuditMaintenanceDocument = MigrationMarkerDocument;

/** The model's name (its DI token with @InjectModel). */
export const AUDIT_MAINTENANCE_MODEL = 'AuditMaintenanceDocument';

export const AuditMaintenanceSchema = migrationMarkerSchema().set('collection', 'audit_maintenance');
