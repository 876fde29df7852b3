/**
 * Tracing as an operator turns it on: the API and apps/audit run as real processes (their main.ts) with
 * OTEL_EXPORTER_OTLP_ENDPOINT pointing at an in-process OTLP/HTTP receiver. A delete goes through the API,
 * its CloudEvent to the audit consumer, and both processes' spans reach the receiver as one trace, the
 * last of them flushed when the processes are stopped (SIGTERM).
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { RunningCmlSimulator, startCmlSimulator } from '@app/cml-simulator';
import { OtlpReceiver, ReceivedSpan } from '@app/telemetry/testing/otlp-receiver';
import { registerSimulatorWorker } from './support/api-harness';
import { Child, freePort } from './support/child-app';
import { testDatabaseUri } from './support/test-database';
import { waitFor } from './support/test-sink';

function envOf(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env))
    if (/^(OTEL_|AUTH_|CLOUDEVENTS_|K_SINK$|PORT$|AUDIT_)/.test(name)) delete env[name];
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

async function untilUp(url: string, child: Child): Promise<void> {
  await waitFor(
    async () => {
      if (child.process.exitCode !== null) throw new Error(`exited early:\n${child.output.slice(-3000)}`);
      return fetch(url).then(
        (r) => r.ok,
        () => false,
      );
    },
    90_000,
    `${url} up`,
  );
}

describe('OTLP/HTTP export from the running API and audit consumer (e2e)', () => {
  const receiver = new OtlpReceiver();
  let simulator: RunningCmlSimulator;
  let api: Child | undefined;
  let audit: Child | undefined;

  beforeAll(async () => {
    await receiver.start();
    simulator = await startCmlSimulator({});
  });
  afterAll(async () => {
    await api?.stop();
    await audit?.stop();
    await simulator.close();
    await receiver.stop();
  });

  it('exports one trace across both processes, continuing the caller and flushed at shutdown', async () => {
    const [apiPort, auditPort] = [await freePort(), await freePort()];
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=e2e',
    };
    audit = new Child(
      'apps/audit/src/main.ts',
      envOf({
        ...otel,
        AUDIT_PORT: String(auditPort),
        AUDIT_MONGODB_URI: testDatabaseUri('otlp_audit'),
        AUDIT_INGEST_AUTH_DISABLED: 'true',
        AUTH_DISABLED: 'true',
      }),
    );
    api = new Child(
      'apps/api/src/main.ts',
      envOf({
        ...otel,
        PORT: String(apiPort),
        MONGODB_URI: testDatabaseUri('otlp_api'),
        SECRETS_KEY: randomBytes(32).toString('base64'),
        AUTH_DISABLED: 'true',
        LABS_REFRESH_INTERVAL: '0',
        CML_ALLOW_PRIVATE_ENDPOINTS: '127.0.0.0/8,::1/128',
        CLOUDEVENTS_SINK_URL: `http://127.0.0.1:${auditPort}/`,
        OUTBOX_RELAY_INTERVAL_MS: '200',
      }),
    );
    await untilUp(`http://127.0.0.1:${auditPort}/health/live`, audit);
    await untilUp(`http://127.0.0.1:${apiPort}/health/live`, api);

    const http = () => request(`http://127.0.0.1:${apiPort}`);
    const workerId = await registerSimulatorWorker(http, simulator);
    const [labId] = simulator.state.seedLabs({ count: 1 });
    await http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
    const incoming = '00-5a2b0f7e3c4d4e5f8a9b0c1d2e3f4a5b-1111222233334444-01';
    await http().delete(`/api/workers/${workerId}/labs/${labId}`).set('traceparent', incoming).expect(200);
    await waitFor(
      async () =>
        (
          await fetch(`http://127.0.0.1:${auditPort}/api/audit-events?labId=${labId}`).then(
            (r) => r.json() as Promise<{ items?: unknown[] }>,
          )
        ).items?.length === 1,
      10_000,
      'audit event stored',
    );
    // Stopped before the batch processor's 5 s tick: what arrives was flushed by the shutdown.
    await Promise.all([api.stop(), audit.stop()]);

    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.requests.every((r) => r.path === '/v1/traces')).toBe(true);
    expect(receiver.requests[0].contentType).toContain('application/json');
    const traceId = '5a2b0f7e3c4d4e5f8a9b0c1d2e3f4a5b';
    const inTrace = receiver.spans.filter((s) => s.traceId === traceId);
    const find = (service: string, name: string): ReceivedSpan => {
      const found = inTrace.find((s) => s.serviceName === service && s.name === name);
      if (!found)
        throw new Error(
          `no ${service} span ${name}: ${inTrace.map((s) => `${s.serviceName}/${s.name}`).join(', ')}`,
        );
      return found;
    };
    const server = find('cml-labs-api', 'DELETE /api/workers/:workerId/labs/:labId');
    expect(server.parentSpanId).toBe('1111222233334444');
    expect(server.resource['deployment.environment.name']).toBe('e2e');
    const command = find('cml-labs-api', 'DeleteLabCommand');
    expect(command.parentSpanId).toBe(server.spanId);
    expect(find('cml-labs-api', 'DELETE labs.delete').attributes['cml.route']).toBe('labs.delete');
    find('cml-labs-api', 'updateOne lab_records');
    const send = find('cml-labs-api', 'CloudEvent send');
    expect(send.parentSpanId).toBe(command.spanId);
    // The audit consumer continues the delivery's HTTP traceparent.
    const received = find('cml-labs-audit', 'POST /');
    expect(received.parentSpanId).toBe(send.spanId);
    const record = find('cml-labs-audit', 'RecordAuditEventCommand');
    expect(record.parentSpanId).toBe(received.spanId);
    const stored = find('cml-labs-audit', 'insert audit_events');
    expect(stored.parentSpanId).toBe(record.spanId);
    expect(stored.attributes['code.function.name']).toBe('MongoAuditEventRepository.insertOnce');
  }, 180_000);
});
