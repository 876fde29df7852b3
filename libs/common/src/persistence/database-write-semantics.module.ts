import { Global, Logger, Module } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { AppConfig } from '../config/app-config';
import {
  buildInfoOf,
  DatabaseWriteSemantics,
  describeWriteSemantics,
  writeSemanticsOf,
} from './database-write-semantics';

/**
 * Provides DatabaseWriteSemantics: asks the default connection's server for `buildInfo` once at start, decides
 * with MONGODB_CONDITIONAL_WRITES, and logs the path taken in one line. An unsafe setting (`atomic` on FerretDB)
 * fails the start. Needs MongooseModule.forRoot and AppConfigModule.
 */
@Global()
@Module({
  providers: [
    {
      provide: DatabaseWriteSemantics,
      inject: [getConnectionToken(), AppConfig],
      useFactory: async (connection: Connection, config: AppConfig): Promise<DatabaseWriteSemantics> => {
        const db = connection.db;
        if (!db) throw new Error('The database connection is not open');
        const setting = config.database.conditionalWrites;
        const semantics = writeSemanticsOf(await buildInfoOf(db), setting);
        new Logger(DatabaseWriteSemantics.name).log(describeWriteSemantics(semantics, setting));
        return semantics;
      },
    },
  ],
  exports: [DatabaseWriteSemantics],
})
export class DatabaseWriteSemanticsModule {}
