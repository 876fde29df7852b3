import { ManualClock } from '@app/workers/testing/manual-clock';
import { InMemoryLabEventOutbox } from '../../../testing/in-memory-lab-event-outbox';
import { InMemoryLabRecordRepository } from '../../../testing/in-memory-lab-record.repository';
import { storeRemovedLab } from '../../../testing/removed-lab.fixture';
import { ListOutboxHandler } from './list-outbox.handler';
import { ListOutboxQuery } from './list-outbox.query';

const W = '11111111-1111-4111-8111-111111111111';
const SINKS = ['http://sink-a.test/', 'http://sink-b.test/'];

describe('ListOutboxHandler', () => {
  const clock = new ManualClock('2026-03-01T00:00:00Z');
  let labs: InMemoryLabRecordRepository;
  let outbox: InMemoryLabEventOutbox;
  let handler: ListOutboxHandler;

  beforeEach(() => {
    labs = new InMemoryLabRecordRepository(SINKS);
    outbox = new InMemoryLabEventOutbox(labs);
    handler = new ListOutboxHandler(outbox);
  });

  const list = (status: 'pending' | 'dead') => handler.execute(new ListOutboxQuery(status));

  it('lists one item per undelivered event and sink, with its attempts and next retry', async () => {
    const at = clock.now();
    const record = await storeRemovedLab(labs, W, 1, at);
    const retryAt = new Date(at.getTime() + 30_000);
    await outbox.recordAttempt(record.id, 1, {
      sink: SINKS[1],
      status: 'pending',
      attempts: 2,
      replays: 0,
      nextAttemptAt: retryAt,
      lastError: 'sink answered HTTP 502',
      deliveredAt: null,
    });
    const eventId = record.removal!.event.eventId;

    await expect(list('pending')).resolves.toEqual({
      items: [
        {
          eventId,
          type: 'lab.deleted',
          workerId: W,
          labId: record.labId,
          sink: SINKS[0],
          status: 'pending',
          attempts: 0,
          nextAttemptAt: at.toISOString(),
          lastError: null,
        },
        {
          eventId,
          type: 'lab.deleted',
          workerId: W,
          labId: record.labId,
          sink: SINKS[1],
          status: 'pending',
          attempts: 2,
          nextAttemptAt: retryAt.toISOString(),
          lastError: 'sink answered HTTP 502',
        },
      ],
    });
  });

  it('lists the dead letters apart, without the delivered or pending deliveries of the same event', async () => {
    const at = clock.now();
    const mixed = await storeRemovedLab(labs, W, 1, at);
    const other = await storeRemovedLab(labs, W, 2, at);
    await outbox.recordAttempt(mixed.id, 0, {
      sink: SINKS[0],
      status: 'dead',
      attempts: 5,
      replays: 0,
      nextAttemptAt: at,
      lastError: 'sink unreachable: ECONNREFUSED',
      deliveredAt: null,
    });

    const { items } = await list('dead');
    expect(items).toEqual([
      expect.objectContaining({
        eventId: mixed.removal!.event.eventId,
        sink: SINKS[0],
        status: 'dead',
        attempts: 5,
        lastError: 'sink unreachable: ECONNREFUSED',
      }),
    ]);
    // The pending half of the mixed entry, and the other entry's two deliveries.
    expect((await list('pending')).items.map((i) => [i.labId, i.sink])).toEqual([
      [mixed.labId, SINKS[1]],
      [other.labId, SINKS[0]],
      [other.labId, SINKS[1]],
    ]);
  });

  it('lists nothing once every delivery is delivered', async () => {
    const at = clock.now();
    const record = await storeRemovedLab(labs, W, 1, at);
    for (const [index, sink] of SINKS.entries()) {
      await outbox.recordAttempt(record.id, index, {
        sink,
        status: 'delivered',
        attempts: 1,
        replays: 0,
        nextAttemptAt: at,
        lastError: null,
        deliveredAt: at,
      });
    }
    await expect(list('pending')).resolves.toEqual({ items: [] });
    await expect(list('dead')).resolves.toEqual({ items: [] });
  });
});
