import { AuditEventRepository } from '../application/ports/audit-event.repository';
import { aDeletedEvent, anOrphanRemovedEvent, ORPHAN_REMOVED_TYPE } from './lab-audit-event.fixture';

const receivedAt = new Date('2024-06-01T08:00:00.000Z');
const ALL = 500;

/**
 * The contract of AuditEventRepository, for any implementation: `make` gives an empty one per test.
 * InMemoryAuditEventRepository runs it in its spec. MongoAuditEventRepository passes the same cases
 * on FerretDB, run with the model and a `deleteMany({})` per test; it has no integration spec yet.
 */
export function auditEventRepositoryContract(make: () => Promise<AuditEventRepository>): void {
  let repo: AuditEventRepository;
  beforeEach(async () => (repo = await make()));

  const ids = async (filter: Parameters<AuditEventRepository['find']>[0]) =>
    (await repo.find(filter)).map((e) => e.id);

  describe('insertOnce', () => {
    it('stores an event and reads it back field for field, times as ISO 8601 UTC', async () => {
      const event = anOrphanRemovedEvent({ workerId: 'w-1', labId: 'l-1' });
      expect(await repo.insertOnce(event, receivedAt)).toBe(true);
      expect(await repo.find({ limit: ALL })).toEqual([
        {
          source: event.source,
          id: event.id,
          type: ORPHAN_REMOVED_TYPE,
          subject: 'labs/l-1',
          time: '2024-05-01T10:00:00.000Z',
          workerId: 'w-1',
          labId: 'l-1',
          data: event.data,
          receivedAt: '2024-06-01T08:00:00.000Z',
        },
      ]);
    });

    it('keeps a missing subject as null', async () => {
      await repo.insertOnce({ ...aDeletedEvent(), subject: null }, receivedAt);
      expect((await repo.find({ limit: ALL }))[0].subject).toBeNull();
    });

    it('reports a second insert of the same source + id as a duplicate and keeps the first as it was', async () => {
      const first = aDeletedEvent({ id: 'e-1' });
      expect(await repo.insertOnce(first, receivedAt)).toBe(true);
      const redelivered = aDeletedEvent({ id: 'e-1' }, { deletedBy: 'mallory' });
      expect(await repo.insertOnce(redelivered, new Date('2024-07-01T00:00:00Z'))).toBe(false);
      expect(await repo.find({ limit: ALL })).toEqual([
        expect.objectContaining({
          id: 'e-1',
          data: first.data,
          receivedAt: receivedAt.toISOString(),
        }),
      ]);
    });

    it('stores the same id from another source as another event', async () => {
      expect(await repo.insertOnce(aDeletedEvent({ id: 'e-1', source: '/a' }), receivedAt)).toBe(true);
      expect(await repo.insertOnce(aDeletedEvent({ id: 'e-1', source: '/b' }), receivedAt)).toBe(true);
      expect((await repo.find({ limit: ALL })).map((e) => e.source).sort()).toEqual(['/a', '/b']);
    });

    // The key `${source}|${id}` is one-to-one because the parser refuses a source with `|` (no
    // URI-reference has one); ids may contain it.
    it('stores two events of one source whose ids differ after a "|" as two', async () => {
      expect(await repo.insertOnce(aDeletedEvent({ source: '/a', id: 'b|c' }), receivedAt)).toBe(true);
      expect(await repo.insertOnce(aDeletedEvent({ source: '/a', id: 'b|d' }), receivedAt)).toBe(true);
      expect(await repo.find({ limit: ALL })).toHaveLength(2);
    });

    it('of 20 concurrent inserts of one event exactly one stores it', async () => {
      const event = aDeletedEvent({ id: 'race' });
      const answers = await Promise.all(Array.from({ length: 20 }, () => repo.insertOnce(event, receivedAt)));
      expect(answers.filter((stored) => stored)).toHaveLength(1);
      expect(await ids({ limit: ALL })).toEqual(['race']);
    });

    it('keeps an undefined field of data as null, as the driver writes it', async () => {
      const event = aDeletedEvent();
      await repo.insertOnce({ ...event, data: { ...event.data, extra: undefined } as never }, receivedAt);
      expect((await repo.find({ limit: ALL }))[0].data).toEqual({ ...event.data, extra: null });
    });

    it('keeps what was stored apart from what the caller holds or was given', async () => {
      const event = anOrphanRemovedEvent();
      await repo.insertOnce(event, receivedAt);
      event.data.labTitle = 'changed by the caller';
      event.data.evidence.confirmedBy = 'two-observations';
      const [read] = await repo.find({ limit: ALL });
      (read.data as { owner: string }).owner = 'changed by the reader';
      expect((await repo.find({ limit: ALL }))[0].data).toMatchObject({
        labTitle: 'OSPF lab',
        owner: 'carol',
        evidence: { confirmedBy: 'lookup-404' },
      });
    });
  });

  describe('find', () => {
    const jan = aDeletedEvent({ id: 'jan', workerId: 'w', labId: 'lab-a', time: '2024-01-01T10:00:00.000Z' });
    const feb = anOrphanRemovedEvent({
      id: 'feb',
      workerId: 'w',
      labId: 'lab-a',
      time: '2024-02-01T10:00:00.000Z',
    });
    const mar = aDeletedEvent({ id: 'mar', workerId: 'w', labId: 'lab-b', time: '2024-03-01T10:00:00.000Z' });
    const apr = aDeletedEvent({
      id: 'apr',
      workerId: 'w-other',
      labId: 'lab-a',
      time: '2024-04-01T10:00:00.000Z',
    });

    beforeEach(async () => {
      for (const e of [feb, jan, apr, mar]) await repo.insertOnce(e, receivedAt);
    });

    it('returns every event newest time first, whatever the order they came in', async () => {
      expect(await ids({ limit: ALL })).toEqual(['apr', 'mar', 'feb', 'jan']);
    });

    it('filters by exact workerId, labId and type, alone and together', async () => {
      expect(await ids({ workerId: 'w', limit: ALL })).toEqual(['mar', 'feb', 'jan']);
      expect(await ids({ labId: 'lab-a', limit: ALL })).toEqual(['apr', 'feb', 'jan']);
      expect(await ids({ workerId: 'w', labId: 'lab-a', limit: ALL })).toEqual(['feb', 'jan']);
      expect(await ids({ type: ORPHAN_REMOVED_TYPE, limit: ALL })).toEqual(['feb']);
      expect(await ids({ type: 'lab.orphan_removed', limit: ALL })).toEqual([]);
      expect(await ids({ workerId: 'W', limit: ALL })).toEqual([]);
      expect(await ids({ workerId: 'w-other', labId: 'lab-b', limit: ALL })).toEqual([]);
    });

    it('filters by since: at or after that instant, whatever offset it was written with', async () => {
      expect(await ids({ since: new Date('2024-02-01T10:00:00.000Z'), limit: ALL })).toEqual([
        'apr',
        'mar',
        'feb',
      ]);
      expect(await ids({ since: new Date('2024-02-01T12:00:00+02:00'), limit: ALL })).toEqual([
        'apr',
        'mar',
        'feb',
      ]);
      expect(await ids({ since: new Date('2024-02-01T10:00:00.001Z'), limit: ALL })).toEqual(['apr', 'mar']);
      expect(await ids({ workerId: 'w', since: new Date('2024-02-01T10:00:00Z'), limit: ALL })).toEqual([
        'mar',
        'feb',
      ]);
    });

    it('returns at most limit events, the newest', async () => {
      expect(await ids({ limit: 2 })).toEqual(['apr', 'mar']);
      expect(await ids({ workerId: 'w', limit: 1 })).toEqual(['mar']);
    });

    it('reads limit as the driver does: 0 is no limit, a negative one its absolute value', async () => {
      expect(await ids({ limit: 0 })).toEqual(['apr', 'mar', 'feb', 'jan']);
      expect(await ids({ limit: -2 })).toEqual(['apr', 'mar']);
    });

    it('returns nothing when nothing matches', async () => {
      expect(await repo.find({ workerId: 'nobody', limit: ALL })).toEqual([]);
    });
  });

  describe('events of the same instant', () => {
    const at = '2024-05-01T10:00:00.000Z';

    it('come in descending source|id order, so that the same query gives the same page', async () => {
      for (const [source, id] of [
        ['/s', 'b'],
        ['/t', 'a'],
        ['/s', 'c'],
        ['/s', 'a'],
      ]) {
        await repo.insertOnce(aDeletedEvent({ source, id, time: at }), receivedAt);
      }
      const page = (limit: number) =>
        repo.find({ limit }).then((events) => events.map((e) => `${e.source}|${e.id}`));
      expect(await page(ALL)).toEqual(['/t|a', '/s|c', '/s|b', '/s|a']);
      expect(await page(2)).toEqual(['/t|a', '/s|c']);
    });

    it('are ordered by the UTF-8 bytes of the key, as MongoDB compares strings', async () => {
      // U+FF5E is one UTF-16 unit above the surrogates of U+1F600 but its UTF-8 bytes sort below them.
      for (const id of ['\uFF5E', '\u{1F600}', 'z']) {
        await repo.insertOnce(aDeletedEvent({ source: '/s', id, time: at }), receivedAt);
      }
      expect(await ids({ limit: ALL })).toEqual(['\u{1F600}', '\uFF5E', 'z']);
    });
  });
}
