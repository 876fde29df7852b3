import { INestApplication } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import request from 'supertest';
import { loadAuditConfig } from '../apps/audit/src/audit-config';
import { createAuditApp } from '../apps/audit/src/create-audit-app';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { testDatabaseUri } from './support/test-database';
import { ReceivedRequest, TestSink, waitFor } from './support/test-sink';

/** The credential both sides are given: CLOUDEVENTS_SINK_TOKEN on the API, AUDIT_INGEST_TOKEN on apps/audit. */
const TOKEN = randomBytes(32).toString('base64url');
const HMAC_SECRET = randomBytes(32).toString('hex');

/** The signature scheme, independently of the implementation (see test/audit-consumer.e2e-spec.ts). */
function expectedSignature(r: ReceivedRequest, secret: string): string {
  const lines = Object.entries(r.headers)
    .filter(([name]) => name === 'content-type' || name.startsWith('ce-'))
    .map(([name, value]) => [name, String(value).trim()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}:${value}\n`)
    .join('');
  return `sha256=${createHmac('sha256', secret).update(`cml-labs-signature-v1\n${lines}\n${r.body}`).digest('hex')}`;
}

function startAudit(port: number, env: Record<string, string>) {
  return createAuditApp(
    loadAuditConfig({
      AUDIT_MONGODB_URI: testDatabaseUri('audit_trail'),
      AUDIT_PORT: String(port),
      LOG_LEVEL: 'silent',
      AUTH_DISABLED: 'true',
      ...env,
    }),
  ).then(async (app) => {
    await app.listen(port, '127.0.0.1');
    return app;
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('Audit trail end to end: API outbox -> apps/audit (e2e)', () => {
  let h: ApiHarness;
  let audit: INestApplication | undefined;
  let auditPort: number;
  /** A second sink that records what the sender sends: the credential must be on every request. */
  const witness = new TestSink();

  beforeAll(async () => {
    auditPort = await freePort();
    await witness.start();
    h = await startApiHarness('audit_trail_e2e', {
      CLOUDEVENTS_SINK_URL: `http://127.0.0.1:${auditPort}/,${witness.url}`,
      CLOUDEVENTS_SINK_TOKEN: TOKEN,
      OUTBOX_RELAY_INTERVAL_MS: '150',
      OUTBOX_RETRY_BASE_MS: '40',
      OUTBOX_MAX_ATTEMPTS: '100',
      RECONCILE_MAX_DELETE_RATIO: '1',
    });
  });
  afterAll(async () => {
    await h.close();
    await audit?.close();
    await witness.stop();
  });

  const stored = async () =>
    (await request(audit!.getHttpServer()).get('/api/audit-events?limit=500').expect(200)).body.items;

  it('audit consumer down, then up: every removal stored exactly once, also after redelivery', async () => {
    const workerId = await h.registerSimulatorWorker();
    const labs = h.simulator.state.seedLabs({ count: 4 });
    await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
    await h.http().delete(`/api/workers/${workerId}/labs/${labs[0]}`).expect(200);
    await h.http().delete(`/api/workers/${workerId}/labs/${labs[1]}`).expect(200);
    h.simulator.state.deleteLab(labs[2]);
    await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
    const auditSink = `http://127.0.0.1:${auditPort}/`;
    const pendingForAudit = (await h.http().get('/api/outbox').expect(200)).body.items.filter(
      (i: { sink: string }) => i.sink === auditSink,
    );
    expect(pendingForAudit).toHaveLength(3);

    audit = await startAudit(auditPort, { AUDIT_INGEST_TOKEN: TOKEN });
    await waitFor(async () => (await stored()).length === 3, 10_000, 'three audit events');
    await waitFor(
      async () => (await h.http().get('/api/outbox')).body.items.length === 0,
      5000,
      'empty outbox',
    );

    const deliveredAt = async () =>
      (
        await h.db
          .collection('lab_records')
          .find({ removal: { $ne: null } })
          .sort({ _id: 1 })
          .toArray()
      ).map((d) => new Date(d.removal.deliveries[0].deliveredAt).toISOString());
    const firstDeliveries = await deliveredAt();
    // Redeliver everything (as after a crash between the send and the write of its outcome).
    await h.db.collection('lab_records').updateMany(
      { removal: { $ne: null } },
      {
        $set: {
          'removal.deliveries.0.status': 'pending',
          'removal.deliveries.0.replays': 1,
          'removal.deliveries.0.attempts': 0,
          outboxDue: new Date(),
        },
      },
    );
    await waitFor(
      async () => (await h.http().get('/api/outbox')).body.items.length === 0,
      5000,
      'redelivered',
    );
    const secondDeliveries = await deliveredAt();
    secondDeliveries.forEach((at, i) => expect(at).not.toBe(firstDeliveries[i]));
    const items = await stored();
    expect(items).toHaveLength(3);
    expect(items.map((i: { type: string }) => i.type).sort()).toEqual([
      'io.cml-labs.lab.deleted.v1',
      'io.cml-labs.lab.deleted.v1',
      'io.cml-labs.lab.orphan_removed.v1',
    ]);
    const orphan = items.find((i: { labId: string }) => i.labId === labs[2]);
    expect(orphan).toMatchObject({ workerId, source: `/cml-labs/workers/${workerId}` });
    const filtered = await request(audit!.getHttpServer())
      .get(`/api/audit-events?workerId=${workerId}&labId=${labs[0]}`)
      .expect(200);
    expect(filtered.body.items).toHaveLength(1);
    // Every request of the sender carried the credential.
    expect(witness.received.length).toBeGreaterThanOrEqual(3);
    for (const r of witness.received) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });
});

