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
import { HealthController } from './health/health.controller';
import { LabsController } from './labs/labs.controller';
import { MetricsController } from './metrics/metrics.controller';
import { OutboxController } from './outbox/outbox.controller';
import { ReconciliationsController } from './reconciliations/reconciliations.controller';
import { pinoHttpOptions } from './logging/pino-http.options';
import { WorkersController } from './workers/workers.controller';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config, clock),
        MetricsModule,
        LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(config) }),
        // Command monitoring lets tests and benchmarks count the commands and writes a sync costs.
        MongooseModule.forRoot(config.mongodbUri, {
          serverSelectionTimeoutMS: 10_000,
          monitorCommands: true,
        }),
        CqrsModule.forRoot(),
        ScheduleModule.forRoot(),
        TerminusModule,
        WorkersModule,
        LabsModule,
      ],
      providers: [
        { provide: TokenVerifier, useFactory: () => new JwtTokenVerifier(config.auth) },
        { provide: APP_GUARD, useClass: AuthGuard },
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
