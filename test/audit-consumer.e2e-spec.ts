import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import mongoose, { Connection } from 'mongoose';
import request from 'supertest';
import { loadAuditConfig } from '../apps/audit/src/audit-config';
import { createAuditApp } from '../apps/audit/src/create-audit-app';
import { testDatabaseUri } from './support/test-database';

const PREFIX = 'io.cml-labs';
const DELETED = `${PREFIX}.lab.deleted.v1`;
const ORPHAN = `${PREFIX}.lab.orphan_removed.v1`;

interface TestEvent {
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  extensions: Record<string, string>;
  data: Record<string, unknown>;
}

type EventOptions = { workerId?: string; labId?: string; time?: string; title?: string };

/** A contract-shaped event of `type`, with `data` added to the fields both event types share. */
function labEvent(
  type: string,
  opts: EventOptions,
  data: (time: string) => Record<string, unknown>,
): TestEvent {
  const workerId = opts.workerId ?? 'w-1';
  const labId = opts.labId ?? randomUUID();
  const time = opts.time ?? new Date().toISOString();
  return {
    id: randomUUID(),
    source: `/cml-labs/workers/${workerId}`,
    type,
    subject: `labs/${labId}`,
    time,
    extensions: { workerid: workerId, labid: labId },
    data: { workerId, labId, ...data(time), occurredAt: time },
  };
}

function deletedEvent(opts: EventOptions = {}): TestEvent {
  return labEvent(DELETED, opts, () => ({
    labTitle: opts.title ?? 'BGP lab',
    owner: 'alice',
    deletedBy: 'bob',
    alreadyAbsentInCml: false,
  }));
}

function orphanEvent(opts: EventOptions = {}): TestEvent {
  return labEvent(ORPHAN, opts, (time) => ({
    labTitle: opts.title ?? 'OSPF lab',
    owner: 'carol',
    trigger: 'scheduled',
    reconciliationId: randomUUID(),
    lastSeenAt: time,
    evidence: { listedAt: time, confirmedBy: 'lookup-404' },
  }));
}

function binaryHeaders(e: TestEvent): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'ce-specversion': '1.0',
    'ce-id': e.id,
    'ce-source': e.source,
    'ce-type': e.type,
    'ce-time': e.time,
  };
  if (e.subject) headers['ce-subject'] = e.subject;
  for (const [name, value] of Object.entries(e.extensions)) headers[`ce-${name}`] = value;
  return headers;
}

function structuredBody(e: TestEvent): Record<string, unknown> {
  const { extensions, ...attributes } = e;
  return { specversion: '1.0', datacontenttype: 'application/json', ...attributes, ...extensions };
}

