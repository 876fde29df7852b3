import { Logger } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { ManualClock } from '@app/workers/testing/manual-clock';
import { LabEventDeliverer } from '../../outbox/lab-event-deliverer';
import { InMemoryLabEventOutbox } from '../../../testing/in-memory-lab-event-outbox';
import { InMemoryLabRecordRepository } from '../../../testing/in-memory-lab-record.repository';
import { RecordingCloudEventSender } from '../../../testing/recording-cloud-event-sender';
import { storeRemovedLab } from '../../../testing/removed-lab.fixture';
import { plainLabSnapshot } from '../../../testing/plain-lab-snapshot.fixture';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { DeliverLabEventCommand } from './deliver-lab-event.command';
import {
  DeliverLabEventHandler,
  FAST_PATH_CONCURRENCY,
  FAST_PATH_MAX_QUEUED,
} from './deliver-lab-event.handler';

const W = '11111111-1111-4111-8111-111111111111';
const SINKS = ['http://sink-a.test/', 'http://sink-b.test/'];
const RETRY_BASE_MS = 1000;

function configFor(sinks: string[]): AppConfig {
  return {
    cloudEventsSinks: sinks,
    cloudEventsSource: '/cml-labs',
    cloudEventsTypePrefix: 'io.cml-labs',
    outbox: { maxAttempts: 3, retryBaseMs: RETRY_BASE_MS, relayIntervalMs: 60_000, sendTimeoutMs: 1000 },
  } as AppConfig;
}

