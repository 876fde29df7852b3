import { INestApplication } from '@nestjs/common';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import mongoose, { Connection } from 'mongoose';
import request from 'supertest';
import { loadAuditConfig } from '../apps/audit/src/audit-config';
import { createAuditApp } from '../apps/audit/src/create-audit-app';
import { testDatabaseUri } from './support/test-database';

/** What the API's sender presents (CLOUDEVENTS_SINK_TOKEN) and apps/audit expects (AUDIT_INGEST_TOKEN). */
const INGEST_TOKEN = randomBytes(32).toString('base64url');
/** The shared secret of the optional signature scheme (AUDIT_INGEST_HMAC_SECRET / CLOUDEVENTS_SINK_HMAC_SECRET). */
const HMAC_SECRET = randomBytes(32).toString('hex');
/** The API's HS256 secret: apps/audit verifies the same JWTs for reads. */
const JWT_SECRET = randomBytes(32).toString('hex');

const ISSUER = 'https://idp.test/realms/cml';
const AUDIENCE = 'cml-labs';

/** A JWT as the identity provider would issue it for the API; the roles in both places the API may read them. */
function bearerJwt(sub: string, roles: string[], secret = JWT_SECRET, options: jwt.SignOptions = {}): string {
  const claims = { sub, roles, resource_access: { [AUDIENCE]: { roles } } };
  return jwt.sign(claims, secret, {
    algorithm: 'HS256',
    expiresIn: 300,
    issuer: ISSUER,
    audience: AUDIENCE,
    ...options,
  });
}

const VIEWER = `Bearer ${bearerJwt('vera', ['viewer'])}`;

/**
 * The signature scheme, written out independently of the implementation: HMAC-SHA256 over a version line, the
 * content-type and every ce-* header (lowercase names, sorted, `name:value` lines), an empty line, then the body.
 */
