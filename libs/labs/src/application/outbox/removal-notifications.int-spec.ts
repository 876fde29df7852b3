/**
 * A lab removal notifies people through the lab outbox (issue 15, item 3): the removing write stores, beside
 * one delivery per CloudEvents sink, a delivery to `internal:notifications`. A process that dies right after
 * the removal (no fast path ran) still notifies: the next process's relay finds the internal delivery pending
 * and enqueues the notifications, which the notification relay sends. Real FerretDB, a real HTTP sink, a real
 * Slack-like webhook and a real SMTP server on loopback.
 */
import { Logger } from '@nestjs/common';
import mongoose, { Connection } from 'mongoose';
import { HttpCloudEventSender } from '@app/cloud-events';
import { AppConfig, Clock, notificationsOff } from '@app/common';
import { INTERNAL_NOTIFICATIONS_SINK, NotificationIntake, NotificationRelayJob } from '@app/notifications';
import { NotificationDeliverer } from '@app/notifications/application/notification-deliverer';
import { NotificationEnqueuer } from '@app/notifications/application/notification-enqueuer';
import { NotificationMetrics } from '@app/notifications/application/ports/notification-metrics';
import { MongoNotificationOutbox } from '@app/notifications/infrastructure/persistence/mongo/mongo-notification-outbox';
import {
  NotificationDocument,
  NotificationSchema,
} from '@app/notifications/infrastructure/persistence/mongo/notification.schema';
import { ConfiguredNotificationTransport } from '@app/notifications/infrastructure/senders/configured-notification-transport';
import { SmtpTestServer } from '@app/notifications/testing/smtp-test-server';
import { WebhookTestServer } from '@app/notifications/testing/webhook-test-server';
import { WorkerDirectory } from '@app/workers';
import { testDatabaseUri } from '../../../../../test/support/test-database';
import { LabRecord } from '../../domain/lab-record.aggregate';
import { LabRecordDocument, LabRecordSchema } from '../../infrastructure/persistence/mongo/lab-record.schema';
import { MongoLabEventOutbox } from '../../infrastructure/persistence/mongo/mongo-lab-event-outbox';
import { MongoLabRecordRepository } from '../../infrastructure/persistence/mongo/mongo-lab-record.repository';
import { plainLabSnapshot } from '../../testing/plain-lab-snapshot.fixture';
import { OutboxRelayJob } from '../jobs/outbox-relay.job';
import { LabEventDeliverer } from './lab-event-deliverer';

const W = '6b1f2d3e-0000-4000-8000-0000000000c1';
const clock: Clock = { now: () => new Date() };

class NoMetrics extends NotificationMetrics {
  sent(): void {}
  failed(): void {}
  dead(): void {}
}

/** One API process: its own connection and every object of the two outboxes. */
interface Process {
  connection: Connection;
  labs: MongoLabRecordRepository;
  outbox: MongoLabEventOutbox;
  intake: NotificationIntake;
  relay: OutboxRelayJob;
  notificationRelay: NotificationRelayJob;
  transport: ConfiguredNotificationTransport;
}

