/**
 * `npm run dev`: the service with embedded defaults on a fresh machine. Whatever is not
 * configured is provided locally: FerretDB (when MONGODB_URI is unset), a seeded CML simulator
 * registered as the worker "demo-cml", apps/audit as the CloudEvents sink (when no sink is
 * configured; with an ingest token generated for the run and given to both sides), a persistent SECRETS_KEY
 * under .data/, and AUTH_DISABLED.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { loadAppConfig, loadConfigOrExit } from '@app/common';
import { loadTelemetryConfig } from '@app/telemetry';
import { exitIfPortsInUse, listenOrExit, PortSetting } from '@app/common/config/listen-or-exit';
import { findRepoRoot, startEmbeddedFerretDb } from '@app/dev-infra';
import { readSimulatorEnvConfig, startCmlSimulator } from '@app/cml-simulator';
import { RefreshWorkerLabsCommand } from '@app/labs';
import { ListWorkersQuery, RegisterWorkerCommand, RemoveWorkerCommand, WorkerView } from '@app/workers';
import { loadAuditConfig } from '../../audit/src/audit-config';
import { createAuditApp } from '../../audit/src/create-audit-app';
import { createApiApp } from './create-api-app';

const DEMO_WORKER = 'demo-cml';

const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);

/** How this process reaches what it listens on: a wildcard address is not something to dial. */
const dialHost = (host: string) =>
  host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

