import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { LabRecord, LabRecordRepository, OutboxRelayJob } from '@app/labs';
import { createApiApp } from '../apps/api/src/create-api-app';
import { ApiHarness, startApiHarness, testAppConfig } from './support/api-harness';
import { TestSink, waitFor } from './support/test-sink';

const FAST_OUTBOX = {
  OUTBOX_RELAY_INTERVAL_MS: '150',
  OUTBOX_RETRY_BASE_MS: '40',
  OUTBOX_MAX_ATTEMPTS: '4',
  OUTBOX_SEND_TIMEOUT_MS: '500',
};

async function deleteOneLab(h: ApiHarness, workerId: string): Promise<string> {
  const [labId] = h.simulator.state.seedLabs({ count: 1 });
  await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
  await h.http().delete(`/api/workers/${workerId}/labs/${labId}`).expect(200);
  return labId;
}

function eventIdsOf(sink: TestSink): string[] {
  return sink.delivered.map((r) => String(r.headers['ce-id']));
}

describe('Audit trail: LabDeleted / LabOrphanRemoved CloudEvents through the outbox (e2e)', () => {
  describe('one healthy sink and one that fails', () => {
    const good = new TestSink();
    const bad = new TestSink();
    let h: ApiHarness;
    let workerId: string;

    beforeAll(async () => {
      await good.start();
      await bad.start();
      bad.mode = 'error';
      h = await startApiHarness('outbox_e2e', {
        ...FAST_OUTBOX,
        CLOUDEVENTS_SINK_URL: `${good.url},${bad.url}`,
        RECONCILE_MAX_DELETE_RATIO: '1',
      });
      workerId = await h.registerSimulatorWorker();
    });
    afterAll(async () => {
      await h.close();
      await good.stop();
      await bad.stop();
    });

    it('sends lab.deleted in binary mode with the contract attributes, at once', async () => {
      const labId = await deleteOneLab(h, workerId);
      await waitFor(() => good.delivered.length === 1, 5000, 'delivery');
      const { headers, body } = good.delivered[0];
      expect(headers).toMatchObject({
        'ce-specversion': '1.0',
        'ce-type': 'io.cml-labs.lab.deleted.v1',
        'ce-source': `/cml-labs/workers/${workerId}`,
        'ce-subject': `labs/${labId}`,
        'ce-workerid': workerId,
        'ce-labid': labId,
      });
      expect(headers['content-type']).toContain('application/json');
      const data = JSON.parse(body);
      expect(data).toEqual({
        workerId,
        labId,
        labTitle: expect.any(String),
        owner: 'admin',
        deletedBy: 'anonymous',
        alreadyAbsentInCml: false,
        occurredAt: headers['ce-time'],
      });
      const stored = await h.db.collection('lab_records').findOne({ _id: `${workerId}:${labId}` as never });
      expect(stored?.removal.event.eventId).toBe(headers['ce-id']);
      expect(headers['ce-traceparent']).toBeUndefined();
    });

    it('carries the traceparent of the deleting request as an extension, not as data', async () => {
      const [labId] = h.simulator.state.seedLabs({ count: 1 });
      await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      await h
        .http()
        .delete(`/api/workers/${workerId}/labs/${labId}`)
        .set('traceparent', traceparent)
        .expect(200);
      await waitFor(() => good.delivered.some((r) => r.headers['ce-labid'] === labId), 5000, 'delivery');
      const req = good.delivered.find((r) => r.headers['ce-labid'] === labId)!;
      expect(req.headers['ce-traceparent']).toBe(traceparent);
      expect(JSON.parse(req.body)).not.toHaveProperty('traceparent');
    });

    it('a failing sink does not hold back the other, retries with backoff, then keeps the event as dead', async () => {
      const before = good.delivered.length;
      const labId = await deleteOneLab(h, workerId);
      await waitFor(() => good.delivered.length === before + 1, 5000, 'good sink');
      await waitFor(
        async () =>
          (await h.http().get('/api/outbox?status=dead')).body.items.some(
            (i: { labId: string }) => i.labId === labId,
          ),
        10_000,
        'dead letter',
      );
      const attemptsAtBad = bad.received.filter((r) => r.headers['ce-labid'] === labId);
      expect(attemptsAtBad).toHaveLength(4);
      expect(new Set(attemptsAtBad.map((r) => r.headers['ce-id'])).size).toBe(1);
      const dead = (await h.http().get('/api/outbox?status=dead')).body.items.find(
        (i: { labId: string }) => i.labId === labId,
      );
      expect(dead).toMatchObject({
        sink: bad.url,
        status: 'dead',
        attempts: 4,
        type: 'lab.deleted',
        lastError: 'sink answered HTTP 500',
      });

      bad.mode = 'ok';
      await h.http().post(`/api/outbox/${dead.eventId}/retry`).expect(202);
      await waitFor(() => eventIdsOf(bad).includes(dead.eventId), 5000, 'replay');
      await waitFor(
        async () =>
          !(await h.http().get('/api/outbox?status=dead')).body.items.some(
            (i: { eventId: string }) => i.eventId === dead.eventId,
          ),
        5000,
        'replayed event no longer dead',
      );
      bad.mode = 'error';
    });

    it('sends lab.orphan_removed for a lab deleted behind our back', async () => {
      const [labId] = h.simulator.state.seedLabs({ count: 1 });
      await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      h.simulator.state.deleteLab(labId);
      const summary = await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      expect(summary.body.orphansRemoved).toBe(1);
      await waitFor(() => good.delivered.some((r) => r.headers['ce-labid'] === labId), 5000, 'orphan event');
      const req = good.delivered.find((r) => r.headers['ce-labid'] === labId)!;
      expect(req.headers['ce-type']).toBe('io.cml-labs.lab.orphan_removed.v1');
      expect(JSON.parse(req.body)).toMatchObject({
        workerId,
        labId,
        trigger: 'manual',
        reconciliationId: summary.body.reconciliationId,
        evidence: { confirmedBy: 'lookup-404', listedAt: expect.any(String) },
        lastSeenAt: expect.any(String),
      });
    });

    it('bad outbox input is a 4xx problem', async () => {
      await h.http().get('/api/outbox?status=gone').expect(400);
      await h.http().post('/api/outbox/not-a-uuid/retry').expect(400);
      await h.http().post('/api/outbox/00000000-0000-4000-8000-000000000000/retry').expect(404);
    });
  });

  it('the saga sends at once, without waiting for the relay', async () => {
    const sink = await new TestSink().start();
    const h = await startApiHarness('outbox_fast_e2e', {
      ...FAST_OUTBOX,
      OUTBOX_RELAY_INTERVAL_MS: '600000',
      CLOUDEVENTS_SINK_URL: sink.url,
    });
    try {
      const workerId = await h.registerSimulatorWorker();
      const labId = await deleteOneLab(h, workerId);
      await waitFor(() => sink.delivered.length === 1, 2000, 'fast-path delivery');
      expect(sink.delivered[0].headers['ce-labid']).toBe(labId);
    } finally {
      await h.close();
      await sink.stop();
    }
  });

  it('sink down, then up: every event delivered, none twice', async () => {
    const sink = await new TestSink().start();
    await sink.stop();
    const h = await startApiHarness('outbox_down_e2e', {
      ...FAST_OUTBOX,
      OUTBOX_MAX_ATTEMPTS: '50',
      CLOUDEVENTS_SINK_URL: sink.url,
    });
    try {
      const workerId = await h.registerSimulatorWorker();
      const labs = [
        await deleteOneLab(h, workerId),
        await deleteOneLab(h, workerId),
        await deleteOneLab(h, workerId),
      ];
      const pending = await h.http().get('/api/outbox').expect(200);
      expect(pending.body.items.map((i: { labId: string }) => i.labId).sort()).toEqual([...labs].sort());
      await sink.start();
      await waitFor(() => sink.delivered.length >= 3, 10_000, 'all delivered');
      await new Promise((r) => setTimeout(r, 600));
      expect(sink.delivered.map((r) => r.headers['ce-labid']).sort()).toEqual([...labs].sort());
      expect((await h.http().get('/api/outbox')).body.items).toEqual([]);
    } finally {
      await h.close();
      await sink.stop();
    }
  });

  it('a sink that hangs times out and is retried', async () => {
    const sink = await new TestSink().start();
    sink.mode = 'hang';
    const h = await startApiHarness('outbox_hang_e2e', {
      ...FAST_OUTBOX,
      OUTBOX_MAX_ATTEMPTS: '50',
      CLOUDEVENTS_SINK_URL: sink.url,
    });
    try {
      const workerId = await h.registerSimulatorWorker();
      const labId = await deleteOneLab(h, workerId);
      await waitFor(() => sink.received.length >= 2, 10_000, 'a retry after a timeout');
      sink.mode = 'ok';
      await waitFor(() => sink.delivered.length === 1, 10_000, 'delivery');
      expect(sink.delivered[0].headers['ce-labid']).toBe(labId);
    } finally {
      await h.close();
      await sink.stop();
    }
  });

  it('process killed between the write and the send: the next process delivers the event', async () => {
    const sink = await new TestSink().start();
    const h = await startApiHarness('outbox_crash_e2e', { ...FAST_OUTBOX, CLOUDEVENTS_SINK_URL: sink.url });
    let second: INestApplication | undefined;
    try {
      const workerId = await h.registerSimulatorWorker();
      const [labId] = h.simulator.state.seedLabs({ count: 1 });
      await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      // The removal is written, but the process "dies" before the saga could send: the event bus never hears of it,
      // and its relay is stopped first so that it cannot send either (it sweeps every 150 ms here).
      await h.app.get(OutboxRelayJob).beforeApplicationShutdown();
      const repo = h.app.get(LabRecordRepository);
      const record = (await repo.findOne(workerId, labId))!;
      record.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: new Date() });
      expect(await repo.saveDeletion(LabRecord.restore(record.toProps()), false)).toBe(true);
      await h.app.close();
      expect(sink.received).toHaveLength(0);

      second = await createApiApp(
        testAppConfig({
          MONGODB_URI: `${process.env.MONGODB_URI!.replace(/\/[^/]*$/, '')}/${h.db.name}`,
          SECRETS_KEY: randomBytes(32).toString('base64'),
          CLOUDEVENTS_SINK_URL: sink.url,
          ...FAST_OUTBOX,
        }),
      );
      await second.init();
      await waitFor(() => sink.delivered.length === 1, 10_000, 'delivery after restart');
      expect(sink.delivered[0].headers['ce-labid']).toBe(labId);
      expect(JSON.parse(sink.delivered[0].body).deletedBy).toBe('alice');
    } finally {
      await second?.close();
      await h.db.dropDatabase().catch(() => undefined);
      await h.db.close();
      await h.simulator.close();
      await sink.stop();
    }
  });
});
