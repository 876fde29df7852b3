import { InMemoryAuditEventRepository } from '../../../testing/in-memory-audit-event.repository';
import {
  aDeletedEvent,
  anOrphanRemovedEvent,
  ORPHAN_REMOVED_TYPE,
} from '../../../testing/lab-audit-event.fixture';
import { AuditEventFilter } from '../../ports/audit-event.repository';
import { ListAuditEventsHandler } from './list-audit-events.handler';
import { ListAuditEventsQuery } from './list-audit-events.query';

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

  const list = (filter: AuditEventFilter) => handler.execute(new ListAuditEventsQuery(filter));
  const ids = async (filter: AuditEventFilter) => (await list(filter)).items.map((i) => i.id);

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

  it.each<[string, AuditEventFilter, string[]]>([
    ['nothing but the limit', { limit: 100 }, ['apr', 'mar', 'feb', 'jan']],
    ['workerId', { workerId: 'w', limit: 100 }, ['mar', 'feb', 'jan']],
    ['labId', { labId: 'lab-a', limit: 100 }, ['apr', 'feb', 'jan']],
    ['the exact type', { type: ORPHAN_REMOVED_TYPE, limit: 100 }, ['feb']],
    ['a type suffix (matches nothing)', { type: 'lab.orphan_removed', limit: 100 }, []],
    ['since, inclusive', { since: new Date('2024-02-01T10:00:00Z'), limit: 100 }, ['apr', 'mar', 'feb']],
    ['limit, the newest', { limit: 2 }, ['apr', 'mar']],
    [
      'all of them',
      { workerId: 'w', labId: 'lab-a', type: jan.type, since: new Date('2024-01-01T10:00:00Z'), limit: 1 },
      ['jan'],
    ],
  ])('filters by %s', async (_what, filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
  });

  it('lists nothing when nothing matches, or nothing is stored', async () => {
    await expect(list({ workerId: 'nobody', limit: 100 })).resolves.toEqual({ items: [] });
    handler = new ListAuditEventsHandler(new InMemoryAuditEventRepository());
    await expect(list({ limit: 100 })).resolves.toEqual({ items: [] });
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
});
