import { type MigrationMarkerDocument, migrationMarkerSchema } from '@app/common';

/** The markers of the lab records' one-time data migrations (see OneTimeMigration), e.g. `lab_records.removedAt`. */
export type SchemaMigrationDocument = MigrationMarkerDocument;

/** The model's name on the records' connection. */
export const SCHEMA_MIGRATION_MODEL = 'SchemaMigrationDocument';

/** Nothing is created ahead: the first marker creates the collection. */
export const SchemaMigrationSchema = migrationMarkerSchema()
  .set('collection', 'schema_migrations')
  .set('autoCreate', false)
  .set('autoIndex', false);
