import { Logger } from '@nestjs/common';
import { AppConfig, NotFoundError } from '@app/common';
import { ManualClock } from '@app/workers/testing/manual-clock';
import { LabEventDeliverer } from '../../outbox/lab-event-deliverer';
import { OutboxDelivery } from '../../ports/lab-event-outbox';
import { InMemoryLabEventOutbox } from '../../../testing/in-memory-lab-event-outbox';
import { InMemoryLabRecordRepository } from '../../../testing/in-memory-lab-record.repository';
import { RecordingCloudEventSender } from '../../../testing/recording-cloud-event-sender';
import { RecordingCommandBus } from '../../../testing/recording-command-bus';
import { storeRemovedLab } from '../../../testing/removed-lab.fixture';
import { DeliverLabEventCommand } from '../deliver-lab-event/deliver-lab-event.command';
import { DeliverLabEventHandler } from '../deliver-lab-event/deliver-lab-event.handler';
import { RetryOutboxEventCommand } from './retry-outbox-event.command';
import { RetryOutboxEventHandler } from './retry-outbox-event.handler';

const W = '11111111-1111-4111-8111-111111111111';
const SINKS = ['http://sink-a.test/', 'http://sink-b.test/'];

describe('RetryOutboxEventHandler', () => {
  let clock: ManualClock;
  let labs: InMemoryLabRecordRepository;
  let outbox: InMemoryLabEventOutbox;
  let bus: RecordingCommandBus;
  let handler: RetryOutboxEventHandler;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    clock = new ManualClock('2026-03-01T00:00:00Z');
    labs = new InMemoryLabRecordRepository(SINKS);
    outbox = new InMemoryLabEventOutbox(labs);
    bus = new RecordingCommandBus();
    handler = new RetryOutboxEventHandler(outbox, bus, clock);
  });

  /** A tombstone whose first sink gave up after 5 attempts (replayed once before) and whose second got it. */
  async function deadForSinkA() {
    const removedAt = clock.now();
    const record = await storeRemovedLab(labs, W, 1, removedAt);
    const settled = (status: OutboxDelivery['status'], sink: string): OutboxDelivery => ({
      sink,
      status,
      attempts: 5,
      replays: 1,
      nextAttemptAt: removedAt,
      lastError: status === 'dead' ? 'sink answered HTTP 500' : null,
      deliveredAt: status === 'delivered' ? removedAt : null,
    });
    await outbox.recordAttempt(record.id, 0, settled('dead', SINKS[0]));
    await outbox.recordAttempt(record.id, 1, settled('delivered', SINKS[1]));
    clock.advance(3600_000);
    return record;
  }

  it('puts the dead deliveries back to attempt 0 of a new replay, due now, and leaves the delivered ones', async () => {
    const record = await deadForSinkA();
    const eventId = record.removal!.event.eventId;

    await handler.execute(new RetryOutboxEventCommand(eventId));

    const [a, b] = (await outbox.findByEventId(eventId))!.deliveries;
    expect(a).toMatchObject({ status: 'pending', attempts: 0, replays: 2, nextAttemptAt: clock.now() });
    expect(b).toMatchObject({ status: 'delivered', attempts: 5, replays: 1 });
    expect(await outbox.count('dead')).toBe(0);
    expect((await outbox.findDue(clock.now(), 10)).map((e) => e.recordId)).toEqual([record.id]);
  });

  it('asks the fast path to send the replayed event at once', async () => {
    const record = await deadForSinkA();
    await handler.execute(new RetryOutboxEventCommand(record.removal!.event.eventId));
    expect(bus.executedOf(DeliverLabEventCommand)).toEqual([new DeliverLabEventCommand(record.id)]);
  });

  it('gets the replay delivered when the fast path runs', async () => {
    const sender = new RecordingCloudEventSender();
    const config = {
      cloudEventsSource: '/cml-labs',
      cloudEventsTypePrefix: 'io.cml-labs',
      outbox: { maxAttempts: 3, retryBaseMs: 1000, relayIntervalMs: 60_000, sendTimeoutMs: 1000 },
    } as AppConfig;
    const fastPath = new DeliverLabEventHandler(outbox, new LabEventDeliverer(outbox, sender, config, clock));
    const sends: Promise<void>[] = [];
    bus.answer(DeliverLabEventCommand, (command) => {
      const sent = fastPath.execute(command);
      sends.push(sent);
      return sent;
    });
    const record = await deadForSinkA();

    await handler.execute(new RetryOutboxEventCommand(record.removal!.event.eventId));
    await Promise.all(sends);

    expect(sender.sent.map((s) => s.sink)).toEqual([SINKS[0]]);
    expect((await outbox.findByRecordId(record.id))!.deliveries.map((d) => d.status)).toEqual([
      'delivered',
      'delivered',
    ]);
  });

  it('is a 404 for an event the outbox does not have, and asks for no delivery', async () => {
    await deadForSinkA();
    const error = await handler
      .execute(new RetryOutboxEventCommand('8d7f1c1e-0000-4000-8000-000000000000'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('8d7f1c1e-0000-4000-8000-000000000000');
    expect(bus.executed).toEqual([]);
    expect(await outbox.count('dead')).toBe(1);
  });

  it('changes nothing of an event with no dead delivery', async () => {
    const record = await storeRemovedLab(labs, W, 2, clock.now());
    const before = await outbox.findByRecordId(record.id);
    clock.advance(60_000);
    await handler.execute(new RetryOutboxEventCommand(record.removal!.event.eventId));
    expect(await outbox.findByRecordId(record.id)).toEqual(before);
  });
});
