import { Clock } from '@app/common';
import { InMemoryAuditEventRepository } from '../../../testing/in-memory-audit-event.repository';
import { aDeletedEvent, anOrphanRemovedEvent } from '../../../testing/lab-audit-event.fixture';
import { parseCsvWithPython } from '../../../testing/parse-csv-with-python';
import { AUDIT_CSV_HEADER } from './audit-event-csv';
import { EXPORT_CHUNK_CHARS, ExportAuditEventsHandler } from './export-audit-events.handler';
import { AuditExportFormat, ExportAuditEventsQuery } from './export-audit-events.query';

const receivedAt = new Date('2024-06-01T08:00:00.000Z');
const clock: Clock = { now: () => new Date('2026-12-01T14:11:22.345Z') };

async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const c of chunks) all.push(c);
  return all;
}

describe('ExportAuditEventsHandler', () => {
  let events: InMemoryAuditEventRepository;
  let handler: ExportAuditEventsHandler;
  const run = (format: AuditExportFormat, criteria = {}) =>
    handler.execute(new ExportAuditEventsQuery(criteria, format));

  beforeEach(async () => {
    events = new InMemoryAuditEventRepository();
    handler = new ExportAuditEventsHandler(events, clock);
    await events.insertOnce(aDeletedEvent({ id: 'old', time: '2024-01-01T10:00:00.000Z' }), receivedAt);
    await events.insertOnce(
      anOrphanRemovedEvent(
        { id: 'new', time: '2024-02-01T10:00:00.000Z' },
        { labTitle: '=cmd|" /C calc"!A0' },
      ),
      receivedAt,
    );
  });

  it('names the file by format and time, with the media type of the format', async () => {
    expect(await run('csv')).toMatchObject({
      contentType: 'text/csv; charset=utf-8; header=present',
      fileName: 'audit-events-20261201T141122Z.csv',
    });
    expect(await run('ndjson')).toMatchObject({
      contentType: 'application/x-ndjson; charset=utf-8',
      fileName: 'audit-events-20261201T141122Z.ndjson',
    });
  });

  it('writes CSV: the header, then each matching event newest first, a formula made text', async () => {
    const csv = (await collect((await run('csv')).chunks)).join('');
    const [header, ...rows] = parseCsvWithPython(csv);
    expect(csv.startsWith(AUDIT_CSV_HEADER)).toBe(true);
    expect(rows.map((r) => r[header.indexOf('id')])).toEqual(['new', 'old']);
    expect(rows[0][header.indexOf('labTitle')]).toBe(`'=cmd|" /C calc"!A0`);
    const onlyOld = (await collect((await run('csv', { type: aDeletedEvent().type })).chunks)).join('');
    expect(
      parseCsvWithPython(onlyOld)
        .slice(1)
        .map((r) => r[header.indexOf('id')]),
    ).toEqual(['old']);
  });

  it('writes NDJSON: one JSON event a line as the list shows it, unescaped, newest first', async () => {
    const text = (await collect((await run('ndjson')).chunks)).join('');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    const parsed = lines.map((l) => JSON.parse(l) as { id: string; data: { labTitle: string } });
    expect(parsed.map((e) => e.id)).toEqual(['new', 'old']);
    expect(parsed[0].data.labTitle).toBe('=cmd|" /C calc"!A0');
    expect(Object.keys(parsed[0]).sort()).toEqual(
      ['data', 'id', 'labId', 'receivedAt', 'source', 'subject', 'time', 'type', 'workerId'].sort(),
    );
  });

  it('writes only the CSV header, or nothing as NDJSON, when nothing matches', async () => {
    expect(await collect((await run('csv', { owner: 'nobody' })).chunks)).toEqual([AUDIT_CSV_HEADER]);
    expect(await collect((await run('ndjson', { owner: 'nobody' })).chunks)).toEqual([]);
  });

  it('gathers lines into chunks of about EXPORT_CHUNK_CHARS, and only pulls from the store as it is pulled', async () => {
    for (let i = 0; i < 2000; i++) await events.insertOnce(aDeletedEvent({ id: `e-${i}` }), receivedAt);
    const chunks = await collect((await run('ndjson')).chunks);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks.slice(0, -1)) {
      expect(c.length).toBeGreaterThanOrEqual(EXPORT_CHUNK_CHARS);
      expect(c.length).toBeLessThan(EXPORT_CHUNK_CHARS + 2000);
    }
    expect(chunks.join('').split('\n')).toHaveLength(2003);
  });

  it('stops reading the store when the consumer stops early', async () => {
    for (let i = 0; i < 2000; i++) await events.insertOnce(aDeletedEvent({ id: `e-${i}` }), receivedAt);
    const iterator = (await run('csv')).chunks[Symbol.asyncIterator]();
    await iterator.next();
    expect(events.streamsOpen).toBe(1);
    await iterator.return!(undefined);
    expect(events.streamsOpen).toBe(0);
  });

  it('fails its first chunk, before the header, when the store cannot be read', async () => {
    events.failWith = new Error('database down');
    const iterator = (await run('csv')).chunks[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toThrow('database down');
  });
});
