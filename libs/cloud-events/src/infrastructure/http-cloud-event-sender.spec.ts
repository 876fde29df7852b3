import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AppConfig } from '@app/common';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { traced } from '@app/telemetry';
import { startInMemoryTracing } from '@app/telemetry/testing/in-memory-tracing';
import { verifyCloudEventSignature } from '../domain/cloud-event-signature';
import { OutgoingCloudEvent } from '../domain/outgoing-cloud-event';
import { CloudEventDeliveryError, HttpCloudEventSender } from './http-cloud-event-sender';

const TOKEN = 'a-sink-token-of-at-least-32-characters';
const SECRET = 'a-signing-secret-of-at-least-32-chars';

const event: OutgoingCloudEvent = {
  id: 'e-1',
  source: '/cml-labs/workers/w-1',
  type: 'io.cml-labs.lab.deleted.v1',
  subject: 'labs/l-1',
  time: '2026-01-01T00:00:00.000Z',
  data: { workerId: 'w-1', labId: 'l-1' },
  extensions: { workerid: 'w-1', labid: 'l-1' },
};

/** A real sink on loopback that answers `status` and keeps what it received. */
class Sink {
  status = 202;
  readonly received: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  private server!: Server;

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const withAuth = (auth: AppConfig['cloudEventsSinkAuth']) =>
  new HttpCloudEventSender({ cloudEventsSinkAuth: auth } as AppConfig);

describe('HttpCloudEventSender over real HTTP', () => {
  const sink = new Sink();
  beforeAll(() => sink.start());
  afterAll(() => sink.stop());
  beforeEach(() => {
    sink.status = 202;
    sink.received.length = 0;
  });

  it('sends no credential when none is configured', async () => {
    await new HttpCloudEventSender().send(sink.url, event, 2000);
    expect(sink.received[0].headers.authorization).toBeUndefined();
    expect(sink.received[0].headers['x-cml-labs-signature']).toBeUndefined();
  });

  it('sends the bearer token and a signature the receiver can verify', async () => {
    await withAuth({ token: TOKEN, hmacSecret: SECRET }).send(sink.url, event, 2000);
    const [r] = sink.received;
    expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(r.headers['ce-id']).toBe('e-1');
    expect(
      verifyCloudEventSignature(SECRET, r.headers, r.body, String(r.headers['x-cml-labs-signature'])),
    ).toBe(true);
  });

  it('takes a 401 (credential refused) as a failed delivery, and never puts the credential in the error', async () => {
    sink.status = 401;
    const error = await withAuth({ token: TOKEN })
      .send(sink.url, event, 2000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudEventDeliveryError);
    expect(error).toMatchObject({ status: 401, message: 'sink answered HTTP 401' });
    expect(JSON.stringify(error) + String(error)).not.toContain(TOKEN);
  });

  describe('spans', () => {
    it('sends in a client span, a child of the active one, whose context goes along as the traceparent header', async () => {
      const tracing = startInMemoryTracing();
      try {
        sink.status = 503;
        await traced('delivery parent', {}, () =>
          new HttpCloudEventSender().send(`${sink.url}?key=sink-secret`, event, 2000).catch(() => undefined),
        );
        const send = tracing.spans.one('CloudEvent send');
        expect(send.kind).toBe(SpanKind.CLIENT);
        expect(tracing.spans.parentOf(send)).toBe(tracing.spans.one('delivery parent'));
        expect(send.attributes).toEqual({
          'cloudevents.event_id': 'e-1',
          'cloudevents.event_type': 'io.cml-labs.lab.deleted.v1',
          'cloudevents.event_source': '/cml-labs/workers/w-1',
          'cloudevents.event_subject': 'labs/l-1',
          'http.request.method': 'POST',
          'server.address': '127.0.0.1',
          'http.response.status_code': 503,
          'error.type': 'CloudEventDeliveryError',
        });
        expect(send.status.code).toBe(SpanStatusCode.ERROR);
        const { traceId, spanId } = send.spanContext();
        expect(sink.received[0].headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
      } finally {
        await tracing.stop();
      }
    });

    it('adds no traceparent header with tracing off', async () => {
      await new HttpCloudEventSender().send(sink.url, event, 2000);
      expect(sink.received[0].headers.traceparent).toBeUndefined();
    });
  });
});