function signature(headers: Record<string, string>, body: string, secret = HMAC_SECRET): string {
  const lines = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
    .filter(([name]) => name === 'content-type' || name.startsWith('ce-'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}:${value}\n`)
    .join('');
  const input = `cml-labs-signature-v1\n${lines}\n${body}`;
  return `sha256=${createHmac('sha256', secret).update(input, 'utf8').digest('hex')}`;
}

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

type EventOptions = { workerId?: string; labId?: string; time?: string; title?: string; owner?: string };

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
    owner: opts.owner ?? 'carol',
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
  /** Every request body exactly as received. */
  readonly bodies: string[] = [];
  private server: Server | null = null;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hook`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (req.method === 'POST') {
          this.bodies.push(body);
          this.texts.push((JSON.parse(body) as { text: string }).text);
        }
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
  /** Binary mode, with the sender's credential (the ingest bearer token) unless `auth` says otherwise. */
  postBinary(e: TestEvent, auth?: Record<string, string>): request.Test;
  postStructured(e: TestEvent, auth?: Record<string, string>): request.Test;
  /** GET /api/audit-events as a viewer. */
  list(query?: Record<string, string>): request.Test;
  count(filter?: Record<string, unknown>): Promise<number>;
  close(): Promise<void>;
}

const WITH_TOKEN = { authorization: `Bearer ${INGEST_TOKEN}` };

async function startAudit(env: Record<string, string> = {}): Promise<AuditHarness> {
  const uri = testDatabaseUri('audit');
  const app = await createAuditApp(
    loadAuditConfig({
      AUDIT_MONGODB_URI: uri,
      LOG_LEVEL: 'silent',
      AUDIT_INGEST_TOKEN: INGEST_TOKEN,
      AUTH_JWT_SECRET: JWT_SECRET,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      ...env,
    }),
  );
  await app.init();
  const db = await mongoose.createConnection(uri).asPromise();
  const server = app.getHttpServer();
  const http = () => request(server);
  return {
    app,
    db,
    http,
    postBinary: (e, auth = WITH_TOKEN) =>
      http()
        .post('/')
        .set({ ...binaryHeaders(e), ...auth })
        .send(JSON.stringify(e.data)),
    postStructured: (e, auth = WITH_TOKEN) =>
      http()
        .post('/')
        .set({ 'content-type': 'application/cloudevents+json; charset=utf-8', ...auth })
        .send(JSON.stringify(structuredBody(e))),
    list: (query = {}) => http().get('/api/audit-events').set('authorization', VIEWER).query(query),
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

      const list = await h.list({ workerId: 'w-intake' }).expect(200);
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
      const list = await h.list({ workerId: 'w-structured' }).expect(200);
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
            .set(WITH_TOKEN)
            .set(without(binaryHeaders(e), 'ce-id'))
            .send(JSON.stringify(e.data)),
      ],
      [
        'wrong specversion',
        (e) =>
          h
            .http()
            .post('/')
            .set(WITH_TOKEN)
            .set({ ...binaryHeaders(e), 'ce-specversion': '2.0' })
            .send(JSON.stringify(e.data)),
      ],
      ['unknown type', (e) => h.postBinary({ ...e, type: `${PREFIX}.lab.created.v1` })],
      [
        'data not JSON',
        (e) => h.http().post('/').set(WITH_TOKEN).set(binaryHeaders(e)).send('{"workerId": "w-bad", oops'),
      ],
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
      ['empty body (binary)', (e) => h.http().post('/').set(WITH_TOKEN).set(binaryHeaders(e)).send('')],
      [
        'empty body (structured)',
        () => h.http().post('/').set(WITH_TOKEN).set('content-type', 'application/cloudevents+json').send(''),
      ],
      [
        'no CloudEvent at all',
        () => h.http().post('/').set(WITH_TOKEN).set('content-type', 'application/json').send('{}'),
      ],
      [
        'structured without id (the SDK would invent one)',
        (e) => {
          const { id: _id, ...body } = structuredBody(e);
          return h
            .http()
            .post('/')
            .set(WITH_TOKEN)
            .set('content-type', 'application/cloudevents+json')
            .send(JSON.stringify(body));
        },
      ],
      ['time not a timestamp', (e) => h.postBinary({ ...e, time: 'yesterday' })],
      ['data an array', (e) => h.http().post('/').set(WITH_TOKEN).set(binaryHeaders(e)).send('[1,2]')],
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
    const list = (query: Record<string, string>) => h.list(query);

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
      ['unknown parameter', { colour: 'red' }],
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

  describe('a hostile lab title or owner (from any CML user) cannot phish through the notification', () => {
    it('escapes them for Slack mrkdwn: no @channel, no disguised link, no autolink (exact payload)', async () => {
      const before = hook.bodies.length;
      const e = orphanEvent({
        workerId: 'w-phish',
        title: '<!channel> click <https://evil.example/login|your CML login>',
        owner: '<@U024BE7LH> [boss](https://evil.example)\u0007\u202e',
      });
      await h.postBinary(e).expect(201);
      await waitFor(() => hook.bodies.length > before, 'the notification');
      expect(hook.bodies.slice(before)).toEqual([
        JSON.stringify({
          text:
            'lab &lt;!channel&gt; click &lt;https[:]//evil[.]example/login|your CML login&gt; of ' +
            '&lt;@U024BE7LH&gt; [boss](https[:]//evil[.]example) on w-phish was deleted outside cml-labs',
        }),
      ]);
    });

    it('truncates a long title to 120 characters with an ellipsis', async () => {
      const before = hook.texts.length;
      await h.postBinary(orphanEvent({ workerId: 'w-long', title: 'x'.repeat(5000) })).expect(201);
      await waitFor(() => hook.texts.length > before, 'the notification');
      expect(hook.texts.slice(before)).toEqual([
        `lab ${'x'.repeat(119)}… of carol on w-long was deleted outside cml-labs`,
      ]);
    });
  });

  describe('CORS is off unless configured', () => {
    it('sends no CORS headers to another origin by default, on a read or a preflight', async () => {
      const read = await h.list().set('origin', 'https://evil.example').expect(200);
      expect(read.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await h
        .http()
        .options('/api/audit-events')
        .set('origin', 'https://evil.example')
        .set('access-control-request-method', 'GET')
        .set('access-control-request-headers', 'authorization');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
    });
  });

  describe('health', () => {
    it('is live and ready with the database up', async () => {
      await h.http().get('/health/live').expect(200, { status: 'ok' });
      const ready = await h.http().get('/health/ready').expect(200);
      expect(ready.body.status).toBe('ok');
    });
  });

  describe('metrics', () => {
    it('serves Prometheus text on /metrics without a token, with requests by route template', async () => {
      await h.postBinary(deletedEvent({ workerId: 'w-metrics' })).expect(201);
      await h.list({ workerId: 'w-metrics' }).expect(200);
      const res = await h.http().get('/metrics').expect(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.text).toMatch(/^http_requests_total\{method="POST",route="\/",status="201"\} [1-9]\d*$/m);
      expect(res.text).toMatch(
        /^http_request_duration_seconds_count\{method="GET",route="\/api\/audit-events",status="200"\} [1-9]\d*$/m,
      );
      // The query string never becomes a label.
      expect(res.text).not.toContain('w-metrics');
      expect(res.text).toMatch(/^cml_labs_process_resident_memory_bytes \d+$/m);
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

describe('Audit consumer: who may write and who may read (e2e, FerretDB)', () => {
  const CONSOLE = 'https://console.example';
  let h: AuditHarness;

  beforeAll(async () => {
    h = await startAudit({
      AUDIT_INGEST_HMAC_SECRET: HMAC_SECRET,
      AUDIT_CORS_ORIGINS: `${CONSOLE}, http://127.0.0.1:8080`,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A binary-mode request with the signature header computed over what is sent (or over `signedAs`). */
  function signed(e: TestEvent, secret = HMAC_SECRET, signedAs: TestEvent = e): request.Test {
    const body = JSON.stringify(e.data);
    const headers = binaryHeaders(e);
    const sig = signature(binaryHeaders(signedAs), JSON.stringify(signedAs.data), secret);
    return h
      .http()
      .post('/')
      .set({ ...headers, 'x-cml-labs-signature': sig })
      .send(body);
  }

  async function expectRefused(res: request.Response, e: TestEvent): Promise<void> {
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(await h.count({ id: e.id })).toBe(0);
  }

  describe('ingest (POST /): senders authenticate', () => {
    it('a forged lab.deleted without any credential is 401 problem+json and stores nothing', async () => {
      const forged = deletedEvent({ workerId: 'w-forged' });
      forged.data.deletedBy = 'innocent-colleague';
      const res = await h.postBinary(forged, {});
      await expectRefused(res, forged);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      await expectRefused(await h.postStructured(forged, {}), forged);
      expect(await h.count({ workerId: 'w-forged' })).toBe(0);
    });

    const other = randomBytes(32).toString('base64url');
    it.each<[string, Record<string, string>]>([
      ['a wrong bearer token', { authorization: `Bearer ${other}` }],
      ['the token with one character more', { authorization: `Bearer ${INGEST_TOKEN}x` }],
      ['the token cut short', { authorization: `Bearer ${INGEST_TOKEN.slice(0, -1)}` }],
      ['the token without the Bearer scheme', { authorization: INGEST_TOKEN }],
      ['the token as Basic', { authorization: `Basic ${INGEST_TOKEN}` }],
      ['a viewer JWT of the API (reading is not writing)', { authorization: VIEWER }],
      ['a signature that is not hex', { 'x-cml-labs-signature': 'sha256=not-hex' }],
      ['a signature without its algorithm', { 'x-cml-labs-signature': 'a'.repeat(64) }],
    ])('%s is 401 and stores nothing', async (_name, auth) => {
      const e = deletedEvent({ workerId: 'w-wrong' });
      await expectRefused(await h.postBinary(e, auth), e);
    });

    it('a signature made with another secret is 401', async () => {
      const e = deletedEvent({ workerId: 'w-wrong' });
      await expectRefused(await signed(e, randomBytes(32).toString('hex')), e);
    });

    it('a signed event changed afterwards (data, or the ce-id header) is 401', async () => {
      const original = deletedEvent({ workerId: 'w-wrong' });
      const blamed = { ...original, data: { ...original.data, deletedBy: 'innocent-colleague' } };
      await expectRefused(await signed(blamed, HMAC_SECRET, original), blamed);
      const renamed = { ...original, id: randomUUID() };
      await expectRefused(await signed(renamed, HMAC_SECRET, original), renamed);
      expect(await h.count({ workerId: 'w-wrong' })).toBe(0);
    });

    it('the right bearer token stores the event (201), in either mode', async () => {
      const e = deletedEvent({ workerId: 'w-right' });
      await h.postBinary(e).expect(201, { stored: true });
      const s = orphanEvent({ workerId: 'w-right' });
      await h.postStructured(s).expect(201, { stored: true });
      expect(await h.count({ workerId: 'w-right' })).toBe(2);
    });

    it('a right signature stores the event (201), binary and structured', async () => {
      const e = deletedEvent({ workerId: 'w-signed' });
      await signed(e).expect(201, { stored: true });
      const s = orphanEvent({ workerId: 'w-signed' });
      const body = JSON.stringify(structuredBody(s));
      const headers = { 'content-type': 'application/cloudevents+json; charset=utf-8' };
      await h
        .http()
        .post('/')
        .set({ ...headers, 'x-cml-labs-signature': signature(headers, body) })
        .send(body)
        .expect(201, { stored: true });
      expect(await h.count({ workerId: 'w-signed' })).toBe(2);
    });
  });

  describe('reads (GET /api/audit-events): the API JWT with the viewer role', () => {
    const read = (authorization?: string) => {
      const r = h.http().get('/api/audit-events');
      return authorization === undefined ? r : r.set('authorization', authorization);
    };

    it('without a token is 401 problem+json', async () => {
      const res = await read().expect(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body.items).toBeUndefined();
    });

    it.each<[string, string]>([
      ['the ingest token', `Bearer ${INGEST_TOKEN}`],
      ['a JWT signed with another secret', `Bearer ${bearerJwt('mallory', ['admin'], 'z'.repeat(32))}`],
      ['an expired JWT', `Bearer ${bearerJwt('vera', ['viewer'], JWT_SECRET, { expiresIn: -60 })}`],
      [
        'a JWT for another audience',
        `Bearer ${bearerJwt('vera', ['viewer'], JWT_SECRET, { audience: 'x' })}`,
      ],
    ])('with %s is 401', async (_name, authorization) => {
      await read(authorization).expect(401);
    });

    it('with a valid JWT but no viewer role is 403', async () => {
      const res = await read(`Bearer ${bearerJwt('nobody', ['guest'])}`).expect(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('with a viewer (or operator) JWT is 200', async () => {
      await h.postBinary(deletedEvent({ workerId: 'w-read' })).expect(201);
      const res = await read(VIEWER).query({ workerId: 'w-read' }).expect(200);
      expect(res.body.items).toHaveLength(1);
      await read(`Bearer ${bearerJwt('otto', ['operator'])}`).expect(200);
    });
  });

  describe('CORS for the configured origins only', () => {
    it('answers a read from a configured origin with its origin, and nothing to another', async () => {
      const ok = await h.list().set('origin', CONSOLE).expect(200);
      expect(ok.headers['access-control-allow-origin']).toBe(CONSOLE);
      expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
      const evil = await h.list().set('origin', 'https://evil.example').expect(200);
      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('lets the console send its Authorization header (preflight), for GET only', async () => {
      const preflight = await h
        .http()
        .options('/api/audit-events')
        .set('origin', CONSOLE)
        .set('access-control-request-method', 'GET')
        .set('access-control-request-headers', 'authorization');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(CONSOLE);
      expect(preflight.headers['access-control-allow-headers']?.toLowerCase()).toContain('authorization');
      expect(preflight.headers['access-control-allow-methods']).not.toContain('POST');
    });
  });
});

describe('Audit consumer with its ingest token in a file (AUDIT_INGEST_TOKEN_FILE, e2e)', () => {
  const fileToken = randomBytes(32).toString('base64url');
  let dir: string;
  let h: AuditHarness;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-token-'));
    const file = join(dir, 'token');
    // As Kubernetes mounts a Secret: the value with a trailing newline.
    writeFileSync(file, `${fileToken}\n`, { mode: 0o600 });
    h = await startAudit({ AUDIT_INGEST_TOKEN: '', AUDIT_INGEST_TOKEN_FILE: file });
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts the token read from the file at start, and only that one', async () => {
    const e = deletedEvent({ workerId: 'w-file' });
    await h.postBinary(e).expect(401);
    await h.postBinary(e, { authorization: `Bearer ${fileToken}` }).expect(201);
  });
});

describe('Audit consumer opened explicitly (AUDIT_INGEST_AUTH_DISABLED=true, AUTH_DISABLED=true, e2e)', () => {
  let h: AuditHarness;

  beforeAll(async () => {
    h = await startAudit({
      AUDIT_INGEST_TOKEN: '',
      AUDIT_INGEST_AUTH_DISABLED: 'true',
      AUTH_JWT_SECRET: '',
      AUTH_ISSUER: '',
      AUTH_AUDIENCE: '',
      AUTH_DISABLED: 'true',
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stores without a credential and serves reads without a token', async () => {
    await h.postBinary(deletedEvent({ workerId: 'w-open' }), {}).expect(201);
    const res = await h.http().get('/api/audit-events').query({ workerId: 'w-open' }).expect(200);
    expect(res.body.items).toHaveLength(1);
  });
});

describe('Audit consumer notifying in markdown (NOTIFY_WEBHOOK_FORMAT=markdown, e2e)', () => {
  const hook = new WebhookReceiver();
  let h: AuditHarness;

  beforeAll(async () => {
    await hook.start();
    h = await startAudit({ NOTIFY_WEBHOOK_URL: hook.url, NOTIFY_WEBHOOK_FORMAT: 'markdown' });
  });
  afterAll(async () => {
    await h?.close();
    await hook.stop();
  });

  it('escapes markdown links, emphasis and autolinks in the title and owner (exact payload)', async () => {
    const e = orphanEvent({
      workerId: 'w-md',
      title: '[Reset your CML password](https://evil.example/reset) **now**',
      owner: 'alice_admin\n# www.evil.example',
    });
    await h.postBinary(e).expect(201);
    await waitFor(() => hook.bodies.length > 0, 'the notification');
    expect(hook.bodies).toEqual([
      JSON.stringify({
        text:
          'lab \\[Reset your CML password\\]\\(https\\[:\\]//evil\\[.\\]example/reset\\) \\*\\*now\\*\\* of ' +
          'alice\\_admin \\# www\\[.\\]evil\\[.\\]example on w-md was deleted outside cml-labs',
      }),
    ]);
  });
});
