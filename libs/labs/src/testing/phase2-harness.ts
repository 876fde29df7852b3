import { NotificationIntake } from '@app/notifications';
import { EventBus, EventPublisher, ICommand } from '@nestjs/cqrs';
import nock from 'nock';
import { CmlClientFactory, NoopCmlRequestObserver } from '@app/cml-client';
import { AppConfig } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { FakeSecretCipher } from '@app/workers/testing/fake-secret-cipher';
import { InMemoryWorkerRepository } from '@app/workers/testing/in-memory-worker.repository';
import { ManualClock } from '@app/workers/testing/manual-clock';
import { aWorker, WorkerFixtureInput } from '@app/workers/testing/worker.fixture';
import { RestoreLabHandler } from '../application/commands/restore-lab/restore-lab.handler';
import { ApproveOrphansHandler } from '../application/commands/approve-orphans/approve-orphans.handler';
import { ReconciliationPlanApplier } from '../application/commands/refresh-worker-labs/apply-reconciliation-plan';
import { ReconciliationEvidenceGatherer } from '../application/commands/refresh-worker-labs/gather-reconciliation-evidence';
import { RefreshWorkerLabsCommand } from '../application/commands/refresh-worker-labs/refresh-worker-labs.command';
import { RefreshWorkerLabsHandler } from '../application/commands/refresh-worker-labs/refresh-worker-labs.handler';
import { CmlEvidenceReader } from '../application/reconciliation/cml-evidence-reader';
import { ReconcileLeaseKeeper } from '../application/reconciliation/reconcile-lease-keeper';
import { ReconciliationDrain } from '../application/reconciliation/reconciliation-drain';
import { ReconciliationRunner } from '../application/reconciliation/reconciliation-runner';
import { ReconciliationWriter } from '../application/reconciliation/reconciliation-writer';
import { WorkerReconcileGate } from '../application/reconciliation/worker-reconcile-gate';
import { WorkerReconcileRuns } from '../application/reconciliation/worker-reconcile-run';
import { WorkerRunExclusion } from '../application/reconciliation/worker-run-exclusion';
import { InProcessWorkerWriteLock } from '../application/in-process-worker-write-lock';
import { InMemoryLabRecordRepository } from './in-memory-lab-record.repository';
import { InMemoryReconcileLeaseRepository } from './in-memory-reconcile-lease.repository';
import { InMemoryReconciliationRunRepository } from './in-memory-reconciliation-run.repository';
import { InMemoryWorkerSyncStateRepository } from './in-memory-worker-sync-state.repository';
import { RecordingLabsMetrics } from './recording-labs-metrics';

export const CML_ENDPOINT = 'https://cml.test';
export const CML_API = `${CML_ENDPOINT}/api/v0`;

/**
 * Phase 2's handlers wired over in-memory ports and a real CML client, whose HTTP calls the spec
 * answers with nock at {@link CML_API}: the handlers and their collaborators are the real ones.
 */