describe('Audit trail end to end with a signature only (CLOUDEVENTS_SINK_HMAC_SECRET -> AUDIT_INGEST_HMAC_SECRET)', () => {
  let h: ApiHarness;
  let audit: INestApplication | undefined;
  const witness = new TestSink();

  beforeAll(async () => {
    const auditPort = await freePort();
    await witness.start();
    audit = await startAudit(auditPort, { AUDIT_INGEST_HMAC_SECRET: HMAC_SECRET });
    h = await startApiHarness('audit_trail_hmac_e2e', {
      CLOUDEVENTS_SINK_URL: `http://127.0.0.1:${auditPort}/,${witness.url}`,
      CLOUDEVENTS_SINK_HMAC_SECRET: HMAC_SECRET,
      OUTBOX_RELAY_INTERVAL_MS: '150',
      OUTBOX_RETRY_BASE_MS: '40',
    });
  });
  afterAll(async () => {
    await h?.close();
    await audit?.close();
    await witness.stop();
  });

  it('apps/audit verifies the signature the API made and stores the event', async () => {
    const workerId = await h.registerSimulatorWorker();
    const [labId] = h.simulator.state.seedLabs({ count: 1 });
    await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
    await h.http().delete(`/api/workers/${workerId}/labs/${labId}`).expect(200);
    const items = async () =>
      (await request(audit!.getHttpServer()).get(`/api/audit-events?labId=${labId}`).expect(200)).body.items;
    await waitFor(async () => (await items()).length === 1, 10_000, 'the signed event stored');
    expect((await items())[0]).toMatchObject({ type: 'io.cml-labs.lab.deleted.v1', labId });
    await waitFor(() => witness.received.length > 0, 5000, 'the witness delivery');
    const [sent] = witness.received;
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.headers['x-cml-labs-signature']).toBe(expectedSignature(sent, HMAC_SECRET));
  });
});

describe('Audit trail end to end with a wrong sink token: 401 is a failed attempt (retried, then dead)', () => {
  let h: ApiHarness;
  let audit: INestApplication | undefined;

  beforeAll(async () => {
    const auditPort = await freePort();
    audit = await startAudit(auditPort, { AUDIT_INGEST_TOKEN: TOKEN });
    h = await startApiHarness('audit_trail_401_e2e', {
      CLOUDEVENTS_SINK_URL: `http://127.0.0.1:${auditPort}/`,
      CLOUDEVENTS_SINK_TOKEN: randomBytes(32).toString('base64url'),
      OUTBOX_RELAY_INTERVAL_MS: '100',
      OUTBOX_RETRY_BASE_MS: '20',
      OUTBOX_MAX_ATTEMPTS: '3',
    });
  });
  afterAll(async () => {
    await h?.close();
    await audit?.close();
  });

  it('keeps the event as dead after OUTBOX_MAX_ATTEMPTS refusals, and apps/audit stores nothing', async () => {
    const workerId = await h.registerSimulatorWorker();
    const [labId] = h.simulator.state.seedLabs({ count: 1 });
    await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
    await h.http().delete(`/api/workers/${workerId}/labs/${labId}`).expect(200);
    const dead = async () => (await h.http().get('/api/outbox?status=dead').expect(200)).body.items;
    await waitFor(async () => (await dead()).length === 1, 15_000, 'the dead delivery');
    expect((await dead())[0]).toMatchObject({
      labId,
      status: 'dead',
      attempts: 3,
      lastError: 'sink answered HTTP 401',
    });
    const stored = await request(audit!.getHttpServer()).get('/api/audit-events').expect(200);
    expect(stored.body.items).toEqual([]);
  });
});
