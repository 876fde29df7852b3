import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '@app/common';
import { ManualClock } from '@app/workers/testing/manual-clock';
import { LabEventDeliverer } from '../outbox/lab-event-deliverer';
import { OutboxDelivery } from '../ports/lab-event-outbox';
import { InMemoryLabEventOutbox } from '../../testing/in-memory-lab-event-outbox';
import { InMemoryLabRecordRepository } from '../../testing/in-memory-lab-record.repository';
import { RecordingCloudEventSender } from '../../testing/recording-cloud-event-sender';
import { storeRemovedLab } from '../../testing/removed-lab.fixture';
import { OutboxRelayJob } from './outbox-relay.job';

const W = '11111111-1111-4111-8111-111111111111';
const SINKS = ['http://sink-a.test/', 'http://sink-b.test/'];
const HOUR = 3600_000;

const config = {
  cloudEventsSinks: SINKS,
  cloudEventsSource: '/cml-labs',
  cloudEventsTypePrefix: 'io.cml-labs',
  tombstoneRetentionSeconds: 3600,
  outbox: { maxAttempts: 3, retryBaseMs: 1000, relayIntervalMs: HOUR, sendTimeoutMs: 1000 },
} as AppConfig;

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('OutboxRelayJob', () => {
  let clock: ManualClock;
  let labs: InMemoryLabRecordRepository;
  let outbox: InMemoryLabEventOutbox;
  let sender: RecordingCloudEventSender;
  let registry: SchedulerRegistry;
  let deliverer: LabEventDeliverer;
  let job: OutboxRelayJob;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    clock = new ManualClock('2026-03-01T12:00:00Z');
    labs = new InMemoryLabRecordRepository(SINKS);
    outbox = new InMemoryLabEventOutbox(labs);
    sender = new RecordingCloudEventSender();
    registry = new SchedulerRegistry();
    deliverer = new LabEventDeliverer(outbox, sender, config, clock);
    job = new OutboxRelayJob(registry, outbox, deliverer, config, clock);
  });
  afterEach(() => {
    if (registry.doesExist('interval', 'outbox-relay')) registry.deleteInterval('outbox-relay');
  });

  async function settle(recordId: string, status: OutboxDelivery['status'] = 'delivered'): Promise<void> {
    const entry = (await outbox.findByRecordId(recordId))!;
    for (const [index, d] of entry.deliveries.entries()) {
      await outbox.recordAttempt(recordId, index, { ...d, status, attempts: 1, deliveredAt: clock.now() });
    }
  }

  const statusesOf = async (recordId: string) =>
    (await outbox.findByRecordId(recordId))?.deliveries.map((d) => d.status);

  it('sends a restored record’s events one after the other, oldest first: the removal, then the restore', async () => {
    const removed = await storeRemovedLab(labs, W, 1, clock.now());
    const stored = (await labs.findOne(W, removed.labId))!;
    const expected = { version: stored.version, removalEventId: stored.removal!.event.eventId };
    const event = stored.markRestored({ restoredBy: 'reconciliation', now: clock.now() });
    expect(await labs.saveRestoration(stored, event, expected)).toBe(true);

    sender.hold();
    const tick = job.tick();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Only the removal is on its way (to both sinks); the restore waits for it.
    expect(sender.inFlight).toBe(SINKS.length);
    sender.release();
    await tick;

    const sent = sender.sent.map((s) => [s.sink, s.event.type]);
    for (const sink of SINKS)
      expect(sent.filter(([s]) => s === sink).map(([, type]) => type)).toEqual([
        'io.cml-labs.lab.deleted.v1',
        'io.cml-labs.lab.restored.v1',
      ]);
    expect(await outbox.count('pending')).toBe(0);
  });

  it('sends what is due and leaves what waits for a later retry', async () => {
    const due = await storeRemovedLab(labs, W, 1, clock.now());
    const waiting = await storeRemovedLab(labs, W, 2, clock.now());
    for (const index of [0, 1]) {
      await outbox.recordAttempt(waiting.id, index, {
        sink: SINKS[index],
        status: 'pending',
        attempts: 1,
        replays: 0,
        nextAttemptAt: new Date(clock.now().getTime() + 60_000),
        lastError: 'sink answered HTTP 500',
        deliveredAt: null,
      });
    }

    await job.tick();

    expect(await statusesOf(due.id)).toEqual(['delivered', 'delivered']);
    expect(await statusesOf(waiting.id)).toEqual(['pending', 'pending']);
    expect(sender.sent.map((s) => s.event.id)).toEqual([
      due.removal!.event.eventId,
      due.removal!.event.eventId,
    ]);

    clock.advance(60_000);
    await job.tick();
    expect(await statusesOf(waiting.id)).toEqual(['delivered', 'delivered']);
  });

  it('purges the settled tombstones past the retention, and nothing else, once a purge interval has passed', async () => {
    const old = new Date(clock.now().getTime() - 2 * HOUR);
    const settledOld = await storeRemovedLab(labs, W, 1, old);
    await settle(settledOld.id);
    const settledRecent = await storeRemovedLab(labs, W, 2, new Date(clock.now().getTime() - HOUR / 2));
    await settle(settledRecent.id);
    const deadOld = await storeRemovedLab(labs, W, 3, old);
    await settle(deadOld.id, 'dead');
    sender.fail(SINKS[0]);
    sender.fail(SINKS[1]);
    const pendingOld = await storeRemovedLab(labs, W, 4, old);

    for (let sweep = 1; sweep < 360; sweep++) await job.tick();
    // Not at start-up: a restart does not pay for a purge.
    expect(await labs.findOne(W, settledOld.labId)).not.toBeNull();
    await job.tick();

    expect(await labs.findOne(W, settledOld.labId)).toBeNull();
    expect(await labs.findOne(W, settledRecent.labId)).not.toBeNull();
    expect(await labs.findOne(W, deadOld.labId)).not.toBeNull();
    expect(await labs.findOne(W, pendingOld.labId)).not.toBeNull();
  });

  it('purges once every 360 sweeps, not on every one', async () => {
    for (let sweep = 1; sweep <= 360; sweep++) await job.tick();
    const old = new Date(clock.now().getTime() - 2 * HOUR);
    const settled = await storeRemovedLab(labs, W, 1, old);
    await settle(settled.id);

    for (let sweep = 1; sweep < 360; sweep++) await job.tick();
    expect(await labs.findOne(W, settled.labId)).not.toBeNull();
    await job.tick();
    expect(await labs.findOne(W, settled.labId)).toBeNull();
  });

  it('skips a tick while the previous sweep still runs', async () => {
    const first = await storeRemovedLab(labs, W, 1, clock.now());
    sender.hold();
    const sweeping = job.tick();
    await nextTurn();
    // Due only after the first sweep read the outbox: only an overlapping sweep would send it now.
    const later = await storeRemovedLab(labs, W, 2, clock.now());
    let skipped = false;
    const overlapping = job.tick().then(() => (skipped = true));
    await nextTurn();
    expect(skipped).toBe(true);

    sender.release();
    await Promise.all([sweeping, overlapping]);
    expect(await statusesOf(first.id)).toEqual(['delivered', 'delivered']);
    expect(await statusesOf(later.id)).toEqual(['pending', 'pending']);
  });

  it('survives a failed sweep: the tick resolves and the next one delivers', async () => {
    const record = await storeRemovedLab(labs, W, 1, clock.now());
    jest.spyOn(outbox, 'findDue').mockRejectedValueOnce(new Error('database down'));
    await expect(job.tick()).resolves.toBeUndefined();
    expect(await statusesOf(record.id)).toEqual(['pending', 'pending']);
    await job.tick();
    expect(await statusesOf(record.id)).toEqual(['delivered', 'delivered']);
  });

  it('on shutdown stops its interval, then waits for the running sweep and its deliveries', async () => {
    job.onApplicationBootstrap();
    expect(registry.doesExist('interval', 'outbox-relay')).toBe(true);
    const record = await storeRemovedLab(labs, W, 1, clock.now());
    sender.hold();
    const sweeping = job.tick();
    await nextTurn();

    let stopped = false;
    const shutdown = job.beforeApplicationShutdown().then(() => (stopped = true));
    await nextTurn();
    expect(registry.doesExist('interval', 'outbox-relay')).toBe(false);
    expect(stopped).toBe(false);

    sender.release();
    await shutdown;
    expect(await statusesOf(record.id)).toEqual(['delivered', 'delivered']);
    await sweeping;
  });

  it('on shutdown also waits for fast-path deliveries in flight outside any sweep', async () => {
    const record = await storeRemovedLab(labs, W, 1, clock.now());
    sender.hold();
    const fastPath = deliverer.deliver((await outbox.findByRecordId(record.id))!);
    await nextTurn();

    let stopped = false;
    const shutdown = job.beforeApplicationShutdown().then(() => (stopped = true));
    await nextTurn();
    expect(stopped).toBe(false);

    sender.release();
    await shutdown;
    expect(await statusesOf(record.id)).toEqual(['delivered', 'delivered']);
    await fastPath;
  });
});
