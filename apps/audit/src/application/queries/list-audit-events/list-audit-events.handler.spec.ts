import { InMemoryAuditEventRepository } from '../../../testing/in-memory-audit-event.repository';
import {
  aDeletedEvent,
  anOrphanRemovedEvent,
  ORPHAN_REMOVED_TYPE,
} from '../../../testing/lab-audit-event.fixture';
import { InvalidInputError } from '@app/common';
import { ListAuditEventsHandler } from './list-audit-events.handler';
import { ListAuditEventsFilter, ListAuditEventsQuery } from './list-audit-events.query';

const receivedAt = new Date('2024-06-01T08:00:00.000Z');

describe('ListAuditEventsHandler', () => {
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

  let events: InMemoryAuditEventRepository;
  let handler: ListAuditEventsHandler;

  beforeEach(async () => {
    events = new InMemoryAuditEventRepository();
    handler = new ListAuditEventsHandler(events);
    for (const e of [feb, jan, apr, mar]) await events.insertOnce(e, receivedAt);
  });

  const list = (filter: ListAuditEventsFilter) => handler.execute(new ListAuditEventsQuery(filter));
  const ids = async (filter: ListAuditEventsFilter) => (await list(filter)).items.map((i) => i.id);

  it('lists the stored events newest first, each with every field of the view', async () => {
    const { items } = await list({ workerId: 'w', labId: 'lab-a', limit: 100 });
    expect(items).toEqual([
      {
        source: '/cml-labs/workers/w',
        id: 'feb',
        type: ORPHAN_REMOVED_TYPE,
        subject: 'labs/lab-a',
        time: '2024-02-01T10:00:00.000Z',
        workerId: 'w',
        labId: 'lab-a',
        data: feb.data,
        receivedAt: '2024-06-01T08:00:00.000Z',
      },
      {
        source: '/cml-labs/workers/w',
        id: 'jan',
        type: jan.type,
        subject: 'labs/lab-a',
        time: '2024-01-01T10:00:00.000Z',
        workerId: 'w',
        labId: 'lab-a',
        data: jan.data,
        receivedAt: '2024-06-01T08:00:00.000Z',
      },
    ]);
  });

  it('shows a missing subject as null', async () => {
    await events.insertOnce(
      { ...aDeletedEvent({ id: 'no-subject', workerId: 'w-s' }), subject: null },
      receivedAt,
    );
    expect((await list({ workerId: 'w-s', limit: 100 })).items).toEqual([
      expect.objectContaining({ id: 'no-subject', subject: null }),
    ]);
  });

  it.each<[string, ListAuditEventsFilter, string[]]>([
    ['nothing but the limit', { limit: 100 }, ['apr', 'mar', 'feb', 'jan']],
    ['workerId', { workerId: 'w', limit: 100 }, ['mar', 'feb', 'jan']],
    ['labId', { labId: 'lab-a', limit: 100 }, ['apr', 'feb', 'jan']],
    ['the exact type', { type: ORPHAN_REMOVED_TYPE, limit: 100 }, ['feb']],
    ['a type suffix (matches nothing)', { type: 'lab.orphan_removed', limit: 100 }, []],
    ['since, inclusive', { since: new Date('2024-02-01T10:00:00Z'), limit: 100 }, ['apr', 'mar', 'feb']],
    ['limit, the newest', { limit: 2 }, ['apr', 'mar']],
    ['until, exclusive', { until: new Date('2024-03-01T10:00:00Z'), limit: 100 }, ['feb', 'jan']],
    ['owner', { owner: 'carol', limit: 100 }, ['feb']],
    ['deletedBy', { deletedBy: 'bob', limit: 100 }, ['apr', 'mar', 'jan']],
    ['deletedBy someone else', { deletedBy: 'carol', limit: 100 }, []],
    [
      'all of them',
      { workerId: 'w', labId: 'lab-a', type: jan.type, since: new Date('2024-01-01T10:00:00Z'), limit: 1 },
      ['jan'],
    ],
  ])('filters by %s', async (_what, filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
  });

  it('lists nothing when nothing matches, or nothing is stored', async () => {
    await expect(list({ workerId: 'nobody', limit: 100 })).resolves.toEqual({ items: [], nextCursor: null });
    handler = new ListAuditEventsHandler(new InMemoryAuditEventRepository());
    await expect(list({ limit: 100 })).resolves.toEqual({ items: [], nextCursor: null });
  });

  it('lists a redelivered event once, as first received', async () => {
    await events.insertOnce(
      aDeletedEvent({ id: 'mar', workerId: 'w', labId: 'lab-b' }, { deletedBy: 'x' }),
      new Date(),
    );
    expect((await list({ labId: 'lab-b', limit: 100 })).items).toEqual([
      expect.objectContaining({ id: 'mar', data: mar.data, receivedAt: receivedAt.toISOString() }),
    ]);
  });

  describe('paging', () => {
    /** Every page through the trail, following nextCursor until it is null. */
    const pages = async (filter: ListAuditEventsFilter) => {
      const all: string[][] = [];
      let cursor: string | undefined;
      for (let n = 0; n < 20; n++) {
        const page = await list({ ...filter, cursor });
        all.push(page.items.map((i) => i.id));
        if (page.nextCursor === null) return all;
        cursor = page.nextCursor;
      }
      throw new Error('nextCursor never became null');
    };

    it('follows nextCursor through every event once, and the last page says it is the last', async () => {
      expect(await pages({ limit: 3 })).toEqual([['apr', 'mar', 'feb'], ['jan']]);
      expect(await pages({ limit: 1 })).toEqual([['apr'], ['mar'], ['feb'], ['jan']]);
    });

    it('gives no cursor when the page ends exactly at the last event', async () => {
      expect(await pages({ limit: 2 })).toEqual([
        ['apr', 'mar'],
        ['feb', 'jan'],
      ]);
      expect((await list({ limit: 4 })).nextCursor).toBeNull();
      expect((await list({ limit: 3 })).nextCursor).toEqual(expect.any(String));
    });

    it('keeps the filters across pages', async () => {
      expect(await pages({ workerId: 'w', limit: 2 })).toEqual([['mar', 'feb'], ['jan']]);
    });

    it('continues after the cursor while events arrive: newer ones do not shift the next page', async () => {
      const first = await list({ limit: 2 });
      await events.insertOnce(aDeletedEvent({ id: 'may', time: '2024-05-01T10:00:00.000Z' }), receivedAt);
      expect(await ids({ cursor: first.nextCursor!, limit: 2 })).toEqual(['feb', 'jan']);
    });

    it.each([
      ['not base64url', 'not a cursor!'],
      ['base64url of something else', Buffer.from('{"x":1}').toString('base64url')],
      ['our envelope without a position', Buffer.from('{"k":"lab-1"}').toString('base64url')],
      [
        'a time that is no instant',
        Buffer.from('{"k":"2024-13-01T00:00:00.000Z|/s|a"}').toString('base64url'),
      ],
      ['no key after the time', Buffer.from('{"k":"2024-01-01T00:00:00.000Z|"}').toString('base64url')],
    ])('refuses a cursor that is %s as invalid input (400)', async (_what, cursor) => {
      const refused = list({ cursor, limit: 10 });
      await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
      await expect(refused).rejects.toMatchObject({
        errors: [{ field: 'cursor', message: 'invalid cursor' }],
      });
    });
  });
});
