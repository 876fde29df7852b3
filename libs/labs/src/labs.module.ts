import { Module } from '@nestjs/common';
import { getModelToken, MongooseModule } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { CmlClientModule } from '@app/cml-client';
import { HttpCloudEventSender } from '@app/cloud-events';
import { AppConfig, DatabaseWriteSemantics } from '@app/common';
import { NotificationsModule } from '@app/notifications';
import { WorkersModule } from '@app/workers';
import { ApproveOrphansHandler } from './application/commands/approve-orphans/approve-orphans.handler';
import { DeliverLabEventHandler } from './application/commands/deliver-lab-event/deliver-lab-event.handler';
import { RetryOutboxEventHandler } from './application/commands/retry-outbox-event/retry-outbox-event.handler';
import { OutboxRelayJob } from './application/jobs/outbox-relay.job';
import { LabEventDeliverer } from './application/outbox/lab-event-deliverer';
import { LabEventOutbox } from './application/ports/lab-event-outbox';
import { ListOutboxHandler } from './application/queries/list-outbox/list-outbox.handler';
import { LabAuditSaga } from './application/sagas/lab-audit.saga';
import { LabsMetrics } from './application/ports/labs-metrics';
import { OutboxAndLeaseMetrics } from './infrastructure/metrics/outbox-and-lease-metrics';
import { ReconcileScheduleMetric } from './infrastructure/metrics/reconcile-schedule-metric';
import { PrometheusCmlRequestObserver } from './infrastructure/metrics/prometheus-cml-request-observer';
import { PrometheusLabsMetrics } from './infrastructure/metrics/prometheus-labs-metrics';
import { MongoLabEventOutbox } from './infrastructure/persistence/mongo/mongo-lab-event-outbox';
import { DeleteLabHandler } from './application/commands/delete-lab/delete-lab.handler';
import { RefreshWorkerLabsHandler } from './application/commands/refresh-worker-labs/refresh-worker-labs.handler';
import { StartReconciliationHandler } from './application/commands/start-reconciliation/start-reconciliation.handler';
import { LabsRefreshJob } from './application/jobs/labs-refresh.job';
import { LabRecordRepository } from './application/ports/lab-record.repository';
import { ReconcileLeaseRepository } from './application/ports/reconcile-lease.repository';
import { ReconciliationRunRepository } from './application/ports/reconciliation-run.repository';
import { GetReconciliationHandler } from './application/queries/get-reconciliation/get-reconciliation.handler';
import { GetWorkerLabHandler } from './application/queries/get-worker-lab/get-worker-lab.handler';
import { ListRemovedLabsHandler } from './application/queries/list-removed-labs/list-removed-labs.handler';
import { RestoreLabHandler } from './application/commands/restore-lab/restore-lab.handler';
import { ListPendingOrphansHandler } from './application/queries/list-pending-orphans/list-pending-orphans.handler';
import { ListReconciliationsHandler } from './application/queries/list-reconciliations/list-reconciliations.handler';
import { ListWorkerLabsHandler } from './application/queries/list-worker-labs/list-worker-labs.handler';
import { ReconciliationRunner } from './application/reconciliation/reconciliation-runner';
import { ReconciliationPlanApplier } from './application/commands/refresh-worker-labs/apply-reconciliation-plan';
import { ReconciliationEvidenceGatherer } from './application/commands/refresh-worker-labs/gather-reconciliation-evidence';
import { WorkerSyncStateRepository } from './application/ports/worker-sync-state.repository';
import { GetWorkerSyncStatesHandler } from './application/queries/get-worker-sync-states/get-worker-sync-states.handler';
import { CmlEvidenceReader } from './application/reconciliation/cml-evidence-reader';
import { ReconcileLeaseKeeper } from './application/reconciliation/reconcile-lease-keeper';
import { ReconciliationDrain } from './application/reconciliation/reconciliation-drain';
import { ReconciliationWriter } from './application/reconciliation/reconciliation-writer';
import { WorkerReconcileGate } from './application/reconciliation/worker-reconcile-gate';
import { WorkerReconcileRuns } from './application/reconciliation/worker-reconcile-run';
import { WorkerRunExclusion } from './application/reconciliation/worker-run-exclusion';
import { WorkerLabsCleanup } from './application/worker-labs-cleanup';
import { MongoWorkerSyncStateRepository } from './infrastructure/persistence/mongo/mongo-worker-sync-state.repository';
import {
  WorkerSyncStateDocument,
  WorkerSyncStateSchema,
} from './infrastructure/persistence/mongo/worker-sync-state.schema';
import { WorkerWriteLock } from './application/worker-write-lock';
import { InProcessWorkerWriteLock } from './application/in-process-worker-write-lock';
import { UnserialisedWorkerWrites } from './application/unserialised-worker-writes';
import { LabRecordDocument, LabRecordSchema } from './infrastructure/persistence/mongo/lab-record.schema';
import { MongoLabRecordRepository } from './infrastructure/persistence/mongo/mongo-lab-record.repository';
import { AtomicReconcileLeaseRepository } from './infrastructure/persistence/mongo/atomic-reconcile-lease.repository';
import { EpochClaimReconcileLeaseRepository } from './infrastructure/persistence/mongo/epoch-claim-reconcile-lease.repository';
import { MongoReconciliationRunRepository } from './infrastructure/persistence/mongo/mongo-reconciliation-run.repository';
import {
  ReconcileLeaseDocument,
  ReconcileLeaseSchema,
} from './infrastructure/persistence/mongo/reconcile-lease.schema';
import { BulkDeleteJobRunner } from './application/bulk-delete/bulk-delete-job-runner';
import { BulkDeleteSelection } from './application/bulk-delete/bulk-delete-selection';
import { StartBulkDeleteHandler } from './application/commands/start-bulk-delete/start-bulk-delete.handler';
import { BulkDeleteResumeJob } from './application/jobs/bulk-delete-resume.job';
import { BulkDeleteJobRepository } from './application/ports/bulk-delete-job.repository';
import { GetJobHandler } from './application/queries/get-job/get-job.handler';
import {
  BulkDeleteJobDocument,
  BulkDeleteJobSchema,
} from './infrastructure/persistence/mongo/bulk-delete-job.schema';
import { MongoBulkDeleteJobRepository } from './infrastructure/persistence/mongo/mongo-bulk-delete-job.repository';
import {
  ReconciliationRunDocument,
  ReconciliationRunSchema,
} from './infrastructure/persistence/mongo/reconciliation-run.schema';

