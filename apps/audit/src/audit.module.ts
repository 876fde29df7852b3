import { DynamicModule, Module, Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { Clock, MetricsModule, pinoHttpForFormat, SystemClock } from '@app/common';
import { RecordAuditEventHandler } from './application/commands/record-audit-event/record-audit-event.handler';
import { AuditEventRepository } from './application/ports/audit-event.repository';
import { OwnerNotifier } from './application/ports/owner-notifier';
import { ExportAuditEventsHandler } from './application/queries/export-audit-events/export-audit-events.handler';
import { ListAuditEventsHandler } from './application/queries/list-audit-events/list-audit-events.handler';
import { AuditConfig } from './audit-config';
import { AuditEventsController } from './http/audit-events.controller';
import { CloudEventsController } from './http/cloud-events.controller';
import { JwtTokenVerifier, TokenVerifier } from '@app/common/auth';
import { IngestAuthGuard } from './http/auth/ingest-auth.guard';
import { ViewerGuard } from './http/auth/viewer.guard';
import { HealthController } from './http/health.controller';
import { MetricsController } from './http/metrics.controller';
import { WebhookOwnerNotifier } from './infrastructure/notification/webhook-owner-notifier';
import { AuditEventDocument, AuditEventSchema } from './infrastructure/persistence/mongo/audit-event.schema';
import { MongoAuditEventRepository } from './infrastructure/persistence/mongo/mongo-audit-event.repository';
import { AuditEventFieldsBackfill } from './infrastructure/persistence/mongo/audit-event-fields.backfill';
import {
  AUDIT_MAINTENANCE_MODEL,
  AuditMaintenanceSchema,
} from './infrastructure/persistence/mongo/audit-maintenance.schema';
import { pinoHttpOptions } from './logging/pino-http.options';

/** The audit consumer: a CloudEvents sink that keeps the lab removal audit trail. */
@Module({})
export class AuditModule {
  static forRoot(config: AuditConfig, clock: Clock = new SystemClock()): DynamicModule {
    // No notifier at all without a webhook: the handler then skips notifying instead of
    // pretending to notify.
    const notifier: Provider[] = config.notifyWebhookUrl
      ? [{ provide: OwnerNotifier, useValue: new WebhookOwnerNotifier(config.notifyWebhookUrl) }]
      : [];
    // No verifier with AUTH_DISABLED=true: the viewer guard then lets every read through, as the API does.
    const verifier: Provider[] = config.auth.disabled
      ? []
      : [{ provide: TokenVerifier, useFactory: () => new JwtTokenVerifier(config.auth) }];
    return {
      module: AuditModule,
      imports: [
        MetricsModule,
        LoggerModule.forRoot({ pinoHttp: pinoHttpForFormat(pinoHttpOptions(config), config.logFormat) }),
        MongooseModule.forRoot(config.mongodbUri, { serverSelectionTimeoutMS: 10_000 }),
        MongooseModule.forFeature([
          { name: AuditEventDocument.name, schema: AuditEventSchema },
          { name: AUDIT_MAINTENANCE_MODEL, schema: AuditMaintenanceSchema },
        ]),
        CqrsModule.forRoot(),
        TerminusModule,
      ],
      controllers: [CloudEventsController, AuditEventsController, HealthController, MetricsController],
      providers: [
        { provide: AuditConfig, useValue: config },
        { provide: Clock, useValue: clock },
        { provide: AuditEventRepository, useClass: MongoAuditEventRepository },
        AuditEventFieldsBackfill,
        ...notifier,
        ...verifier,
        IngestAuthGuard,
        ViewerGuard,
        RecordAuditEventHandler,
        ListAuditEventsHandler,
        ExportAuditEventsHandler,
      ],
    };
  }
}