export function phase2Harness(
  worker: WorkerFixtureInput = {},
  config: Partial<AppConfig> = {},
  sinks: readonly string[] = [],
  notifications?: NotificationIntake,
) {
  const clock = new ManualClock();
  const workers = new InMemoryWorkerRepository();
  const theWorker = aWorker({ endpoint: CML_ENDPOINT, ...worker });
  workers.seed(theWorker);
  const directory = new WorkerDirectory(workers, new FakeSecretCipher());
  const appConfig = {
    cmlTimeoutMs: 2000,
    cmlLabDetailConcurrency: 4,
    reconcileMaxDeleteRatio: 1,
    reconcileConcurrency: 2,
    ...config,
  } as AppConfig;
  const labs = new InMemoryLabRecordRepository(sinks);
  const leases = new InMemoryReconcileLeaseRepository();
  const syncStates = new InMemoryWorkerSyncStateRepository();
  const runsHistory = new InMemoryReconciliationRunRepository();
  const metrics = new RecordingLabsMetrics();
  const published: unknown[] = [];
  const publisher = new EventPublisher({
    publishAll: (events: unknown[]) => published.push(...events),
    publish: (event: unknown) => published.push(event),
  } as unknown as EventBus);
  const cmlFactory = new CmlClientFactory({ timeoutMs: 2000 }, new NoopCmlRequestObserver());
  const keeper = new ReconcileLeaseKeeper(leases, appConfig, clock);
  const drain = new ReconciliationDrain(keeper);
  const gate = new WorkerReconcileGate(new WorkerRunExclusion(), keeper, drain);
  const runs = new WorkerReconcileRuns(clock, syncStates, metrics, notifications);
  const reader = new CmlEvidenceReader(directory, cmlFactory, appConfig, clock);
  const writer = new ReconciliationWriter(labs, new InProcessWorkerWriteLock(), publisher);
  const refresh = new RefreshWorkerLabsHandler(
    directory,
    gate,
    runs,
    reader,
    new ReconciliationEvidenceGatherer(reader, labs, clock),
    new ReconciliationPlanApplier(gate, writer),
    syncStates,
    appConfig,
  );
  const restore = new RestoreLabHandler(directory, labs, reader, writer, syncStates, clock);
  const approve = new ApproveOrphansHandler(directory, gate, runs, reader, labs, writer, syncStates, clock);
  const commandBus = {
    execute: (command: ICommand) => {
      if (command instanceof RefreshWorkerLabsCommand) return refresh.execute(command);
      throw new Error(`no handler for ${command.constructor.name}`);
    },
  };
  const runner = new ReconciliationRunner(commandBus as never, directory, runsHistory, appConfig, clock);
  return {
    worker: theWorker,
    workers,
    labs,
    leases,
    keeper,
    syncStates,
    runsHistory,
    metrics,
    published,
    clock,
    refresh,
    restore,
    approve,
    runner,
    drain,
    dispose: () => cmlFactory.onModuleDestroy(),
  };
}

/** What a CML 2.9 controller answers, as nock interceptors; `persist` keeps them for many calls. */
export function cmlAnswers(opts: {
  ready?: boolean;
  admin?: boolean;
  listed?: string[];
  labs?: Record<string, { status: number; body: unknown; contentType?: string }>;
}) {
  const api = nock(CML_API).persist();
  api.get('/system_information').reply(200, { version: '2.9.0', ready: opts.ready ?? true });
  api.post('/auth_extended').reply(200, {
    username: 'admin',
    id: '00000000-0000-4000-a000-000000000000',
    token: 'tok-1',
    admin: opts.admin ?? true,
    error: null,
  });
  let listCalls = 0;
  api
    .get('/labs')
    .query({ show_all: 'true' })
    .reply(() => {
      listCalls++;
      return [200, opts.listed ?? []];
    });
  for (const [id, answer] of Object.entries(opts.labs ?? {}))
    api.get(`/labs/${id}`).reply(answer.status, answer.body as nock.Body, {
      'content-type': answer.contentType ?? 'application/json',
    });
  return { listCalls: () => listCalls };
}

/** A `GET /labs/{id}` body as CML 2.x sends it. */
export function cmlLabBody(id: string, title = `Lab ${id.slice(-4)}`): Record<string, unknown> {
  return {
    id,
    state: 'DEFINED_ON_CORE',
    created: '2026-01-01T00:00:00+00:00',
    modified: '2026-01-01T00:00:00+00:00',
    lab_title: title,
    lab_description: '',
    lab_notes: '',
    owner: '00000000-0000-4000-a000-000000000000',
    owner_username: 'alice',
    owner_fullname: 'Alice',
    node_count: 1,
    link_count: 0,
    groups: [],
  };
}

export const CML_404 = { status: 404, body: { code: 404, description: 'Lab not found' } };
export const PROXY_404 = {
  status: 404,
  body: '<html><body><h1>404 Not Found</h1>nginx</body></html>',
  contentType: 'text/html',
};

/** For a describe block: CML is reached only through nock, and the interceptors go after each test. */
export function cmlThroughNockOnly(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}
