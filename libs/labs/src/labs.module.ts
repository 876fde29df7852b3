import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CmlClientModule } from '@app/cml-client';
import { WorkerLabsCleaner, WorkersModule } from '@app/workers';
import { RefreshWorkerLabsHandler } from './application/commands/refresh-worker-labs/refresh-worker-labs.handler';
import { LabRecordRepository } from './application/ports/lab-record.repository';
import { GetWorkerLabHandler } from './application/queries/get-worker-lab/get-worker-lab.handler';
import { ListWorkerLabsHandler } from './application/queries/list-worker-labs/list-worker-labs.handler';
import { LabRecordDocument, LabRecordSchema } from './infrastructure/persistence/mongo/lab-record.schema';
import { MongoLabRecordRepository } from './infrastructure/persistence/mongo/mongo-lab-record.repository';

/**
 * The labs context. Global only so that the workers context can reach the WorkerLabsCleaner it
 * declares without depending on this library.
 */
@Global()
@Module({
  imports: [
    WorkersModule,
    CmlClientModule.forRoot(),
    MongooseModule.forFeature([{ name: LabRecordDocument.name, schema: LabRecordSchema }]),
  ],
  providers: [
    { provide: LabRecordRepository, useClass: MongoLabRecordRepository },
    { provide: WorkerLabsCleaner, useExisting: LabRecordRepository },
    RefreshWorkerLabsHandler,
    ListWorkerLabsHandler,
    GetWorkerLabHandler,
  ],
  exports: [LabRecordRepository, WorkerLabsCleaner],
})
export class LabsModule {}
