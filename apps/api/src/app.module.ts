import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { MongooseModule } from '@nestjs/mongoose';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import {
  AppConfig,
  AppConfigModule,
  Clock,
  DatabaseWriteSemanticsModule,
  MetricsModule,
  pinoHttpForFormat,
  SystemClock,
} from '@app/common';
import { LabsModule } from '@app/labs';
import { WorkersModule } from '@app/workers';
import { AuthGuard } from './auth/auth.guard';
import { JwtTokenVerifier } from './auth/jwt-token-verifier';
import { TokenVerifier } from './auth/token-verifier';
import { DeploymentCheckModule } from './deployment/deployment-check.module';
import { DatabaseHealthIndicator } from './health/database-health.indicator';
import { HealthController } from './health/health.controller';
import { JobsController } from './jobs/jobs.controller';
import { BulkDeleteController } from './labs/bulk-delete.controller';
import { LabsController } from './labs/labs.controller';
import { MetricsController } from './metrics/metrics.controller';
import { NotificationsController } from './notifications/notifications.controller';
import { OutboxController } from './outbox/outbox.controller';
import { ReconciliationsController } from './reconciliations/reconciliations.controller';
import { pinoHttpOptions } from './logging/pino-http.options';
import { WorkersController } from './workers/workers.controller';

/**
 * How long a request waits for an unreachable database before it answers 503 (contract: "When the database is
 * unreachable"). The driver's default server selection waits 30 s, longer than most clients and proxies wait for
 * an answer; 3 s is far above a healthy selection (milliseconds) yet answers well within the ~5 s the contract
 * allows. A replica-set election can take longer: requests during one get a 503 with Retry-After, not a hang.
 * connectTimeoutMS bounds each connection attempt (a host that drops packets instead of refusing them), so that
 * the driver's next check, and the recovery it notices, is not held up for the default 30 s.
 * bufferCommands off: mongoose would otherwise queue some calls for up to 10 s (bufferTimeoutMS) while it
 * thinks it is disconnected, before the driver even tries; the driver's own wait is the one bound. Nothing runs
 * before the initial connection: @nestjs/mongoose opens it before any model is created.
 * Command monitoring lets tests and benchmarks count the commands and writes a sync costs.
 *
 * socketTimeoutMS (DB_OPERATION_TIMEOUT_MS, 30 s): a server that accepts the connection but never answers (hung,
 * paused, a half-open connection behind a proxy) would otherwise hold a call until the driver's heartbeat gives
 * the server up (15 s and more), or forever while the heartbeat still gets answers (one stuck query): a request
 * hangs, and the reconciliation runner stays busy, so every scheduled tick is skipped. With it, the round trip
 * fails with a network timeout, a 503 like any unreachable database. A read is retried once (retryReads), so a
 * request gives up after about twice the setting; writes are retried on a replica set only. A call that needs a
 * new connection waits connectTimeoutMS for the handshake instead, which driver 7 tries up to three times (it
 * takes a failed handshake for an overloaded server): so connectTimeoutMS is kept at or below the setting.
 * This is the one bound that works here: the driver's client-side operation timeout (timeoutMS) is a no-op in
 * driver 7 ("has no effect", ignored), and maxTimeMS is enforced by the server, the part that does not answer
 * (FerretDB v1.24.2 also refuses maxTimeMS on `distinct`). The clock runs only while an answer is awaited, so
 * idle pooled connections stay open, and 30 s is far above the slowest legitimate call (a full scan on FerretDB).
 *
 * Write concern `majority` (journaled on MongoDB's default settings): a removal, a tombstone or a lease is only
 * acknowledged once a failover cannot roll it back. FerretDB v1.24.2 accepts it on every command this service
 * sends (checked) and has nothing to wait for; on a standalone MongoDB the majority is the one node. Reads keep
 * the server's default read concern: `majority` reads are not available on every deployment (standalone servers
 * among them), and the code must run unchanged on any MongoDB 6/7.
 */
function databaseConnectionOptions(config: AppConfig) {
  const operationTimeoutMs = config.database.operationTimeoutMs;
  return {
    serverSelectionTimeoutMS: 3_000,
    connectTimeoutMS: Math.min(5_000, operationTimeoutMs),
    socketTimeoutMS: operationTimeoutMs,
    bufferCommands: false,
    monitorCommands: true,
    writeConcern: { w: 'majority' },
  } as const;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config, clock),
        MetricsModule,
        LoggerModule.forRoot({ pinoHttp: pinoHttpForFormat(pinoHttpOptions(config), config.logFormat) }),
        MongooseModule.forRoot(config.mongodbUri, databaseConnectionOptions(config)),
        // What the database's conditional writes guarantee, decided once: LabsModule and DeploymentCheckModule ask it.
        DatabaseWriteSemanticsModule,
        DeploymentCheckModule,
        CqrsModule.forRoot(),
        ScheduleModule.forRoot(),
        TerminusModule,
        WorkersModule,
        LabsModule,
      ],
      providers: [
        { provide: TokenVerifier, useFactory: () => new JwtTokenVerifier(config.auth) },
        { provide: APP_GUARD, useClass: AuthGuard },
        DatabaseHealthIndicator,
      ],
      controllers: [
        WorkersController,
        LabsController,
        BulkDeleteController,
        JobsController,
        ReconciliationsController,
        OutboxController,
        NotificationsController,
        HealthController,
        MetricsController,
      ],
    };
  }
}
