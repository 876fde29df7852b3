/**
 * Issue 7: measures Phase 2 (cold sync, steady state, churn) and Phase 1 deletes through the real service
 * code against a CML simulator in a separate process, and compares with a literal port of the seed
 * algorithm (bench/baseline). Prints a Markdown table and writes bench/results/<timestamp>.json.
 * Exits non-zero only on a crash: there are no assertions about time.
 */
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { getConnectionToken } from '@nestjs/mongoose';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import mongoose, { Connection } from 'mongoose';
import pLimit from 'p-limit';
import { AppConfig, loadAppConfig } from '@app/common';
import {
  EmbeddedFerretDb,
  ensureFerretDbInstalled,
  findRepoRoot,
  startEmbeddedFerretDb,
} from '@app/dev-infra';
import { DeleteLabCommand, ReconcileSummary, RefreshWorkerLabsCommand } from '@app/labs';
import { RegisterWorkerCommand } from '@app/workers';
import { createApiApp } from '../apps/api/src/create-api-app';
import {
  BASELINE_COLLECTION,
  BaselineCmlClient,
  BaselineLabSync,
  baselineModel,
} from './baseline/baseline-lab-sync';
import { DbCounts, DbMonitor } from './support/db-monitor';
import { MemorySampler } from './support/memory-sampler';
import { Figures, Row, figureRows, markdownTable, percentile } from './support/report';
import { SimulatorProcess, simStats, startSimulatorProcess, statsDelta } from './support/simulator-process';

interface Options {
  workers: number;
  labs: number;
  latencyMs: number;
  deletes: number;
  baselineWorkers: number;
  quick: boolean;
}

const USAGE =
  'npm run bench -- [--quick] [--workers N] [--labs N] [--latency-ms N] [--deletes N] [--baseline-workers N]';
/** Above this many labs in all, the sequential baseline would not finish in time at 20 ms per request. */
const BASELINE_FULL_LIMIT = 1_000;
const CHURN_SHARE = 0.01;

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const num = (name: string, fallback: number): number => {
    const i = argv.indexOf(name);
    if (i < 0) return fallback;
    const value = Number(argv[i + 1]);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} needs a whole number\n${USAGE}`);
    return value;
  };
  const known = new Set([
    '--quick',
    '--workers',
    '--labs',
    '--latency-ms',
    '--deletes',
    '--baseline-workers',
  ]);
  for (const a of argv)
    if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown option ${a}\n${USAGE}`);
  const workers = Math.max(1, num('--workers', quick ? 10 : 10));
  const labs = Math.max(1, num('--labs', quick ? 20 : 200));
  const fullBaseline = workers * labs <= BASELINE_FULL_LIMIT;
  return {
    workers,
    labs,
    latencyMs: num('--latency-ms', 20),
    deletes: num('--deletes', 20),
    baselineWorkers: Math.min(workers, Math.max(1, num('--baseline-workers', fullBaseline ? workers : 1))),
    quick,
  };
}

interface Measured<T> {
  result: T;
  figures: Figures;
}

/** Everything one measurement needs to read before and after. */
class Meter {
  constructor(
    private readonly sim: SimulatorProcess,
    private readonly memory: MemorySampler,
  ) {}

  async measure<T>(monitor: DbMonitor, work: () => Promise<T>): Promise<Measured<T>> {
    const before = await simStats(this.sim.admin);
    monitor.take();
    this.memory.reset();
    const t0 = performance.now();
    const result = await work();
    const wallMs = performance.now() - t0;
    const db: DbCounts = monitor.take();
    const peaks = this.memory.peaks();
    const cml = statsDelta(before, await simStats(this.sim.admin));
    return {
      result,
      figures: {
        wallMs: Math.round(wallMs),
        cmlRequests: cml.total,
        cmlByRoute: cml.requests,
        dbCommands: db.commands,
        labWriteCommands: db.labWriteCommands,
        labDocsWritten: db.labDocsWritten,
        docsWritten: db.docsWritten,
        peakRssMiB: Math.round(peaks.rssMiB),
        peakHeapMiB: Math.round(peaks.heapMiB),
      },
    };
  }
}

/** The baseline ran on a sample of workers one after another, so its costs scale linearly to all of them. */
function scaled(f: Figures, factor: number): Figures {
  if (factor === 1) return f;
  const s = (n: number): number => Math.round(n * factor);
  return {
    ...f,
    wallMs: s(f.wallMs),
    cmlRequests: s(f.cmlRequests),
    cmlByRoute: Object.fromEntries(Object.entries(f.cmlByRoute).map(([k, v]) => [k, s(v)])),
    dbCommands: s(f.dbCommands),
    labWriteCommands: s(f.labWriteCommands),
    labDocsWritten: s(f.labDocsWritten),
    docsWritten: s(f.docsWritten),
  };
}

