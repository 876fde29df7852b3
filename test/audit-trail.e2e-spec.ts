import { INestApplication } from '@nestjs/common';
import { createServer } from 'node:net';
import request from 'supertest';
import { loadAuditConfig } from '../apps/audit/src/audit-config';
import { createAuditApp } from '../apps/audit/src/create-audit-app';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { testDatabaseUri } from './support/test-database';
import { waitFor } from './support/test-sink';

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
  const auditDb = testDatabaseUri('audit_trail');

  beforeAll(async () => {
    auditPort = await freePort();
    h = await startApiHarness('audit_trail_e2e', {
      CLOUDEVENTS_SINK_URL: `http://127.0.0.1:${auditPort}/`,
      OUTBOX_RELAY_INTERVAL_MS: '150',
      OUTBOX_RETRY_BASE_MS: '40',
      OUTBOX_MAX_ATTEMPTS: '100',
      RECONCILE_MAX_DELETE_RATIO: '1',
    });
  });
  afterAll(async () => {
    await h.close();
    await audit?.close();
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
    expect((await h.http().get('/api/outbox').expect(200)).body.items).toHaveLength(3);

    audit = await createAuditApp(
      loadAuditConfig({ AUDIT_MONGODB_URI: auditDb, AUDIT_PORT: String(auditPort), LOG_LEVEL: 'silent' }),
    );
    await audit.listen(auditPort, '127.0.0.1');
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
  });
});
