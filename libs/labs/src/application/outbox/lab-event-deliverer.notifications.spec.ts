import { Logger } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { INTERNAL_NOTIFICATIONS_SINK } from '@app/notifications';
import { RecordingNotificationIntake } from '@app/notifications/testing/recording-notification-intake';
import { ManualClock } from '@app/workers/testing/manual-clock';
import { InMemoryLabEventOutbox } from '../../testing/in-memory-lab-event-outbox';
import { InMemoryLabRecordRepository } from '../../testing/in-memory-lab-record.repository';
import { RecordingCloudEventSender } from '../../testing/recording-cloud-event-sender';
import { storeRemovedLab } from '../../testing/removed-lab.fixture';
import { LabRecord } from '../../domain/lab-record.aggregate';
import { plainLabSnapshot } from '../../testing/plain-lab-snapshot.fixture';
import { LabEventDeliverer } from './lab-event-deliverer';

const W = '11111111-1111-4111-8111-111111111111';
const SINK = 'https://sink.example/hooks/KEY';

describe('LabEventDeliverer and notifications', () => {
  let clock: ManualClock;
  let labs: InMemoryLabRecordRepository;
  let outbox: InMemoryLabEventOutbox;
  let sender: RecordingCloudEventSender;
  let intake: RecordingNotificationIntake;
  let deliverer: LabEventDeliverer;
  const config = {
    cloudEventsSinks: [SINK],
    cloudEventsSource: '/cml-labs',
    cloudEventsTypePrefix: 'io.cml-labs',
    outbox: { maxAttempts: 2, retryBaseMs: 1000, relayIntervalMs: 60_000, sendTimeoutMs: 1000 },
  } as AppConfig;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    clock = new ManualClock('2026-03-01T00:00:00Z');
    labs = new InMemoryLabRecordRepository([SINK, INTERNAL_NOTIFICATIONS_SINK]);
    outbox = new InMemoryLabEventOutbox(labs);
    sender = new RecordingCloudEventSender();
    intake = new RecordingNotificationIntake();
    deliverer = new LabEventDeliverer(outbox, sender, config, clock, intake);
  });

  const statuses = async (id: string) =>
    (await outbox.findByRecordId(id))!.deliveries.map((d) => [d.sink, d.status, d.attempts]);

  it('the internal delivery hands the removal and its owner to the intake, and is never sent as a CloudEvent', async () => {
    const record = await storeRemovedLab(labs, W, 1, clock.now());
    await deliverer.deliver((await outbox.findByRecordId(record.id))!);
    expect(sender.sent.map((s) => s.sink)).toEqual([SINK]);
    expect(intake.removals).toEqual([
      expect.objectContaining({
        eventId: record.removal!.event.eventId,
        type: 'lab.deleted',
        deletedBy: 'alice',
        ownerId: 'u',
        ownerUsername: 'alice',
        labTitle: 'Lab 1',
      }),
    ]);
    expect(await statuses(record.id)).toEqual([
      [SINK, 'delivered', 1],
      [INTERNAL_NOTIFICATIONS_SINK, 'delivered', 1],
    ]);
  });

  it("the deleter's username goes to the intake, never into the CloudEvent's data (the contract's fields only)", async () => {
    const record = LabRecord.discovered(W, plainLabSnapshot(9), clock.now());
    record.markDeleted({
      deletedBy: 'sub-123',
      deletedByUsername: 'alice',
      alreadyAbsentInCml: false,
      now: clock.now(),
    });
    await labs.saveDeletion(record, true);
    await deliverer.deliver((await outbox.findByRecordId(record.id))!);
    expect(Object.keys(sender.sent[0].event.data).sort()).toEqual(
      ['alreadyAbsentInCml', 'deletedBy', 'labId', 'labTitle', 'occurredAt', 'owner', 'workerId'].sort(),
    );
    expect(intake.removals[0]).toMatchObject({ deletedBy: 'sub-123', deletedByUsername: 'alice' });
  });

  it('a failing enqueue is retried like a sink, and goes dead without a dead-letter notification of its own', async () => {
    const record = await storeRemovedLab(labs, W, 2, clock.now());
    intake.failWith = 'database unavailable';
    await deliverer.deliver((await outbox.findByRecordId(record.id))!);
    expect(await statuses(record.id)).toEqual([
      [SINK, 'delivered', 1],
      [INTERNAL_NOTIFICATIONS_SINK, 'pending', 1],
    ]);
    clock.advance(60_000);
    await deliverer.deliver((await outbox.findByRecordId(record.id))!);
    expect((await statuses(record.id))[1]).toEqual([INTERNAL_NOTIFICATIONS_SINK, 'dead', 2]);
    expect(intake.deadDeliveries).toEqual([]);
  });

  it('a CloudEvent delivery that goes dead is handed over as a dead letter', async () => {
    const record = await storeRemovedLab(labs, W, 3, clock.now());
    sender.fail(SINK, 503);
    await deliverer.deliver((await outbox.findByRecordId(record.id))!);
    clock.advance(60_000);
    await deliverer.deliver((await outbox.findByRecordId(record.id))!);
    expect(intake.deadDeliveries).toEqual([
      expect.objectContaining({
        eventId: record.removal!.event.eventId,
        eventType: 'lab.deleted',
        sink: SINK,
        replays: 0,
        attempts: 2,
        workerId: W,
      }),
    ]);
  });

  it('with notifications off, a dead delivery hands nothing over', async () => {
    const off = new RecordingNotificationIntake(false);
    labs = new InMemoryLabRecordRepository([SINK]);
    outbox = new InMemoryLabEventOutbox(labs);
    deliverer = new LabEventDeliverer(outbox, sender, config, clock, off);
    const record = await storeRemovedLab(labs, W, 4, clock.now());
    sender.fail(SINK, 503);
    await deliverer.deliver((await outbox.findByRecordId(record.id))!);
    clock.advance(60_000);
    await deliverer.deliver((await outbox.findByRecordId(record.id))!);
    expect(off.deadDeliveries).toEqual([]);
  });
});