interface SimLab {
  id: string;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const repoRoot = findRepoRoot(__dirname);
  const cleanups: (() => Promise<unknown>)[] = [];
  const memory = new MemorySampler();
  memory.start();
  cleanups.push(async () => memory.stop());

  try {
    // --- Database ---------------------------------------------------------------------------------------
    let baseUri = process.env.MONGODB_URI;
    let ferret: EmbeddedFerretDb | undefined;
    if (!baseUri) {
      const dataDir = path.join(repoRoot, '.data', `bench-${stamp}`);
      // As `npm run dev` and the tests do: build FerretDB on first use instead of failing.
      ensureFerretDbInstalled(repoRoot);
      ferret = await startEmbeddedFerretDb({ dataDir, repoRoot });
      const db = ferret;
      // Nest exits the process on a bootstrap error, past every finally: remove the data dir then too.
      const removeDataDir = (): void => rmSync(dataDir, { recursive: true, force: true });
      process.on('exit', removeDataDir);
      cleanups.push(async () => {
        await db.stop();
        removeDataDir();
        process.off('exit', removeDataDir);
      });
      baseUri = ferret.uri;
    }
    const dbName = `cml_bench_${stamp.replace(/-/g, '_')}`;
    const uri = withDatabase(baseUri, dbName);

    // --- Simulator (separate process) ------------------------------------------------------------------
    const sim = await startSimulatorProcess({ repoRoot, workers: opts.workers, latencyMs: opts.latencyMs });
    cleanups.push(() => sim.stop());

    // --- The service, built as production builds it -------------------------------------------------------
    const config: AppConfig = loadAppConfig({
      MONGODB_URI: uri,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      AUTH_DISABLED: 'true',
      LOG_LEVEL: 'silent',
      // The simulator is on loopback (127.0.1.N), which the SSRF guard blocks unless allowed.
      CML_ALLOW_PRIVATE_ENDPOINTS: '127.0.0.0/8',
      // Nothing may run on a timer during a measurement.
      LABS_REFRESH_INTERVAL: '0',
      OUTBOX_RELAY_INTERVAL_MS: '3600000',
      ...pick(process.env, ['RECONCILE_CONCURRENCY', 'CML_LAB_DETAIL_CONCURRENCY', 'CML_TIMEOUT_MS']),
    });
    const app: INestApplication = await createApiApp(config);
    await app.init();
    cleanups.push(async () => {
      await app.close();
    });
    const commands = app.get(CommandBus);
    const appConnection = app.get<Connection>(getConnectionToken());
    const oursMonitor = new DbMonitor(appConnection.getClient(), 'lab_records');

    const baselineConnection = await mongoose.createConnection(uri, { monitorCommands: true }).asPromise();
    cleanups.push(async () => {
      if (!ferret) await baselineConnection.dropDatabase().catch(() => undefined);
      await baselineConnection.close();
    });
    const model = baselineModel(baselineConnection);
    await model.init();
    const baselineMonitor = new DbMonitor(baselineConnection.getClient(), BASELINE_COLLECTION);

    const database = await describeDatabase(appConnection);
    const meter = new Meter(sim, memory);

    // --- Workers and labs ----------------------------------------------------------------------------------
    const workerIds: string[] = [];
    for (let i = 0; i < opts.workers; i++) {
      const view = await commands.execute(
        new RegisterWorkerCommand({
          name: `bench-${i + 1}`,
          endpoint: sim.endpoints[i],
          username: 'admin',
          password: 'admin-password',
          caCertPem: sim.caCertPem,
          verifyTls: true,
        }),
      );
      workerIds.push(view.id);
    }
    await sim.admin.post('/labs/seed', { count: opts.labs });

    const sampleIds = workerIds.slice(0, opts.baselineWorkers);
    const scale = opts.workers / opts.baselineWorkers;
    const baselineClients = new Map(
      sampleIds.map((id, i) => [
        id,
        new BaselineCmlClient({
          id,
          endpoint: sim.endpoints[i],
          username: 'admin',
          password: 'admin-password',
          caCertPem: sim.caCertPem,
        }),
      ]),
    );
    const baseline = new BaselineLabSync(model, baselineClients);
    // With a sample, the other workers' records are stand-ins so every findOne scans as many documents
    // as in a full run: on average W*L/2 during a cold sync, W*L afterwards.
    const fillerPerStep = ((opts.workers - opts.baselineWorkers) * opts.labs) / 2;
    let fillerCount = 0;
    const fill = async (count: number): Promise<void> => {
      const docs = Array.from({ length: Math.round(count) }, () => {
        const n = fillerCount++;
        return fillerDoc(`filler-${Math.floor(n / opts.labs)}`, `filler-lab-${n}`);
      });
      for (let i = 0; i < docs.length; i += 1000) await model.collection.insertMany(docs.slice(i, i + 1000));
    };

    const syncAll = async (): Promise<ReconcileSummary[]> => {
      const limit = pLimit(config.reconcileConcurrency);
      return Promise.all(
        workerIds.map((id) => limit(() => commands.execute(new RefreshWorkerLabsCommand(id)))),
      );
    };

    const header = [
      `# cml-labs benchmark (issue 7)`,
      '',
      `- database: ${database}`,
      `- size: ${opts.workers} workers x ${opts.labs} labs${opts.quick ? ' (--quick)' : ''}; simulated CML latency ${opts.latencyMs} ms per request; ${opts.deletes} Phase 1 deletes`,
      `- machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
      `- service: RECONCILE_CONCURRENCY=${config.reconcileConcurrency}, CML_LAB_DETAIL_CONCURRENCY=${config.cmlLabDetailConcurrency}`,
      `- CML: ONE simulator process (apps/cml-simulator/src/main.ts) on 0.0.0.0; each worker is registered at its own`,
      `  loopback address (https://127.0.1.N:${sim.port}) with a bench certificate covering them all, TLS verification on.`,
      `  All workers therefore see the SAME ${opts.labs} labs: the database holds ${opts.workers} x ${opts.labs} records and a`,
      `  sync makes ${opts.workers} x (1 list + ${opts.labs} details) requests, as with distinct labs; a change in CML is seen by every worker.`,
      opts.baselineWorkers === opts.workers
        ? `- baseline: the seed algorithm on all ${opts.workers} workers, one after another, own collection ${BASELINE_COLLECTION}`
        : `- baseline: the seed algorithm on a SAMPLE of ${opts.baselineWorkers} of ${opts.workers} workers (it runs workers one after another, so its costs are linear in workers): wall time, requests, commands and documents are measured on the sample and multiplied by ${scale.toFixed(1)}; peaks are not scaled. Its collection ${BASELINE_COLLECTION} is pre-filled with stand-in records of the other workers so each findOne scans as many documents as in a full run (FerretDB answers only {_id} filters from an index).`,
      `- ratio = baseline / ours (above 1: the baseline costs more). Peak RSS/heap are of this one process, which runs both in turn.`,
    ].join('\n');
    console.log(header);
    console.log('');

    const rows: Row[] = [];
    const results: Record<string, unknown> = {};
    const record = (
      scenario: string,
      ours: Figures,
      base: Figures | null,
      extra: Record<string, unknown>,
    ) => {
      rows.push(...figureRows(scenario, ours, base));
      results[scenario] = { ours, baseline: base, ...extra };
      console.error(`[bench] ${scenario}: ours ${ours.wallMs} ms, baseline ${base?.wallMs ?? '—'} ms`);
    };
    const summarize = (summaries: ReconcileSummary[]) => {
      const sum = (k: 'created' | 'updated' | 'unchanged' | 'orphansRemoved' | 'orphansPending') =>
        summaries.reduce((a, s) => a + s[k], 0);
      const notOk = summaries.filter((s) => s.status !== 'succeeded');
      for (const s of notOk) console.error(`[bench] worker ${s.workerId} ${s.status}: ${s.reason ?? ''}`);
      return {
        created: sum('created'),
        updated: sum('updated'),
        unchanged: sum('unchanged'),
        orphansRemoved: sum('orphansRemoved'),
        orphansPending: sum('orphansPending'),
        notSucceeded: notOk.length,
      };
    };

    // --- Scenario 1: cold sync -------------------------------------------------------------------------------
    const coldOurs = await meter.measure(oursMonitor, syncAll);
    await fill(fillerPerStep);
    const coldBase = await meter.measure(baselineMonitor, () => baseline.refreshAll(sampleIds));
    record('cold sync', coldOurs.figures, scaled(coldBase.figures, scale), {
      oursSummary: summarize(coldOurs.result),
      baselineSummary: coldBase.result,
    });

    // --- Scenario 2: steady state -------------------------------------------------------------------------------
    await fill(fillerPerStep);
    const steadyOurs = await meter.measure(oursMonitor, syncAll);
    const steadyBase = await meter.measure(baselineMonitor, () => baseline.refreshAll(sampleIds));
    record('steady state', steadyOurs.figures, scaled(steadyBase.figures, scale), {
      oursSummary: summarize(steadyOurs.result),
      baselineSummary: steadyBase.result,
    });

    // --- Scenario 3: churn (1% changed, 1% deleted behind the service's back, 1% created) ----------------------
    const churnCount = Math.max(1, Math.round(opts.labs * CHURN_SHARE));
    const simLabs = (await sim.admin.get<SimLab[]>('/labs')).data;
    for (const lab of simLabs.slice(0, churnCount)) {
      await sim.admin.patch(`/labs/${lab.id}`, { lab_title: `changed ${lab.id.slice(0, 8)}` });
    }
    for (const lab of simLabs.slice(churnCount, 2 * churnCount)) await sim.admin.delete(`/labs/${lab.id}`);
    await sim.admin.post('/labs/seed', { count: churnCount, titlePrefix: 'Churn lab' });
    const churnOurs = await meter.measure(oursMonitor, syncAll);
    const churnBase = await meter.measure(baselineMonitor, () => baseline.refreshAll(sampleIds));
    record(
      `churn (${churnCount} changed, ${churnCount} deleted, ${churnCount} created)`,
      churnOurs.figures,
      scaled(churnBase.figures, scale),
      {
        oursSummary: summarize(churnOurs.result),
        baselineSummary: churnBase.result,
      },
    );

    // --- Scenario 4: Phase 1 deletes ------------------------------------------------------------------------------
    const remaining = (await sim.admin.get<SimLab[]>('/labs')).data.map((l) => l.id);
    const deletes = Math.min(opts.deletes, Math.floor(remaining.length / 2));
    const oursDeleteIds = remaining.slice(0, deletes);
    const baseDeleteIds = remaining.slice(deletes, 2 * deletes);
    const perDelete = async (
      monitor: DbMonitor,
      ids: string[],
      workersForDelete: string[],
      run: (workerId: string, labId: string) => Promise<unknown>,
    ) => {
      const netMs: number[] = [];
      const requests: number[] = [];
      const measured = await meter.measure(monitor, async () => {
        for (const [i, labId] of ids.entries()) {
          const before = await simStats(sim.admin);
          const t0 = performance.now();
          await run(workersForDelete[i % workersForDelete.length], labId);
          const wall = performance.now() - t0;
          const calls = statsDelta(before, await simStats(sim.admin)).total;
          requests.push(calls);
          // What the service itself adds: the simulator's fixed latency per CML call is taken out.
          netMs.push(wall - opts.latencyMs * calls);
        }
      });
      return { netMs, requests, figures: measured.figures };
    };
    const delOurs = await perDelete(oursMonitor, oursDeleteIds, workerIds, (w, l) =>
      commands.execute(new DeleteLabCommand(w, l, false, { subject: 'bench', isAdmin: true })),
    );
    const delBase = await perDelete(baselineMonitor, baseDeleteIds, sampleIds, (w, l) =>
      baseline.deleteLab(w, l),
    );
    const per = (n: number, count: number) => (count === 0 ? 0 : n / count);
    for (const [metric, o, b] of [
      ['net latency p50 (ms)', percentile(delOurs.netMs, 50), percentile(delBase.netMs, 50)],
      ['net latency p95 (ms)', percentile(delOurs.netMs, 95), percentile(delBase.netMs, 95)],
      ['net latency p99 (ms)', percentile(delOurs.netMs, 99), percentile(delBase.netMs, 99)],
      [
        'CML requests per delete',
        per(delOurs.figures.cmlRequests, deletes),
        per(delBase.figures.cmlRequests, deletes),
      ],
      [
        'DB commands per delete',
        per(delOurs.figures.dbCommands, deletes),
        per(delBase.figures.dbCommands, deletes),
      ],
      [
        'documents written per delete (lab collection)',
        per(delOurs.figures.labDocsWritten, deletes),
        per(delBase.figures.labDocsWritten, deletes),
      ],
      ['total wall time (ms)', delOurs.figures.wallMs, delBase.figures.wallMs],
      ['peak RSS (MiB)', delOurs.figures.peakRssMiB, delBase.figures.peakRssMiB],
    ] as [string, number, number][]) {
      rows.push({ scenario: `${deletes} Phase 1 deletes`, metric, ours: o, baseline: b });
    }
    results['phase 1 deletes'] = {
      count: deletes,
      ours: { ...delOurs, netMs: delOurs.netMs.map((n) => Math.round(n * 10) / 10) },
      baseline: { ...delBase, netMs: delBase.netMs.map((n) => Math.round(n * 10) / 10) },
    };

    console.log(markdownTable(rows));
    console.log('');

    // --- Targets ----------------------------------------------------------------------------------------------------
    const W = opts.workers;
    const L = opts.labs;
    const route = (f: Figures, r: string) => f.cmlByRoute[r] ?? 0;
    const check = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const targets = [
      `- steady state writes 0 lab documents: ours ${steadyOurs.figures.labDocsWritten} -> ${check(steadyOurs.figures.labDocsWritten === 0)}` +
        ` (other collections: ${steadyOurs.figures.docsWritten - steadyOurs.figures.labDocsWritten} documents: the per-worker lease and sync status)`,
      `- per worker 1 list + 1 detail per lab (steady): labs.list ${route(steadyOurs.figures, 'labs.list')} (expected ${W}), labs.get ${route(steadyOurs.figures, 'labs.get')} (expected ${W * L}) -> ${check(route(steadyOurs.figures, 'labs.list') === W && route(steadyOurs.figures, 'labs.get') === W * L)};` +
        ` plus 1 system_information per worker (${route(steadyOurs.figures, 'system_information')}), the trust check before the list; cold sync also logs in once per worker (auth_extended ${route(coldOurs.figures, 'auth_extended')}, which also tells whether the account is an admin)`,
      `- a worker's writes go out as 1 bulk command: cold sync sent ${coldOurs.figures.labWriteCommands} write commands to lab_records for ${W} workers -> ${check(coldOurs.figures.labWriteCommands === W)};` +
        ` churn sent ${churnOurs.figures.labWriteCommands} (one unordered bulkWrite per worker; the driver sends its inserts and its updates as 2 commands)`,
      `- churn: ${churnCount} labs deleted behind the service's back cost ${W * churnCount} extra GET /labs/{id} (the 404 confirmation), labs.get ${route(churnOurs.figures, 'labs.get')}`,
      `- cold sync speedup vs baseline: ${(scaled(coldBase.figures, scale).wallMs / Math.max(1, coldOurs.figures.wallMs)).toFixed(1)}x` +
        ` (steady ${(scaled(steadyBase.figures, scale).wallMs / Math.max(1, steadyOurs.figures.wallMs)).toFixed(1)}x, churn ${(scaled(churnBase.figures, scale).wallMs / Math.max(1, churnOurs.figures.wallMs)).toFixed(1)}x)`,
    ];
    console.log('## Targets\n');
    console.log(targets.join('\n'));

    const totalMs = Date.now() - started;
    console.log(`\nbench wall time: ${(totalMs / 1000).toFixed(1)} s`);
    const resultsDir = path.join(repoRoot, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${stamp}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          startedAt: new Date(started).toISOString(),
          options: opts,
          database,
          header,
          results,
          rows,
          targets,
          totalMs,
        },
        null,
        2,
      ),
    );
    console.log(`results: ${path.relative(repoRoot, file)}`);
  } finally {
    // Reverse order: the app before the database it talks to.
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => console.error('[bench] cleanup failed:', err));
    }
  }
}

