import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { get, IncomingMessage } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import jwt from 'jsonwebtoken';
import mongoose, { Connection } from 'mongoose';
import request from 'supertest';
import { loadAuditConfig } from '../apps/audit/src/audit-config';
import {
  AuditEventRepository,
  StoredAuditEvent,
} from '../apps/audit/src/application/ports/audit-event.repository';
import { createAuditApp } from '../apps/audit/src/create-audit-app';
import { auditEventKey } from '../apps/audit/src/domain/lab-audit-event';
import { auditEventDocumentOf } from '../apps/audit/src/infrastructure/persistence/mongo/mongo-audit-event.repository';
import { aDeletedEvent, anOrphanRemovedEvent } from '../apps/audit/src/testing/lab-audit-event.fixture';
import { parseCsvWithPython } from '../apps/audit/src/testing/parse-csv-with-python';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { EmbeddedFerretDb, findRepoRoot, startEmbeddedFerretDb } from '@app/dev-infra';
import { testDatabaseName, testDatabaseUri, withDatabaseName } from './support/test-database';

const JWT_SECRET = randomBytes(32).toString('hex');
const ISSUER = 'https://idp.test/realms/cml';
const AUDIENCE = 'cml-labs';
const CONSOLE = 'https://console.test';

function bearer(sub: string, roles: string[]): string {
  const claims = { sub, roles, resource_access: { [AUDIENCE]: { roles } } };
  return `Bearer ${jwt.sign(claims, JWT_SECRET, { algorithm: 'HS256', expiresIn: 300, issuer: ISSUER, audience: AUDIENCE })}`;
}
const VIEWER = bearer('vera', ['viewer']);

const receivedAt = new Date('2024-06-01T08:00:00.000Z');
/** Enough that a read of everything at once would show, as memory and as a client that had to wait for it. */
// Large enough that an unread export stops far short of the end (the sockets hold about 4,500 events), small
// enough that FerretDB, which sorts the whole trail in memory for an unfiltered export, answers in CI time.
const LARGE = 12_000;

const PADDING = '\u00b7'.repeat(400);

/** The large trail: times over 50 days, many of them shared (ties), hostile titles among them. */
function largeTrail() {
  return Array.from({ length: LARGE }, (_, i) => {
    const time = new Date(Date.UTC(2024, 0, 1) + (i % 5000) * 864_000).toISOString();
    const workerId = `w-${i % 7}`;
    return i % 4 === 0
      ? anOrphanRemovedEvent({ id: `o-${i}`, workerId, labId: `l-${i}`, time }, { owner: `owner-${i % 11}` })
      : aDeletedEvent(
          { id: `d-${i}`, workerId, labId: `l-${i}`, time },
          {
            owner: `owner-${i % 11}`,
            deletedBy: `user-${i % 3}`,
            // Long titles (about 1 KB an event) so that the trail is far more than the sockets can hold.
            labTitle: i % 10 === 1 ? `=HYPERLINK("x","${i}")` : `lab, "${i}"\n${PADDING}`,
          },
        );
  });
}

/** A GET of the running app over a real socket, its body not read yet. */
function open(port: number, path: string, authorization = VIEWER): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers: { authorization } }, resolve).on('error', reject);
  });
}

/** Pipes a response into Python's csv reader (so that this process does not hold the file) and returns its summary. */
function csvSummaryByPython(
  res: IncomingMessage,
): Promise<{ rows: number; widths: number[]; ids: string[] }> {
  const script =
    'import csv, io, json, sys\n' +
    "r = csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline=''), strict=True)\n" +
    'header = next(r); col = header.index("id"); widths = set(); ids = []\n' +
    'for row in r:\n    widths.add(len(row)); ids.append(row[col])\n' +
    'print(json.dumps({"rows": len(ids), "widths": sorted(widths | {len(header)}), "ids": ids}))\n';
  return new Promise((resolve, reject) => {
    const py = spawn('python3', ['-c', script]);
    let out = '';
    let err = '';
    py.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    py.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    py.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err))));
    res.pipe(py.stdin);
  });
}

/** Watches the repository's streams (calling through): how many events each handed out, and whether it ended. */
function watchStreams(app: INestApplication) {
  const repo = app.get(AuditEventRepository);
  const original = repo.stream.bind(repo);
  const streams: Array<{ pulled: number; ended: boolean }> = [];
  const spy = jest.spyOn(repo, 'stream').mockImplementation((criteria) => {
    const watched = { pulled: 0, ended: false };
    streams.push(watched);
    return (async function* () {
      try {
        for await (const e of original(criteria)) {
          watched.pulled++;
          yield e;
        }
      } finally {
        watched.ended = true;
      }
    })();
  });
  return { streams, restore: () => spy.mockRestore() };
}