function devSecretsKey(dataDir: string): string {
  const file = join(dataDir, 'dev-secrets-key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function main(): Promise<void> {
  // Read by a person: pino-pretty (colour on a TTY) for the API and apps/audit, unless LOG_FORMAT says otherwise.
  process.env.LOG_FORMAT ??= 'pretty';
  const root = findRepoRoot();
  const dataDir = join(root, '.data');
  mkdirSync(dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of [...stops].reverse()) await stop().catch(() => undefined);
  };

  // The demo runs with AUTH_DISABLED, so it is no door: the API and the audit consumer listen on 127.0.0.1
  // unless DEMO_LISTEN_HOST (e.g. 0.0.0.0) says otherwise, and then the warning says so again.
  const host = process.env.DEMO_LISTEN_HOST?.trim() || '127.0.0.1';
  const reach = dialHost(host);
  const apiPortSetting: PortSetting = { port: Number(process.env.PORT ?? 8080), variable: 'PORT', host };
  const auditPortSetting: PortSetting = {
    port: Number(process.env.AUDIT_PORT ?? 8081),
    variable: 'AUDIT_PORT',
    host,
  };
  const simPortSetting: PortSetting = {
    port: Number(process.env.SIM_PORT ?? 9443),
    variable: 'SIM_PORT',
    host: '127.0.0.1',
  };
  const startsAudit = !process.env.CLOUDEVENTS_SINK_URL && !process.env.K_SINK;
  // Before anything starts (FerretDB takes a while): a port in use is one line naming its variable, exit code 2.
  await exitIfPortsInUse([apiPortSetting, ...(startsAudit ? [auditPortSetting] : []), simPortSetting]);

  let auditDbUri = process.env.AUDIT_MONGODB_URI;
  if (!process.env.MONGODB_URI) {
    const db = await startEmbeddedFerretDb({ dataDir: join(dataDir, 'dev-ferretdb'), repoRoot: root });
    stops.push(() => db.stop());
    process.env.MONGODB_URI = `${db.uri}cml_labs`;
    auditDbUri ??= `${db.uri}cml_audit`;
    console.warn(`embedded FerretDB on ${db.uri} (data in .data/dev-ferretdb)`);
  }
  // Before apps/audit starts: it reads the trail under the same AUTH_* settings as the API.
  if (!process.env.AUTH_JWT_SECRET && !process.env.AUTH_JWKS_URL && !process.env.AUTH_DISABLED) {
    process.env.AUTH_DISABLED = 'true';
  }
  if (!process.env.CLOUDEVENTS_SINK_URL && !process.env.K_SINK) {
    const auditPort = Number(process.env.AUDIT_PORT ?? 8081);
    const apiPort = Number(process.env.PORT ?? 8080);
    // A credential made for this run and given to both sides: apps/audit accepts events only with it, and the
    // API's sender presents it. It lives in this process only and is never printed.
    const ingestToken = randomBytes(32).toString('base64url');
    const auditConfig = loadConfigOrExit(() =>
      loadAuditConfig({
        ...process.env,
        AUDIT_PORT: String(auditPort),
        AUDIT_MONGODB_URI: auditDbUri ?? process.env.MONGODB_URI,
        AUDIT_INGEST_TOKEN: ingestToken,
        AUDIT_INGEST_TOKEN_FILE: undefined,
        // The console served by the API, and `npm run web:dev` (Vite), read the trail from the browser. Reached
        // under another name (DEMO_LISTEN_HOST=0.0.0.0), set AUDIT_CORS_ORIGINS to the origin in the address bar.
        AUDIT_CORS_ORIGINS:
          process.env.AUDIT_CORS_ORIGINS ??
          [...new Set([reach, '127.0.0.1', 'localhost'])]
            .flatMap((name) => [`http://${name}:${apiPort}`, `http://${name}:5173`])
            .join(','),
      }),
    );
    // The demo owns SIGINT/SIGTERM and closes the apps in order (shutdown below).
    const audit = await createAuditApp(auditConfig, undefined, { shutdownHooks: false });
    await listenOrExit(
      auditPortSetting,
      () => audit.listen(auditPort, host),
      async () => {
        await audit.close();
        await stopAll();
      },
    );
    stops.push(() => audit.close());
    process.env.CLOUDEVENTS_SINK_URL = `http://${reach}:${auditPort}/`;
    process.env.CLOUDEVENTS_SINK_TOKEN = ingestToken;
    delete process.env.CLOUDEVENTS_SINK_TOKEN_FILE;
    process.env.WEB_AUDIT_URL ??= `http://${reach}:${auditPort}`;
    console.warn(
      `audit consumer (apps/audit) on http://${reach}:${auditPort} (GET /api/audit-events); ` +
        'the API delivers to it with a bearer token generated for this run',
    );
  }
  process.env.SECRETS_KEY ??= devSecretsKey(dataDir);
  // The demo simulator listens on loopback, which the SSRF guard blocks unless allowed.
  process.env.CML_ALLOW_PRIVATE_ENDPOINTS ??= '127.0.0.0/8,::1/128';

  const config = loadConfigOrExit(() => loadAppConfig());
  if (config.auth.disabled) {
    console.warn(
      '\n********************************************************************\n' +
        '* WARNING: AUTH_DISABLED=true. Every /api route is open to anyone *\n' +
        '* who can reach this port. Demo use only.                          *\n' +
        '********************************************************************\n',
    );
  }
  const wideWarning = isLoopback(host)
    ? null
    : `WARNING: DEMO_LISTEN_HOST=${host}: ${
        startsAudit ? 'the demo API and its audit consumer listen' : 'the demo API listens'
      } beyond this machine${
        config.auth.disabled ? ', with AUTH_DISABLED=true: anyone who can reach them acts as admin' : ''
      }.`;
  if (wideWarning) console.warn(wideWarning);

  // Real CML takes seconds to stop and wipe a lab; so does the demo's (SIM_START_MS, SIM_STOP_MS, SIM_WIPE_MS).
  const { startMs, stopMs, wipeMs } = loadConfigOrExit(() => readSimulatorEnvConfig(process.env)).options;
  // The simulator stays on loopback whatever DEMO_LISTEN_HOST says: only the API in this process talks to it.
  const simulator = await listenOrExit(
    simPortSetting,
    () => startCmlSimulator({ port: simPortSetting.port, startMs, stopMs, wipeMs }),
    stopAll,
  );
  const demoLabs = Number(process.env.SIM_SEED_LABS ?? 12);
  // A mix of states, so that the demo shows both a plain delete and one that needs force=true.
  const started = Math.floor(demoLabs / 4);
  simulator.state.seedLabs({ count: demoLabs - 2 * started, titlePrefix: 'Demo lab' });
  simulator.state.seedLabs({ count: started, state: 'STARTED', titlePrefix: 'Running demo lab' });
  simulator.state.seedLabs({ count: started, state: 'STOPPED', titlePrefix: 'Stopped demo lab' });
  stops.push(() => simulator.close());
  console.warn(`demo CML simulator on ${simulator.url} (admin API under ${simulator.url}/_sim)`);

  // Traced when OTEL_EXPORTER_OTLP_ENDPOINT is set; the audit consumer in this process is not (one tracer
  // provider per process, and its spans would carry the API's service name).
  const tracing = { config: loadConfigOrExit(() => loadTelemetryConfig('cml-labs-api')) };
  const app = await createApiApp(config, undefined, undefined, { shutdownHooks: false, tracing });
  await app.init();
  await registerDemoWorker(app.get(CommandBus), app.get(QueryBus), simulator.url, simulator.caCertPem);
  await listenOrExit(
    { ...apiPortSetting, port: config.port },
    () => app.listen(config.port, host),
    async () => {
      await app.close();
      await stopAll();
    },
  );
  console.warn(`cml-labs API on http://${reach}:${config.port}/api (health: /health/ready)`);
  if (wideWarning) console.warn(wideWarning);

  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await stopAll();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

/**
 * The demo simulator starts empty with new lab ids and a new certificate every time, so the demo
 * worker of a previous start (and its records, which would all be orphans now) is replaced.
 */
async function registerDemoWorker(
  commands: CommandBus,
  queries: QueryBus,
  url: string,
  ca: string,
): Promise<void> {
  const page = await queries.execute(new ListWorkersQuery(500));
  const existing = page.items.find((w: WorkerView) => w.name === DEMO_WORKER);
  const settings = {
    endpoint: url,
    username: 'admin',
    password: 'admin-password',
    verifyTls: true,
    caCertPem: ca,
  };
  if (existing) await commands.execute(new RemoveWorkerCommand(existing.id));
  const worker = await commands.execute(new RegisterWorkerCommand({ name: DEMO_WORKER, ...settings }));
  const summary = await commands.execute(new RefreshWorkerLabsCommand(worker.id));
  console.warn(`demo worker ${worker.id}: ${summary.created} labs created, ${summary.updated} updated`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