function withDatabase(uri: string, db: string): string {
  const url = new URL(uri);
  url.pathname = `/${db}`;
  return url.toString();
}

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((n) => (env[n] ? [[n, env[n]]] : [])));
}

async function describeDatabase(connection: Connection): Promise<string> {
  const info = (await connection.getClient().db('admin').command({ buildInfo: 1 })) as {
    version?: string;
    ferretdbVersion?: string;
  };
  return info.ferretdbVersion
    ? `FerretDB ${info.ferretdbVersion} (SQLite backend, reports MongoDB ${info.version})`
    : `MongoDB ${info.version}`;
}

function fillerDoc(workerId: string, labId: string): Record<string, unknown> {
  const now = new Date();
  return {
    workerId,
    labId,
    title: `Filler ${labId}`,
    description: '',
    notes: '',
    state: 'DEFINED_ON_CORE',
    owner: '00000000-0000-0000-0000-000000000000',
    ownerUsername: 'admin',
    ownerFullname: 'Administrator',
    nodeCount: 2,
    linkCount: 1,
    groups: [],
    cmlCreatedAt: now.toISOString(),
    cmlModifiedAt: now.toISOString(),
    firstSeenAt: now,
    lastSyncedAt: now,
  };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('[bench] crashed:', err);
    process.exit(1);
  },
);
