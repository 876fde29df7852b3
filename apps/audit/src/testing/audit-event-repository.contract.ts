import { AuditEventCriteria, AuditEventRepository } from '../application/ports/audit-event.repository';
import { positionOf } from '../domain/audit-event-position';
import { aDeletedEvent, anOrphanRemovedEvent, ORPHAN_REMOVED_TYPE } from './lab-audit-event.fixture';

const receivedAt = new Date('2024-06-01T08:00:00.000Z');
const ALL = 500;

/**
 * The contract of AuditEventRepository, for any implementation: `make` gives an empty one per test.
 * InMemoryAuditEventRepository runs it in its spec, MongoAuditEventRepository on FerretDB in
 * mongo-audit-event.repository.int-spec.ts.
 */
export function auditEventRepositoryContract(make: () => Promise<AuditEventRepository>): void {
  let repo: AuditEventRepository;
  beforeEach(async () => (repo = await make()));

  const ids = async (filter: Parameters<AuditEventRepository['find']>[0]) =>
    (await repo.find(filter)).map((e) => e.id);
  const streamed = async (criteria: AuditEventCriteria) => {
    const seen: string[] = [];
    for await (const e of repo.stream(criteria)) seen.push(e.id);
    return seen;
  };
  /** Every page of `limit` through the trail, each after the last event of the one before. */
  const allPages = async (criteria: AuditEventCriteria, limit: number) => {
    const pages: string[][] = [];
    let after = criteria.after;
    for (;;) {
      const page = await repo.find({ ...criteria, after, limit });
      if (page.length === 0) return pages;
      pages.push(page.map((e) => e.id));
      after = positionOf(page[page.length - 1]);
    }
  };

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

  describe('owner, deletedBy and until', () => {
    const byBob = aDeletedEvent({ id: 'bob-1', time: '2024-01-01T10:00:00.000Z' }, { owner: 'alice' });
    const byEve = aDeletedEvent(
      { id: 'eve-1', time: '2024-02-01T10:00:00.000Z' },
      { owner: 'carol', deletedBy: 'eve' },
    );
    const orphan = anOrphanRemovedEvent(
      { id: 'orphan-1', time: '2024-03-01T10:00:00.000Z' },
      { owner: 'alice' },
    );

    beforeEach(async () => {
      for (const e of [byEve, orphan, byBob]) await repo.insertOnce(e, receivedAt);
    });

    it('filters by exact data.owner, of either type', async () => {
      expect(await ids({ owner: 'alice', limit: ALL })).toEqual(['orphan-1', 'bob-1']);
      expect(await ids({ owner: 'carol', limit: ALL })).toEqual(['eve-1']);
      expect(await ids({ owner: 'Alice', limit: ALL })).toEqual([]);
      expect(await ids({ owner: 'alice', type: ORPHAN_REMOVED_TYPE, limit: ALL })).toEqual(['orphan-1']);
    });

    it('filters by exact data.deletedBy, which an orphan removal does not have', async () => {
      expect(await ids({ deletedBy: 'bob', limit: ALL })).toEqual(['bob-1']);
      expect(await ids({ deletedBy: 'eve', owner: 'carol', limit: ALL })).toEqual(['eve-1']);
      expect(await ids({ deletedBy: 'eve', owner: 'alice', limit: ALL })).toEqual([]);
      expect(await ids({ deletedBy: '', limit: ALL })).toEqual([]);
    });

    it('filters by until: before that instant, exclusive, so [since, until) windows tile', async () => {
      const feb = new Date('2024-02-01T10:00:00.000Z');
      expect(await ids({ until: feb, limit: ALL })).toEqual(['bob-1']);
      expect(await ids({ until: new Date(feb.getTime() + 1), limit: ALL })).toEqual(['eve-1', 'bob-1']);
      expect(await ids({ since: feb, limit: ALL })).toEqual(['orphan-1', 'eve-1']);
      expect(await ids({ since: feb, until: new Date('2024-03-01T10:00:00.000Z'), limit: ALL })).toEqual([
        'eve-1',
      ]);
      expect(await ids({ since: feb, until: feb, limit: ALL })).toEqual([]);
    });
  });

  describe('paging after a position', () => {
    const at = '2024-05-01T10:00:00.000Z';
    const events = [
      aDeletedEvent({ source: '/s', id: 'a', time: at }),
      aDeletedEvent({ source: '/s', id: 'b', time: at }),
      aDeletedEvent({ source: '/t', id: 'c', time: at }),
      anOrphanRemovedEvent({ source: '/s', id: 'old', workerId: 'w-2', time: '2024-04-01T10:00:00.000Z' }),
      aDeletedEvent({ source: '/s', id: 'new', workerId: 'w-2', time: '2024-06-01T10:00:00.000Z' }),
      aDeletedEvent({ source: '/s', id: 'oldest', time: '2024-01-01T10:00:00.000Z' }),
    ];
    const order = ['new', 'c', 'b', 'a', 'old', 'oldest'];

    beforeEach(async () => {
      for (const e of events) await repo.insertOnce(e, receivedAt);
    });

    it('continues the order exactly: every page size gives every event once, ties of one instant included', async () => {
      for (const limit of [1, 2, 3, 4, 6, 7]) {
        const pages = await allPages({}, limit);
        expect(pages.flat()).toEqual(order);
        expect(pages.every((p) => p.length <= limit)).toBe(true);
      }
    });

    it('combines with the filters', async () => {
      expect((await allPages({ workerId: 'w-2' }, 1)).flat()).toEqual(['new', 'old']);
      expect(
        (await allPages({ since: new Date(at), until: new Date('2024-06-01T10:00:00Z') }, 2)).flat(),
      ).toEqual(['c', 'b', 'a']);
    });

    it('neither repeats nor skips while events arrive: newer ones stay before the position, older ones come', async () => {
      const first = await repo.find({ limit: 3 });
      expect(first.map((e) => e.id)).toEqual(['new', 'c', 'b']);
      await repo.insertOnce(
        aDeletedEvent({ source: '/z', id: 'newest', time: '2024-07-01T10:00:00.000Z' }),
        receivedAt,
      );
      await repo.insertOnce(aDeletedEvent({ source: '/z', id: 'same-instant-higher', time: at }), receivedAt);
      await repo.insertOnce(aDeletedEvent({ source: '/a', id: 'same-instant-lower', time: at }), receivedAt);
      await repo.insertOnce(
        aDeletedEvent({ source: '/s', id: 'late', time: '2024-03-01T10:00:00.000Z' }),
        receivedAt,
      );
      const rest = (await allPages({ after: positionOf(first[2]) }, 2)).flat();
      expect(rest).toEqual(['a', 'same-instant-lower', 'old', 'late', 'oldest']);
    });

    it('after the last event, or a position older than all, there is nothing', async () => {
      const last = (await repo.find({ limit: ALL })).at(-1)!;
      expect(await repo.find({ after: positionOf(last), limit: ALL })).toEqual([]);
      expect(
        await repo.find({ after: { time: new Date('2000-01-01T00:00:00Z'), key: '\uffff' }, limit: ALL }),
      ).toEqual([]);
    });

    it('a position that is no stored event still pages from where it would stand', async () => {
      expect(await ids({ after: { time: new Date(at), key: '/s|az' }, limit: ALL })).toEqual([
        'a',
        'old',
        'oldest',
      ]);
    });
  });

  describe('stream', () => {
    it('yields every matching event in the order of find, field for field, without a limit', async () => {
      const many = Array.from({ length: 30 }, (_, i) =>
        aDeletedEvent({
          id: `e-${String(i).padStart(2, '0')}`,
          time: new Date(Date.UTC(2024, 0, 1 + (i % 7))).toISOString(),
        }),
      );
      for (const e of many) await repo.insertOnce(e, receivedAt);
      await repo.insertOnce(anOrphanRemovedEvent({ id: 'o' }), receivedAt);
      const all = await repo.find({ limit: ALL });
      const read = [];
      for await (const e of repo.stream({})) read.push(e);
      expect(read).toEqual(all);
      expect(read).toHaveLength(31);
      expect(await streamed({ type: ORPHAN_REMOVED_TYPE })).toEqual(['o']);
      expect(await streamed({ owner: 'alice', until: new Date(Date.UTC(2024, 0, 2)) })).toEqual(
        all.filter((e) => e.time < '2024-01-02' && e.type !== ORPHAN_REMOVED_TYPE).map((e) => e.id),
      );
      expect(await streamed({ workerId: 'nobody' })).toEqual([]);
    });

    it('can be left early and read again', async () => {
      for (const id of ['a', 'b', 'c']) await repo.insertOnce(aDeletedEvent({ id }), receivedAt);
      for await (const e of repo.stream({})) {
        expect(e.id).toBe('c');
        break;
      }
      expect(await streamed({})).toEqual(['c', 'b', 'a']);
    });
  });
}