describe('DeliverLabEventHandler', () => {
  let clock: ManualClock;
  let labs: InMemoryLabRecordRepository;
  let outbox: InMemoryLabEventOutbox;
  let sender: RecordingCloudEventSender;
  let handler: DeliverLabEventHandler;

  function build(sinks = SINKS): void {
    clock = new ManualClock('2026-03-01T00:00:00Z');
    labs = new InMemoryLabRecordRepository(sinks);
    outbox = new InMemoryLabEventOutbox(labs);
    sender = new RecordingCloudEventSender();
    handler = new DeliverLabEventHandler(
      outbox,
      new LabEventDeliverer(outbox, sender, configFor(sinks), clock),
    );
  }

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => build());

  const deliver = (recordId: string) => handler.execute(new DeliverLabEventCommand(recordId));
  const statuses = async (recordId: string) =>
    (await outbox.findByRecordId(recordId))!.deliveries.map((d) => [d.status, d.attempts]);

  it('sends the stored event to every sink as its CloudEvent and settles the entry', async () => {
    const record = await storeRemovedLab(labs, W, 1, clock.now());
    await deliver(record.id);

    const event = record.removal!.event;
    expect(sender.sent.map((s) => s.sink)).toEqual(SINKS);
    expect(sender.sent[0].event).toMatchObject({
      id: event.eventId,
      type: 'io.cml-labs.lab.deleted.v1',
      source: `/cml-labs/workers/${W}`,
      subject: `labs/${record.labId}`,
      data: { deletedBy: 'alice', labTitle: 'Lab 1' },
    });
    expect(await statuses(record.id)).toEqual([
      ['delivered', 1],
      ['delivered', 1],
    ]);
    expect(await outbox.count('pending')).toBe(0);
    expect(await outbox.findDue(clock.advance(24 * 3600_000), 10)).toEqual([]);
  });

  it('sends nothing twice: a delivered event is not sent again', async () => {
    const record = await storeRemovedLab(labs, W, 1, clock.now());
    await deliver(record.id);
    await deliver(record.id);
    expect(sender.sent).toHaveLength(2);
  });

  it('sends each sink once when two fast paths race for one event', async () => {
    const record = await storeRemovedLab(labs, W, 1, clock.now());
    await Promise.all([deliver(record.id), deliver(record.id)]);
    expect(sender.sent.map((s) => s.sink).sort()).toEqual([...SINKS].sort());
  });

  it('records a failed sink for a retry later without holding back the other sink, and does not throw', async () => {
    const record = await storeRemovedLab(labs, W, 1, clock.now());
    sender.fail(SINKS[1]);

    await expect(deliver(record.id)).resolves.toBeUndefined();

    const [a, b] = (await outbox.findByRecordId(record.id))!.deliveries;
    expect(a).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
    expect(b).toMatchObject({ status: 'pending', attempts: 1, lastError: 'sink answered HTTP 500' });
    // Equal jitter: no sooner than half the first delay, no later than all of it.
    const retryIn = b.nextAttemptAt.getTime() - clock.now().getTime();
    expect(retryIn).toBeGreaterThanOrEqual(RETRY_BASE_MS / 2);
    expect(retryIn).toBeLessThanOrEqual(RETRY_BASE_MS);
    expect(await outbox.findDue(clock.now(), 10)).toEqual([]);
    expect((await outbox.findDue(b.nextAttemptAt, 10)).map((e) => e.recordId)).toEqual([record.id]);
  });

  it('does not send a retry before it is due', async () => {
    const record = await storeRemovedLab(labs, W, 1, clock.now());
    sender.fail(SINKS[1]);
    await deliver(record.id);
    sender.recover(SINKS[1]);
    await deliver(record.id);
    expect(sender.sent.map((s) => s.sink)).toEqual([SINKS[0]]);
  });

  it('keeps a delivery as dead after the last attempt, countable and listed', async () => {
    const record = await storeRemovedLab(labs, W, 1, clock.now());
    sender.fail(SINKS[0], 503);
    for (let attempt = 0; attempt < 3; attempt++) {
      await deliver(record.id);
      clock.advance(60_000);
    }
    expect(await statuses(record.id)).toEqual([
      ['dead', 3],
      ['delivered', 1],
    ]);
    expect(await outbox.count('dead')).toBe(1);
    expect(await outbox.count('pending')).toBe(0);
    const [dead] = await outbox.list('dead', 10);
    expect(dead.deliveries).toEqual([
      expect.objectContaining({ sink: SINKS[0], lastError: 'sink answered HTTP 503' }),
    ]);
  });

  it('does nothing for an unknown record or a record that was not removed', async () => {
    const live = LabRecord.discovered(W, plainLabSnapshot(2), clock.now());
    await labs.saveChanges([live], []);
    await expect(deliver(`${W}:no-such-lab`)).resolves.toBeUndefined();
    await expect(deliver(live.id)).resolves.toBeUndefined();
    expect(sender.sent).toEqual([]);
  });

  it('with no sink configured, reads the entry once and writes nothing (no lock, no resettle)', async () => {
    build([]);
    const record = await storeRemovedLab(labs, W, 3, clock.now());
    const claim = jest.spyOn(outbox, 'claim');
    const resettle = jest.spyOn(outbox, 'resettle');
    await deliver(record.id);
    expect(claim).not.toHaveBeenCalled();
    expect(resettle).not.toHaveBeenCalled();
    expect(sender.sent).toEqual([]);
  });

  it('swallows a failing outbox read: the relay retries what is left', async () => {
    const record = await storeRemovedLab(labs, W, 1, clock.now());
    jest.spyOn(outbox, 'findEntriesOf').mockRejectedValueOnce(new Error('database down'));
    await expect(deliver(record.id)).resolves.toBeUndefined();
    expect(sender.sent).toEqual([]);
    expect(await statuses(record.id)).toEqual([
      ['pending', 0],
      ['pending', 0],
    ]);
  });

  it(`sends at most ${FAST_PATH_CONCURRENCY} at once, queues ${FAST_PATH_MAX_QUEUED}, and leaves the rest to the relay`, async () => {
    build([SINKS[0]]);
    const total = FAST_PATH_CONCURRENCY + FAST_PATH_MAX_QUEUED + 1;
    const records: LabRecord[] = [];
    for (let i = 0; i < total; i++) records.push(await storeRemovedLab(labs, W, i, clock.now()));
    sender.hold();

    const running = records.slice(0, FAST_PATH_CONCURRENCY).map((r) => deliver(r.id));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sender.inFlight).toBe(FAST_PATH_CONCURRENCY);
    const queued = records
      .slice(FAST_PATH_CONCURRENCY, FAST_PATH_CONCURRENCY + FAST_PATH_MAX_QUEUED)
      .map((r) => deliver(r.id));
    const beyond = records[total - 1];
    // Returns while every send is still held: it did not wait for a turn.
    await expect(deliver(beyond.id)).resolves.toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sender.inFlight).toBe(FAST_PATH_CONCURRENCY);

    sender.release();
    await Promise.all([...running, ...queued]);
    expect(sender.sent).toHaveLength(FAST_PATH_CONCURRENCY + FAST_PATH_MAX_QUEUED);
    expect(sender.sent.some((s) => s.event.id === beyond.removal!.event.eventId)).toBe(false);
    expect((await outbox.findDue(clock.now(), 10)).map((e) => e.recordId)).toEqual([beyond.id]);
  });
});