const until = async (check: () => boolean, ms: number, what: string, everyMs = 20) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};

describe('Audit trail paging, filters and export over HTTP (e2e, FerretDB)', () => {
  let app: INestApplication;
  let db: Connection;
  let port: number;
  const http = () => request(app.getHttpServer());
  const legacyOwner = 'owner-from-before';

  let ownFerretDb: EmbeddedFerretDb | null = null;
  const repoRoot = findRepoRoot(__dirname);
  const dataDir = path.join(repoRoot, '.data', `audit-export-e2e-${process.pid}`);

  /**
   * On FerretDB an unfiltered export is sorted in its memory over the whole trail, and on the FerretDB the
   * other suites share, their load stalled that sort past any timeout in CI: this suite gets a FerretDB of
   * its own. On MongoDB (npm run test:mongo) it uses the given server, whose index serves the order.
   */
  const databaseUri = async (): Promise<string> => {
    const shared = testDatabaseUri('audit_export');
    const probe = await mongoose.createConnection(shared).asPromise();
    const info = await probe.db!.admin().command({ buildInfo: 1 });
    await probe.close();
    if (typeof info.ferretdbVersion !== 'string') return shared;
    rmSync(dataDir, { recursive: true, force: true });
    ownFerretDb = await startEmbeddedFerretDb({ dataDir, repoRoot });
    return withDatabaseName(ownFerretDb.uri, testDatabaseName('audit_export'));
  };

  beforeAll(async () => {
    const uri = await databaseUri();
    db = await mongoose.createConnection(uri).asPromise();
    // Stored by the code before owner/deletedBy were top-level: the start's backfill must make them findable.
    const legacy = [
      aDeletedEvent(
        { id: 'legacy-1', time: '2023-06-01T00:00:00.000Z' },
        { owner: legacyOwner, deletedBy: 'old-admin' },
      ),
      anOrphanRemovedEvent({ id: 'legacy-2', time: '2023-06-02T00:00:00.000Z' }, { owner: legacyOwner }),
    ];
    await db.collection<{ _id: string }>('audit_events').insertMany(
      legacy.map((e) => {
        const { owner: _o, deletedBy: _d, ...old } = auditEventDocumentOf(e, receivedAt);
        return old;
      }),
    );
    await db
      .collection<{ _id: string }>('audit_events')
      .insertMany(largeTrail().map((e) => auditEventDocumentOf(e, receivedAt)));
    app = await createAuditApp(
      loadAuditConfig({
        AUDIT_MONGODB_URI: uri,
        LOG_LEVEL: 'silent',
        AUDIT_INGEST_AUTH_DISABLED: 'true',
        AUTH_JWT_SECRET: JWT_SECRET,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        AUDIT_CORS_ORIGINS: CONSOLE,
      }),
    );
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.dropDatabase().catch(() => undefined);
    await db?.close();
    await ownFerretDb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const list = (query: Record<string, string>) =>
    http().get('/api/audit-events').set('authorization', VIEWER).query(query);
  const ids = (res: request.Response) => (res.body.items as StoredAuditEvent[]).map((i) => i.id);

  describe('events stored before this version', () => {
    it('are found by owner and deletedBy after the backfill at start, which leaves its marker', async () => {
      expect(ids(await list({ owner: legacyOwner }).expect(200))).toEqual(['legacy-2', 'legacy-1']);
      expect(ids(await list({ deletedBy: 'old-admin' }).expect(200))).toEqual(['legacy-1']);
      expect(await db.collection('audit_maintenance').countDocuments({})).toBe(1);
    });
  });

  describe('GET /api/audit-events: cursor paging and the new filters', () => {
    it('pages a worker of the large trail with nextCursor: each event once, in the order of one big read', async () => {
      const all: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await list({
          workerId: 'w-3',
          owner: 'owner-5',
          limit: '37',
          ...(cursor ? { cursor } : {}),
        }).expect(200);
        all.push(...ids(res));
        cursor = res.body.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      const expected = largeTrail()
        .filter((e) => e.workerId === 'w-3' && e.data.owner === 'owner-5')
        .sort(
          (a, b) =>
            b.time.localeCompare(a.time) ||
            Buffer.compare(Buffer.from(auditEventKey(b)), Buffer.from(auditEventKey(a))),
        )
        .map((e) => e.id);
      expect(all).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / 37));
    });

    it('says null on the last page, and keeps the old response fields', async () => {
      const res = await list({ owner: legacyOwner, limit: '5' }).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
      expect(res.body.nextCursor).toBeNull();
      expect(Object.keys(res.body.items[0]).sort()).toEqual(
        ['data', 'id', 'labId', 'receivedAt', 'source', 'subject', 'time', 'type', 'workerId'].sort(),
      );
    });

    it('filters by until (exclusive) together with since', async () => {
      const res = await list({
        owner: legacyOwner,
        since: '2023-06-01T00:00:00Z',
        until: '2023-06-02T00:00:00Z',
      }).expect(200);
      expect(ids(res)).toEqual(['legacy-1']);
    });

    it.each([
      ['a cursor that is not one', { cursor: 'garbage!' }],
      ['a cursor of another list', { cursor: Buffer.from('{"k":"lab-1"}').toString('base64url') }],
      ['until not a timestamp', { until: 'tomorrow' }],
      ['until before since', { since: '2024-02-01T00:00:00Z', until: '2024-01-01T00:00:00Z' }],
      ['until equal to since', { since: '2024-02-01T00:00:00Z', until: '2024-02-01T00:00:00Z' }],
      ['an empty owner', { owner: '' }],
      ['deletedBy given twice', { deletedBy: ['a', 'b'] as unknown as string }],
      ['an owner of 257 characters', { owner: 'x'.repeat(257) }],
    ])('%s is 400 problem+json', async (_what, query) => {
      const res = await list(query);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });
  });

  describe('GET /api/audit-events/export', () => {
    const exportPath = (query: Record<string, string>) =>
      `/api/audit-events/export?${new URLSearchParams(query)}`;

    it.each<[string, number, string | undefined]>([
      ['without a token', 401, undefined],
      [
        'with a token signed by someone else',
        401,
        `Bearer ${jwt.sign({ sub: 'm', roles: ['admin'] }, 'x'.repeat(32))}`,
      ],
      ['with a valid token without the viewer role', 403, bearer('g', ['guest'])],
    ])('%s is %i problem+json, nothing exported', async (_what, status, authorization) => {
      const r = http().get(exportPath({ format: 'csv' }));
      const res = await (authorization ? r.set('authorization', authorization) : r);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['content-disposition']).toBeUndefined();
    });

    it.each([
      ['no format', {}],
      ['format=xml', { format: 'xml' }],
      ['a limit (the file has every match)', { format: 'csv', limit: '10' }],
      ['a cursor', { format: 'csv', cursor: 'x' }],
      ['since not a timestamp', { format: 'ndjson', since: 'yesterday' }],
      [
        'until before since',
        { format: 'ndjson', since: '2024-02-01T00:00:00Z', until: '2024-01-01T00:00:00Z' },
      ],
    ])('%s is 400 problem+json', async (_what, query) => {
      const res = await http().get(exportPath(query)).set('authorization', VIEWER);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('exports all 12,000 and more as CSV, complete and parseable, newest first, as an attachment', async () => {
      const watch = watchStreams(app);
      try {
        const res = await open(port, exportPath({ format: 'csv' }));
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
        expect(res.headers['content-disposition']).toMatch(
          /^attachment; filename="audit-events-\d{8}T\d{6}Z\.csv"$/,
        );
        expect(res.headers['cache-control']).toBe('no-store');
        const summary = await csvSummaryByPython(res);
        expect(summary.rows).toBe(LARGE + 2);
        expect(summary.widths).toEqual([18]);
        expect(new Set(summary.ids).size).toBe(LARGE + 2);
        expect(summary.ids.slice(-2)).toEqual(['legacy-2', 'legacy-1']);
        const firstPage = ids(await list({ limit: '3' }).expect(200));
        expect(summary.ids.slice(0, 3)).toEqual(firstPage);
        expect(watch.streams).toEqual([{ pulled: LARGE + 2, ended: true }]);
      } finally {
        watch.restore();
      }
    }, 180_000);

    it('escapes CSV and makes formulas text; NDJSON keeps the values exactly', async () => {
      const csvRes = await http()
        .get(exportPath({ format: 'csv', workerId: 'w-1', deletedBy: 'user-1' }))
        .set('authorization', VIEWER)
        .buffer(true)
        .parse((res, cb) => {
          // Bytes first: a chunk may end inside a multi-byte character.
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => cb(null, Buffer.concat(parts).toString('utf8')));
        })
        .expect(200);
      const [header, ...rows] = parseCsvWithPython(csvRes.body as string);
      const title = header.indexOf('labTitle');
      const expected = largeTrail().filter(
        (e) => e.workerId === 'w-1' && e.kind === 'lab.deleted' && e.data.deletedBy === 'user-1',
      );
      expect(rows).toHaveLength(expected.length);
      const byId = new Map(expected.map((e) => [e.id, e.data.labTitle]));
      for (const row of rows) {
        const original = byId.get(row[header.indexOf('id')])!;
        expect(row[title]).toBe(original.startsWith('=') ? `'${original}` : original);
      }
      expect(rows.some((r) => r[title].startsWith("'=HYPERLINK"))).toBe(true);

      const ndRes = await http()
        .get(exportPath({ format: 'ndjson', workerId: 'w-1', deletedBy: 'user-1' }))
        .set('authorization', VIEWER)
        .expect(200);
      expect(ndRes.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
      expect(ndRes.headers['content-disposition']).toMatch(/filename="audit-events-\d{8}T\d{6}Z\.ndjson"$/);
      const lines = (ndRes.text as string)
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as StoredAuditEvent);
      expect(lines.map((e) => e.id)).toEqual(rows.map((r) => r[header.indexOf('id')]));
      expect(lines.every((e) => e.data.labTitle === byId.get(e.id))).toBe(true);
    });

    it('exports all of them as NDJSON, one parseable event a line, memory staying flat', async () => {
      const watch = watchStreams(app);
      const heapBefore = process.memoryUsage().heapUsed;
      let heapPeak = heapBefore;
      const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 10);
      try {
        const res = await open(port, exportPath({ format: 'ndjson' }));
        let lines = 0;
        let tail = '';
        // Decoded across chunks: a chunk may end inside a multi-byte character.
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          const parts = (tail + c).split('\n');
          tail = parts.pop()!;
          for (const p of parts) {
            JSON.parse(p);
            lines++;
          }
        });
        await new Promise((r) => res.on('end', r));
        expect(tail).toBe('');
        expect(lines).toBe(LARGE + 2);
        expect(watch.streams).toEqual([{ pulled: LARGE + 2, ended: true }]);
        // For the report: what the export cost this process (server and client alike) at most.
        console.log(
          `audit export of ${LARGE + 2} events as NDJSON: heap peak +${((heapPeak - heapBefore) / 1048576).toFixed(1)} MiB`,
        );
      } finally {
        clearInterval(sampler);
        watch.restore();
      }
    }, 180_000);

    it('reads only as fast as the client reads (back-pressure), and stops the cursor when the client goes away', async () => {
      const watch = watchStreams(app);
      // A client that sends its request and reads nothing: what the server may write is what the sockets hold.
      const socket = connect(port, '127.0.0.1');
      try {
        await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        socket.pause();
        socket.write(
          `GET ${exportPath({ format: 'ndjson' })} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${VIEWER}\r\n\r\n`,
        );
        await until(() => watch.streams[0]?.pulled > 0, 60_000, 'the export to start');
        let pulledWhilePaused = -1;
        await until(
          () => {
            const now = watch.streams[0].pulled;
            const settled = now === pulledWhilePaused;
            pulledWhilePaused = now;
            return settled;
          },
          60_000,
          'the unread export to stop reading',
          1000,
        );
        expect(pulledWhilePaused).toBeLessThan(LARGE / 2);
        expect(watch.streams[0].ended).toBe(false);
        socket.destroy();
        await until(() => watch.streams[0].ended, 30_000, 'the stream to end');
        expect(watch.streams[0].pulled).toBeLessThan(LARGE / 2);
        console.log(
          `audit export: ${pulledWhilePaused} of ${LARGE + 2} events read for a client that read nothing`,
        );
        // The app still serves.
        await list({ limit: '1' }).expect(200);
      } finally {
        socket.destroy();
        watch.restore();
      }
    }, 180_000);

    it('lets the console read the file name (CORS exposes Content-Disposition)', async () => {
      const res = await http()
        .get(exportPath({ format: 'ndjson', owner: legacyOwner }))
        .set({ authorization: VIEWER, origin: CONSOLE })
        .expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(CONSOLE);
      expect(res.headers['access-control-expose-headers']).toBe('Content-Disposition');
      expect(res.text.trimEnd().split('\n')).toHaveLength(2);
    });
  });
});