describe('lab removals notify through the lab outbox (real FerretDB, crash after the removal)', () => {
  const sink = new WebhookTestServer();
  const slack = new WebhookTestServer();
  const smtp = new SmtpTestServer();
  let uri: string;
  let config: AppConfig;
  const processes: Process[] = [];

  async function start(): Promise<Process> {
    const connection = await mongoose.createConnection(uri).asPromise();
    const labModel = connection.model<LabRecordDocument>(LabRecordDocument.name, LabRecordSchema);
    const notificationOutbox = new MongoNotificationOutbox(
      connection.model<NotificationDocument>(NotificationDocument.name, NotificationSchema),
    );
    const transport = new ConfiguredNotificationTransport(config.notifications);
    const workers = { require: async () => ({ name: 'cml-east' }) } as unknown as WorkerDirectory;
    const intake = new NotificationEnqueuer(notificationOutbox, transport, workers, config, clock);
    const labs = new MongoLabRecordRepository(labModel, config, intake);
    const outbox = new MongoLabEventOutbox(labModel);
    const deliverer = new LabEventDeliverer(outbox, new HttpCloudEventSender(), config, clock, intake);
    const relay = new OutboxRelayJob({} as never, outbox, deliverer, config, clock);
    const notificationDeliverer = new NotificationDeliverer(
      notificationOutbox,
      transport,
      new NoMetrics(),
      config,
      clock,
    );
    const notificationRelay = new NotificationRelayJob(
      {} as never,
      intake,
      notificationOutbox,
      notificationDeliverer,
      config,
      clock,
    );
    const p = { connection, labs, outbox, intake, relay, notificationRelay, transport };
    processes.push(p);
    return p;
  }

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await Promise.all([sink.start(), slack.start(), smtp.start()]);
    uri = testDatabaseUri('removal_notify');
    config = {
      cloudEventsSinks: [sink.url('/events')],
      cloudEventsSource: '/cml-labs',
      cloudEventsTypePrefix: 'io.cml-labs',
      tombstoneRetentionSeconds: 3600,
      outbox: { maxAttempts: 3, retryBaseMs: 100, relayIntervalMs: 60_000, sendTimeoutMs: 3000 },
      notifications: {
        ...notificationsOff(),
        enabled: true,
        secrets: { slackWebhookUrl: slack.url('/services/T/B/KEY'), smtpUrl: smtp.url() },
        emailFrom: 'cml-labs@example.com',
        ownerAddresses: { alice: 'alice@example.com' },
      },
    } as unknown as AppConfig;
  });
  afterAll(async () => {
    await processes[0]?.connection.dropDatabase();
    for (const p of processes) {
      p.transport.close();
      await p.connection.close();
    }
    await Promise.all([sink.stop(), slack.stop(), smtp.stop()]);
  });

  it('the removing write holds the internal delivery; after a "crash", the next process notifies the owner and the channel', async () => {
    const before = await start();
    const record = LabRecord.discovered(W, plainLabSnapshot(1, '9100'), new Date());
    record.markDeleted({ deletedBy: 'dave', alreadyAbsentInCml: false, now: new Date() });
    expect(await before.labs.saveDeletion(record, true)).toBe(true);
    const stored = await before.outbox.findByRecordId(record.id);
    expect(stored!.deliveries.map((d) => [d.sink, d.status])).toEqual([
      [sink.url('/events'), 'pending'],
      [INTERNAL_NOTIFICATIONS_SINK, 'pending'],
    ]);
    // The process dies here: no fast path, no relay ran. A new one starts.
    const after = await start();
    await after.relay.tick();
    const settled = await after.outbox.findByRecordId(record.id);
    expect(settled!.deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    // The internal delivery is never sent as a CloudEvent: the sink got exactly one request.
    expect(sink.received).toHaveLength(1);

    await after.notificationRelay.tick();
    const [post] = await slack.waitFor(1);
    expect(post.path).toBe('/services/T/B/KEY');
    expect(JSON.stringify(post.body)).toContain('Lab 1 was deleted by dave');
    const [mail] = await smtp.waitFor(1);
    expect(mail.rcptTo).toEqual(['alice@example.com']);
    expect(mail.headers.subject).toBe('[cml-labs] Lab Lab 1 was deleted by dave');
    expect(mail.text).toContain('Worker: cml-east');

    // A second relay pass (another replica, a replay) notifies nobody again.
    await after.relay.tick();
    await before.notificationRelay.tick();
    expect(slack.received).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
  });

  it('a failing enqueue is retried by the lab outbox; a dead CloudEvent delivery notifies the channel', async () => {
    const p = await start();
    sink.status = 500;
    const record = LabRecord.discovered(W, plainLabSnapshot(2, '9100'), new Date());
    record.markOrphanRemoved({
      trigger: 'scheduled',
      reconciliationId: 'r-1',
      lastSeenAt: new Date(),
      evidence: { listedAt: new Date().toISOString(), confirmedBy: 'lookup-404' },
      now: new Date(),
    });
    expect(await p.labs.saveDeletion(record, true)).toBe(true);
    // The notifications database write fails once (e.g. the database blinked).
    const labRemoved = p.intake.labRemoved.bind(p.intake);
    let failures = 1;
    p.intake.labRemoved = async (facts) => {
      if (failures-- > 0) throw new Error('database unavailable');
      return labRemoved(facts);
    };
    for (let i = 0; i < 30; i++) {
      await p.relay.tick();
      const entry = await p.outbox.findByRecordId(record.id);
      if (entry!.deliveries.every((d) => d.status !== 'pending')) break;
      await new Promise((r) => setTimeout(r, 120));
    }
    const entry = await p.outbox.findByRecordId(record.id);
    expect(entry!.deliveries.map((d) => [d.status, d.attempts])).toEqual([
      ['dead', 3],
      ['delivered', 2],
    ]);
    sink.status = 200;
    slack.received.length = 0;
    smtp.received.length = 0;
    await p.notificationRelay.tick();
    const posts = await slack.waitFor(2);
    const texts = posts.map((r) => (r.body as { text: string }).text).sort();
    expect(texts).toEqual([
      expect.stringContaining(
        'A lab.orphan_removed event could not be delivered to http[:]//127[.]0[.]0[.]1',
      ),
      'Lab Lab 2 was deleted outside cml-labs',
    ]);
    expect(JSON.stringify(posts)).not.toContain('/events');
    // The owner hears of the removal by email; the dead letter goes to no owner (no NOTIFY_EMAIL_TO: no channel).
    const [mail] = await smtp.waitFor(1);
    expect(mail.rcptTo).toEqual(['alice@example.com']);
  }, 30_000);
});
