import { ReadableSpan } from '@opentelemetry/sdk-trace';
import { SpanKind } from '@opentelemetry/api';
import { RecordedSpans, traceparentOf } from '@app/telemetry/testing/recorded-spans';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { TestSink, waitFor } from './support/test-sink';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
const FAST_OUTBOX = {
  OUTBOX_RELAY_INTERVAL_MS: '150',
  OUTBOX_RETRY_BASE_MS: '40',
  OUTBOX_SEND_TIMEOUT_MS: '2000',
};

function traceIdOf(span: ReadableSpan): string {
  return span.spanContext().traceId;
}

async function deliveredFor(sink: TestSink, labId: string) {
  await waitFor(() => sink.delivered.some((r) => r.headers['ce-labid'] === labId), 5000, 'delivery');
  return sink.delivered.find((r) => r.headers['ce-labid'] === labId)!;
}

describe('OpenTelemetry traces (e2e)', () => {
  describe('with tracing on (in-memory exporter)', () => {
    const sink = new TestSink();
    const spans = new RecordedSpans();
    let h: ApiHarness;
    let workerId: string;

    beforeAll(async () => {
      await sink.start();
      h = await startApiHarness(
        'tracing_e2e',
        { ...FAST_OUTBOX, CLOUDEVENTS_SINK_URL: sink.url, RECONCILE_MAX_DELETE_RATIO: '1' },
        {},
        { exporter: spans.exporter },
      );
      workerId = await h.registerSimulatorWorker();
    });
    afterAll(async () => {
      await h.close();
      await sink.stop();
    });

    it('a DELETE is one trace: request, DeleteLabCommand, CML calls, the tombstone write and the CloudEvent delivery', async () => {
      const [labId] = h.simulator.state.seedLabs({ count: 1 });
      await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      spans.reset();

      const res = await h.http().delete(`/api/workers/${workerId}/labs/${labId}`).expect(200);
      const event = await deliveredFor(sink, labId);
      await waitFor(() => spans.named('CloudEvent send').length === 1, 5000, 'delivery span');

      const server = spans.one('DELETE /api/workers/:workerId/labs/:labId');
      expect(server.kind).toBe(SpanKind.SERVER);
      expect(server.parentSpanContext).toBeUndefined();
      expect(server.attributes).toMatchObject({
        'http.request.method': 'DELETE',
        'http.route': '/api/workers/:workerId/labs/:labId',
        'http.response.status_code': 200,
      });
      const traceId = traceIdOf(server);
      // The correlation id (on every log line of the request) is the trace id.
      expect(res.headers['x-correlation-id']).toBe(traceId);

      const command = spans.one('DeleteLabCommand');
      expect(spans.parentOf(command)).toBe(server);
      expect(command.attributes).toMatchObject({ 'cml.worker.id': workerId, 'cml.lab.id': labId });

      const cmlDelete = spans.one('DELETE labs.delete');
      expect(cmlDelete.kind).toBe(SpanKind.CLIENT);
      expect(spans.isDescendant(cmlDelete, command)).toBe(true);
      expect(cmlDelete.attributes).toMatchObject({
        'cml.route': 'labs.delete',
        'cml.worker.id': workerId,
        'http.request.method': 'DELETE',
        'http.response.status_code': expect.any(Number),
        'cml.outcome': 'ok',
      });
      // The route template only: no URL, lab id, query or credential on any CML span.
      for (const span of spans.named(/ labs\.| auth| system_information/)) {
        const text = JSON.stringify(span.attributes);
        expect(text).not.toContain(labId);
        expect(text).not.toContain('admin-password');
        expect(text).not.toContain('https://');
      }

      const tombstone = spans.one(
        'updateOne lab_records',
        (s) => s.attributes['code.function.name'] === 'MongoLabRecordRepository.saveDeletion',
      );
      expect(spans.isDescendant(tombstone, command)).toBe(true);
      expect(tombstone.attributes).toMatchObject({
        'db.system.name': 'mongodb',
        'db.collection.name': 'lab_records',
      });
      const intent = spans.one('findOneAndUpdate lab_records');
      expect(spans.isDescendant(intent, command)).toBe(true);

      // The event carries the command's span as its traceparent; the delivery is that span's child and
      // sends its own context as the HTTP traceparent.
      expect(event.headers['ce-traceparent']).toMatch(TRACEPARENT);
      expect(event.headers['ce-traceparent']).toBe(traceparentOf(command));
      const delivery = spans.one('CloudEvent send');
      expect(delivery.kind).toBe(SpanKind.CLIENT);
      expect(spans.parentOf(delivery)).toBe(command);
      expect(delivery.attributes).toMatchObject({
        'cloudevents.event_id': event.headers['ce-id'],
        'cloudevents.event_type': 'io.cml-labs.lab.deleted.v1',
        'http.response.status_code': 202,
        'server.address': '127.0.0.1',
      });
      expect(event.headers.traceparent).toBe(traceparentOf(delivery));

      const isRecordAttempt = (s: ReadableSpan) =>
        s.attributes['code.function.name'] === 'MongoLabEventOutbox.recordAttempt';
      await waitFor(
        () => spans.named('updateOne lab_records').some(isRecordAttempt),
        5000,
        'recordAttempt span',
      );
      // The write of the delivery's outcome is in the removal's trace too.
      expect(spans.parentOf(spans.one('updateOne lab_records', isRecordAttempt))).toBe(command);
      for (const span of [server, command, cmlDelete, tombstone, intent, delivery])
        expect(traceIdOf(span)).toBe(traceId);
    });

    it('continues an incoming traceparent: the request, its command and the event stay in that trace', async () => {
      const [labId] = h.simulator.state.seedLabs({ count: 1 });
      await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      spans.reset();
      const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const res = await h
        .http()
        .delete(`/api/workers/${workerId}/labs/${labId}`)
        .set('traceparent', incoming)
        .expect(200);
      expect(res.headers['x-correlation-id']).toBe('0af7651916cd43dd8448eb211c80319c');
      const event = await deliveredFor(sink, labId);

      const server = spans.one('DELETE /api/workers/:workerId/labs/:labId');
      expect(traceIdOf(server)).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(server.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      const command = spans.one('DeleteLabCommand');
      // Not the caller's span any more: the span that made the removal, in the caller's trace.
      expect(event.headers['ce-traceparent']).toBe(traceparentOf(command));
      expect(event.headers['ce-traceparent']).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
    });

    it('a reconciliation removing an orphan: lab.orphan_removed carries the reconciliation trace', async () => {
      const [gone] = h.simulator.state.seedLabs({ count: 1 });
      await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      h.simulator.state.deleteLab(gone);
      spans.reset();

      const res = await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      expect(res.body).toMatchObject({ status: 'succeeded', orphansRemoved: 1 });
      const event = await deliveredFor(sink, gone);
      expect(event.headers['ce-type']).toBe('io.cml-labs.lab.orphan_removed.v1');

      const reconciliation = spans.one('RefreshWorkerLabsCommand');
      expect(reconciliation.attributes).toMatchObject({ 'cml.worker.id': workerId });
      const server = spans.one('POST /api/workers/:workerId/labs/refresh');
      expect(spans.parentOf(reconciliation)).toBe(server);
      expect(event.headers['ce-traceparent']).toBe(traceparentOf(reconciliation));

      const list = spans.one('GET labs.list');
      expect(spans.isDescendant(list, reconciliation)).toBe(true);
      const lookup = spans.named('GET labs.get').find((s) => s.attributes['cml.outcome'] === 'not_found');
      expect(lookup).toBeDefined();
      expect(spans.isDescendant(lookup!, reconciliation)).toBe(true);
      const write = spans.one('bulkWrite lab_records');
      expect(spans.isDescendant(write, reconciliation)).toBe(true);

      await waitFor(() => spans.named('CloudEvent send').length === 1, 5000, 'delivery span');
      expect(spans.parentOf(spans.one('CloudEvent send'))).toBe(reconciliation);
    });

    it('does not trace health probes', async () => {
      spans.reset();
      await h.http().get('/health/live').expect(200);
      await h.http().get('/api/workers').expect(200);
      expect(spans.named(/health/)).toHaveLength(0);
      expect(spans.one('GET /api/workers').attributes['http.response.status_code']).toBe(200);
    });
  });

  describe('with tracing off', () => {
    const sink = new TestSink();
    let h: ApiHarness;
    let workerId: string;

    beforeAll(async () => {
      await sink.start();
      h = await startApiHarness('tracing_off_e2e', { ...FAST_OUTBOX, CLOUDEVENTS_SINK_URL: sink.url });
      workerId = await h.registerSimulatorWorker();
    });
    afterAll(async () => {
      await h.close();
      await sink.stop();
    });

    it('adds no traceparent: none without the header, exactly the header with one', async () => {
      const [plain, withHeader] = h.simulator.state.seedLabs({ count: 2 });
      await h.http().post(`/api/workers/${workerId}/labs/refresh`).expect(200);
      const fresh = await h.http().delete(`/api/workers/${workerId}/labs/${plain}`).expect(200);
      expect(fresh.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
      const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      await h
        .http()
        .delete(`/api/workers/${workerId}/labs/${withHeader}`)
        .set('traceparent', incoming)
        .expect(200);

      const first = await deliveredFor(sink, plain);
      expect(first.headers['ce-traceparent']).toBeUndefined();
      expect(first.headers.traceparent).toBeUndefined();
      const second = await deliveredFor(sink, withHeader);
      expect(second.headers['ce-traceparent']).toBe(incoming);
      expect(second.headers.traceparent).toBeUndefined();
    });
  });
});