/** A webhook receiver on loopback, like a Slack/Teams incoming webhook. */
class WebhookReceiver {
  readonly texts: string[] = [];
  private server: Server | null = null;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hook`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (req.method === 'POST') this.texts.push((JSON.parse(body) as { text: string }).text);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

interface AuditHarness {
  app: INestApplication;
  db: Connection;
  http: () => ReturnType<typeof request>;
  postBinary(e: TestEvent): request.Test;
  postStructured(e: TestEvent): request.Test;
  count(filter?: Record<string, unknown>): Promise<number>;
  close(): Promise<void>;
}

async function startAudit(env: Record<string, string> = {}): Promise<AuditHarness> {
  const uri = testDatabaseUri('audit');
  const app = await createAuditApp(loadAuditConfig({ AUDIT_MONGODB_URI: uri, LOG_LEVEL: 'silent', ...env }));
  await app.init();
  const db = await mongoose.createConnection(uri).asPromise();
  const server = app.getHttpServer();
  const http = () => request(server);
  return {
    app,
    db,
    http,
    postBinary: (e) => http().post('/').set(binaryHeaders(e)).send(JSON.stringify(e.data)),
    postStructured: (e) =>
      http()
        .post('/')
        .set('content-type', 'application/cloudevents+json; charset=utf-8')
        .send(JSON.stringify(structuredBody(e))),
    count: (filter = {}) => db.collection('audit_events').countDocuments(filter),
    async close() {
      await app.close();
      await db.dropDatabase().catch(() => undefined);
      await db.close();
    },
  };
}

describe('Audit consumer: CloudEvents sink and audit trail (e2e, FerretDB)', () => {
  const hook = new WebhookReceiver();
  let h: AuditHarness;

  beforeAll(async () => {
    await hook.start();
    h = await startAudit({ NOTIFY_WEBHOOK_URL: hook.url });
  });
  afterAll(async () => {
    await h?.close();
    await hook.stop();
  });

  describe('intake', () => {
    it('stores a binary-mode event (201) and lists it', async () => {
      const e = deletedEvent({ workerId: 'w-intake' });
      const res = await h.postBinary(e).expect(201);
      expect(res.body).toEqual({ stored: true });

      const list = await h.http().get('/api/audit-events').query({ workerId: 'w-intake' }).expect(200);
      expect(list.body.items).toEqual([
        {
          source: e.source,
          id: e.id,
          type: DELETED,
          subject: e.subject,
          time: e.time,
          workerId: 'w-intake',
          labId: e.data.labId,
          data: e.data,
          receivedAt: expect.any(String),
        },
      ]);
      const doc = await h.db.collection('audit_events').findOne({ _id: `${e.source}|${e.id}` as never });
      expect(doc).toMatchObject({ source: e.source, id: e.id, workerId: 'w-intake', labId: e.data.labId });
    });

    it('stores a structured-mode event (201)', async () => {
      const e = orphanEvent({ workerId: 'w-structured' });
      const res = await h.postStructured(e).expect(201);
      expect(res.body).toEqual({ stored: true });
      const list = await h.http().get('/api/audit-events').query({ workerId: 'w-structured' }).expect(200);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).toMatchObject({ id: e.id, type: ORPHAN, data: e.data });
    });

    it('answers a redelivery with 200 {stored:false}, in either mode, and keeps one document', async () => {
      const e = deletedEvent({ workerId: 'w-dup' });
      await h.postBinary(e).expect(201);
      const again = await h.postBinary(e).expect(200);
      expect(again.body).toEqual({ stored: false });
      const structured = await h.postStructured(e).expect(200);
      expect(structured.body).toEqual({ stored: false });
      expect(await h.count({ id: e.id })).toBe(1);
    });

    it('the same id from another source is another event', async () => {
      const e = deletedEvent({ workerId: 'w-src' });
      await h.postBinary(e).expect(201);
      await h.postBinary({ ...e, source: '/other-installation/workers/w-src' }).expect(201);
      expect(await h.count({ id: e.id })).toBe(2);
    });

    it('of 20 concurrent deliveries of one event exactly one stores it', async () => {
      const e = deletedEvent({ workerId: 'w-race' });
      const answers = await Promise.all(Array.from({ length: 20 }, () => h.postBinary(e)));
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(19);
      expect(await h.count({ id: e.id })).toBe(1);
    });

    it('accepts any type prefix', async () => {
      const e = deletedEvent({ workerId: 'w-prefix' });
      await h.postBinary({ ...e, type: 'com.example.cml.lab.deleted.v1' }).expect(201);
    });
  });

  describe('malformed events are 400 problem+json and nothing is stored', () => {
    const without = (headers: Record<string, string>, name: string) => {
      const copy = { ...headers };
      delete copy[name];
      return copy;
    };

    const cases: Array<[string, (e: TestEvent) => request.Test]> = [
      [
        'no ce-id',
        (e) =>
          h
            .http()
            .post('/')
            .set(without(binaryHeaders(e), 'ce-id'))
            .send(JSON.stringify(e.data)),
      ],
      [
        'wrong specversion',
        (e) =>
          h
            .http()
            .post('/')
            .set({ ...binaryHeaders(e), 'ce-specversion': '2.0' })
            .send(JSON.stringify(e.data)),
      ],
      ['unknown type', (e) => h.postBinary({ ...e, type: `${PREFIX}.lab.created.v1` })],
      ['data not JSON', (e) => h.http().post('/').set(binaryHeaders(e)).send('{"workerId": "w-bad", oops')],
      [
        'data missing labId',
        (e) => {
          const { labId: _labId, ...data } = e.data;
          return h.postBinary({ ...e, data });
        },
      ],
      [
        'data.workerId differs from the ce-workerid extension',
        (e) => h.postBinary({ ...e, extensions: { ...e.extensions, workerid: 'someone-else' } }),
      ],
      ['empty body (binary)', (e) => h.http().post('/').set(binaryHeaders(e)).send('')],
      [
        'empty body (structured)',
        () => h.http().post('/').set('content-type', 'application/cloudevents+json').send(''),
      ],
      ['no CloudEvent at all', () => h.http().post('/').set('content-type', 'application/json').send('{}')],
      [
        'structured without id (the SDK would invent one)',
        (e) => {
          const { id: _id, ...body } = structuredBody(e);
          return h
            .http()
            .post('/')
            .set('content-type', 'application/cloudevents+json')
            .send(JSON.stringify(body));
        },
      ],
      ['time not a timestamp', (e) => h.postBinary({ ...e, time: 'yesterday' })],
      ['data an array', (e) => h.http().post('/').set(binaryHeaders(e)).send('[1,2]')],
    ];

    it.each(cases)('%s', async (_name, send) => {
      const e = deletedEvent({ workerId: 'w-malformed' });
      const res = await send(e);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 400, title: 'Bad Request' });
      expect(await h.count({ workerId: 'w-malformed' })).toBe(0);
      expect(await h.count({ id: e.id })).toBe(0);
    });

    it('a body over 256 kB is 413 problem+json', async () => {
      const e = deletedEvent({ workerId: 'w-malformed', title: 'x'.repeat(300 * 1024) });
      const res = await h.postBinary(e);
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(await h.count({ id: e.id })).toBe(0);
    });
  });

  describe('GET /api/audit-events', () => {
    const w = 'w-filter';
    const jan = deletedEvent({ workerId: w, labId: 'lab-a', time: '2024-01-01T10:00:00.000Z' });
    const feb = orphanEvent({ workerId: w, labId: 'lab-a', time: '2024-02-01T10:00:00.000Z' });
    const mar = deletedEvent({ workerId: w, labId: 'lab-b', time: '2024-03-01T10:00:00.000Z' });
    const other = deletedEvent({
      workerId: 'w-filter-other',
      labId: 'lab-a',
      time: '2024-04-01T10:00:00.000Z',
    });
    const ids = (res: request.Response) => (res.body.items as Array<{ id: string }>).map((i) => i.id);
    const list = (query: Record<string, string>) => h.http().get('/api/audit-events').query(query);

    beforeAll(async () => {
      for (const e of [feb, jan, other, mar]) await h.postBinary(e).expect(201);
    });

    it('filters by workerId, newest first', async () => {
      expect(ids(await list({ workerId: w }).expect(200))).toEqual([mar.id, feb.id, jan.id]);
    });

    it('filters by labId', async () => {
      expect(ids(await list({ workerId: w, labId: 'lab-a' }).expect(200))).toEqual([feb.id, jan.id]);
      expect(ids(await list({ labId: 'lab-a' }).expect(200))).toEqual(
        expect.arrayContaining([other.id, feb.id]),
      );
    });

    it('filters by exact type', async () => {
      expect(ids(await list({ workerId: w, type: ORPHAN }).expect(200))).toEqual([feb.id]);
      expect(ids(await list({ workerId: w, type: 'lab.orphan_removed' }).expect(200))).toEqual([]);
    });

    it('filters by since (inclusive, on the event time)', async () => {
      expect(ids(await list({ workerId: w, since: '2024-02-01T10:00:00Z' }).expect(200))).toEqual([
        mar.id,
        feb.id,
      ]);
      expect(ids(await list({ workerId: w, since: '2024-02-01T12:00:00+02:00' }).expect(200))).toEqual([
        mar.id,
        feb.id,
      ]);
    });

    it('limits', async () => {
      expect(ids(await list({ workerId: w, limit: '2' }).expect(200))).toEqual([mar.id, feb.id]);
    });

    it.each([
      ['limit=0', { limit: '0' }],
      ['limit=501', { limit: '501' }],
      ['limit=abc', { limit: 'abc' }],
      ['since not a timestamp', { since: 'last week' }],
      ['unknown parameter', { owner: 'alice' }],
      ['workerId given twice', { workerId: ['a', 'b'] as unknown as string }],
    ])('%s is 400 problem+json', async (_name, query) => {
      const res = await list(query);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });
  });

  describe('owner notification', () => {
    it('posts exactly one message for a new orphan_removed event, none for its redelivery', async () => {
      const before = hook.texts.length;
      const e = orphanEvent({ workerId: 'w-notify', title: 'DMVPN lab' });
      await h.postBinary(e).expect(201);
      await waitFor(() => hook.texts.length > before, 'the notification');
      await h.postBinary(e).expect(200);
      await h.postStructured(e).expect(200);
      await settle();
      expect(hook.texts.slice(before)).toEqual([
        'lab DMVPN lab of carol on w-notify was deleted outside cml-labs',
      ]);
    });

    it('posts nothing for lab.deleted', async () => {
      const before = hook.texts.length;
      await h.postBinary(deletedEvent({ workerId: 'w-notify', title: 'deleted-in-ui' })).expect(201);
      // A later orphan event's message proves the webhook path works; the deleted one must not show up.
      await h.postBinary(orphanEvent({ workerId: 'w-notify', title: 'marker' })).expect(201);
      await waitFor(() => hook.texts.length > before, 'the marker notification');
      await settle();
      expect(hook.texts.slice(before)).toEqual([
        'lab marker of carol on w-notify was deleted outside cml-labs',
      ]);
    });
  });

  describe('health', () => {
    it('is live and ready with the database up', async () => {
      await h.http().get('/health/live').expect(200, { status: 'ok' });
      const ready = await h.http().get('/health/ready').expect(200);
      expect(ready.body.status).toBe('ok');
    });
  });
});

describe('Audit consumer with its notification webhook down (e2e, FerretDB)', () => {
  let h: AuditHarness;

  beforeAll(async () => {
    // A port that was just free and is closed again: connections are refused.
    const probe = await new WebhookReceiver().start();
    const url = probe.url;
    await probe.stop();
    h = await startAudit({ NOTIFY_WEBHOOK_URL: url });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('still stores the event and answers 201', async () => {
    const e = orphanEvent({ workerId: 'w-hook-down' });
    const res = await h.postBinary(e).expect(201);
    expect(res.body).toEqual({ stored: true });
    await settle();
    expect(await h.count({ id: e.id })).toBe(1);
    await h.http().get('/health/ready').expect(200);
  });
});
