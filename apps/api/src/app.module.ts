import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { MongooseModule } from '@nestjs/mongoose';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, AppConfigModule, Clock, MetricsModule, SystemClock } from '@app/common';
import { LabsModule } from '@app/labs';
import { WorkersModule } from '@app/workers';
import { AuthGuard } from './auth/auth.guard';
import { JwtTokenVerifier } from './auth/jwt-token-verifier';
import { TokenVerifier } from './auth/token-verifier';
import { DatabaseHealthIndicator } from './health/database-health.indicator';
import { HealthController } from './health/health.controller';
import { LabsController } from './labs/labs.controller';
import { MetricsController } from './metrics/metrics.controller';
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
 */
const DATABASE_CONNECTION_OPTIONS = {
  serverSelectionTimeoutMS: 3_000,
  connectTimeoutMS: 5_000,
  bufferCommands: false,
  monitorCommands: true,
} as const;

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config, clock),
        MetricsModule,
        LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(config) }),
        MongooseModule.forRoot(config.mongodbUri, { ...DATABASE_CONNECTION_OPTIONS }),
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
        ReconciliationsController,
        OutboxController,
        HealthController,
        MetricsController,
      ],
    };
  }
}