/**
 * The two ways of writing safely, chosen by what the database's conditional writes guarantee (the seam:
 * DatabaseWriteSemantics): on MongoDB (`atomic`) a lease is one conditional findOneAndUpdate and writes to a
 * worker's records need no lock; on FerretDB (`unique-insert-only`) a lease epoch is claimed by a unique insert
 * and writes to one worker's records are serialised. Only the chosen implementation is constructed.
 */
const writePathProviders = [
  {
    provide: ReconcileLeaseRepository,
    inject: [DatabaseWriteSemantics, getModelToken(ReconcileLeaseDocument.name)],
    useFactory: (
      semantics: DatabaseWriteSemantics,
      model: Model<ReconcileLeaseDocument>,
    ): ReconcileLeaseRepository =>
      semantics.conditionalWrites === 'atomic'
        ? new AtomicReconcileLeaseRepository(model)
        : new EpochClaimReconcileLeaseRepository(model),
  },
  {
    provide: WorkerWriteLock,
    inject: [DatabaseWriteSemantics],
    useFactory: (semantics: DatabaseWriteSemantics): WorkerWriteLock =>
      semantics.conditionalWrites === 'atomic'
        ? new UnserialisedWorkerWrites()
        : new InProcessWorkerWriteLock(),
  },
];

/**
 * The labs context: lab records, Phase 1 and Phase 2, the outbox of lab events. It depends on the
 * workers context (WorkerDirectory) and registers its cleanup as a WorkerRemovalHook there.
 */
@Module({
  imports: [
    WorkersModule,
    NotificationsModule,
    CmlClientModule.forRootAsync({
      observer: PrometheusCmlRequestObserver,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        timeoutMs: config.cmlTimeoutMs,
        allowedPrivateCidrs: config.cmlAllowPrivateEndpoints,
      }),
    }),
    MongooseModule.forFeature([
      { name: LabRecordDocument.name, schema: LabRecordSchema },
      { name: ReconcileLeaseDocument.name, schema: ReconcileLeaseSchema },
      { name: ReconciliationRunDocument.name, schema: ReconciliationRunSchema },
      { name: WorkerSyncStateDocument.name, schema: WorkerSyncStateSchema },
      { name: BulkDeleteJobDocument.name, schema: BulkDeleteJobSchema },
    ]),
  ],
  providers: [
    { provide: LabRecordRepository, useClass: MongoLabRecordRepository },
    ...writePathProviders,
    { provide: ReconciliationRunRepository, useClass: MongoReconciliationRunRepository },
    { provide: WorkerSyncStateRepository, useClass: MongoWorkerSyncStateRepository },
    WorkerLabsCleanup,
    { provide: LabEventOutbox, useClass: MongoLabEventOutbox },
    HttpCloudEventSender,
    { provide: LabsMetrics, useClass: PrometheusLabsMetrics },
    OutboxAndLeaseMetrics,
    ReconcileScheduleMetric,
    LabEventDeliverer,
    LabAuditSaga,
    OutboxRelayJob,
    DeliverLabEventHandler,
    RetryOutboxEventHandler,
    ListOutboxHandler,
    WorkerRunExclusion,
    ReconcileLeaseKeeper,
    ReconciliationDrain,
    WorkerReconcileGate,
    WorkerReconcileRuns,
    CmlEvidenceReader,
    ReconciliationWriter,
    ReconciliationEvidenceGatherer,
    ReconciliationPlanApplier,
    ReconciliationRunner,
    LabsRefreshJob,
    DeleteLabHandler,
    RefreshWorkerLabsHandler,
    ApproveOrphansHandler,
    StartReconciliationHandler,
    ListWorkerLabsHandler,
    GetWorkerLabHandler,
    ListRemovedLabsHandler,
    RestoreLabHandler,
    ListPendingOrphansHandler,
    ListReconciliationsHandler,
    GetReconciliationHandler,
    GetWorkerSyncStatesHandler,
    { provide: BulkDeleteJobRepository, useClass: MongoBulkDeleteJobRepository },
    BulkDeleteSelection,
    BulkDeleteJobRunner,
    BulkDeleteResumeJob,
    StartBulkDeleteHandler,
    GetJobHandler,
  ],
  exports: [LabRecordRepository, ReconcileLeaseRepository, ReconciliationRunner, ReconcileLeaseKeeper],
})
export class LabsModule {}
