import { Global, Module, Type } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import { ScheduleModule } from '@nestjs/schedule';
import mongoose, { Connection } from 'mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import {
  AppConfigModule,
  DatabaseWriteSemantics,
  DatabaseWriteSemanticsModule,
  MetricsModule,
  UnsafeWriteSemanticsError,
} from '@app/common';
import { testAppConfig } from '../../../test/support/api-harness';
import { testDatabaseUri } from '../../../test/support/test-database';
import { testDatabaseWriteSemantics } from '../../../test/support/test-database-semantics';
import { InProcessWorkerWriteLock } from './application/in-process-worker-write-lock';
import { ReconcileLeaseRepository } from './application/ports/reconcile-lease.repository';
import { UnserialisedWorkerWrites } from './application/unserialised-worker-writes';
import { WorkerWriteLock } from './application/worker-write-lock';
import { AtomicReconcileLeaseRepository } from './infrastructure/persistence/mongo/atomic-reconcile-lease.repository';
import { EpochClaimReconcileLeaseRepository } from './infrastructure/persistence/mongo/epoch-claim-reconcile-lease.repository';
import { LabsModule } from './labs.module';

/**
 * LabsModule binds each path's implementations from DatabaseWriteSemantics, and nothing else decides: the whole
 * module (as AppModule imports it) on a real database connection, with the token as the database gives it and as
 * overridden.
 */
describe('LabsModule: the write path follows DatabaseWriteSemantics', () => {
  const uri = testDatabaseUri('labs_module');
  const opened: TestingModule[] = [];

  const compile = async (
    env: Record<string, string> = {},
    semantics?: DatabaseWriteSemantics,
  ): Promise<TestingModule> => {
    const config = testAppConfig({
      MONGODB_URI: uri,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      ...env,
    });
    let builder = Test.createTestingModule({
      imports: [
        AppConfigModule.forRoot(config),
        MetricsModule,
        MongooseModule.forRoot(uri),
        DatabaseWriteSemanticsModule,
        CqrsModule.forRoot(),
        ScheduleModule.forRoot(),
        LabsModule,
      ],
    });
    if (semantics) builder = builder.overrideProvider(DatabaseWriteSemantics).useValue(semantics);
    const module = await builder.compile();
    opened.push(module);
    return module;
  };
  const bound = (module: TestingModule): [Type, Type] => [
    module.get(ReconcileLeaseRepository).constructor as Type,
    module.get(WorkerWriteLock).constructor as Type,
  ];

  afterAll(async () => {
    for (const module of opened) await module.close();
  });

  it('atomic: leases by one conditional findOneAndUpdate, writes unserialised', async () => {
    const module = await compile(
      {},
      { conditionalWrites: 'atomic', server: 'MongoDB 7.0.14', ferretDbVersion: null },
    );
    expect(bound(module)).toEqual([AtomicReconcileLeaseRepository, UnserialisedWorkerWrites]);
  });

  it('unique-insert-only: leases by epoch claims, writes serialised per worker', async () => {
    const module = await compile(
      {},
      { conditionalWrites: 'unique-insert-only', server: 'FerretDB v1.24.2', ferretDbVersion: 'v1.24.2' },
    );
    expect(bound(module)).toEqual([EpochClaimReconcileLeaseRepository, InProcessWorkerWriteLock]);
  });

  const server = testDatabaseWriteSemantics();
  it(`as the database says (${server.server}), and as MONGODB_CONDITIONAL_WRITES overrides it`, async () => {
    const expected =
      server.conditionalWrites === 'atomic'
        ? [AtomicReconcileLeaseRepository, UnserialisedWorkerWrites]
        : [EpochClaimReconcileLeaseRepository, InProcessWorkerWriteLock];
    const detected = await compile();
    expect(detected.get(DatabaseWriteSemantics)).toEqual(server);
    expect(bound(detected)).toEqual(expected);

    const forced = await compile({ MONGODB_CONDITIONAL_WRITES: 'unique-insert-only' });
    expect(bound(forced)).toEqual([EpochClaimReconcileLeaseRepository, InProcessWorkerWriteLock]);

    if (server.ferretDbVersion) {
      // atomic on FerretDB would let two writers win one lease: the start fails, saying so. (On a connection
      // of the spec's own: a start that fails leaves Nest's connection open.)
      const connection: Connection = await mongoose.createConnection(uri).asPromise();
      @Global()
      @Module({
        providers: [{ provide: getConnectionToken(), useValue: connection }],
        exports: [getConnectionToken()],
      })
      class OwnConnection {}
      const config = testAppConfig({
        MONGODB_URI: uri,
        SECRETS_KEY: randomBytes(32).toString('base64'),
        MONGODB_CONDITIONAL_WRITES: 'atomic',
      });
      try {
        await expect(
          Test.createTestingModule({
            imports: [AppConfigModule.forRoot(config), OwnConnection, DatabaseWriteSemanticsModule],
          }).compile(),
        ).rejects.toThrow(UnsafeWriteSemanticsError);
      } finally {
        await connection.dropDatabase();
        await connection.close();
      }
    } else {
      expect(bound(await compile({ MONGODB_CONDITIONAL_WRITES: 'atomic' }))).toEqual([
        AtomicReconcileLeaseRepository,
        UnserialisedWorkerWrites,
      ]);
    }
  });
});
