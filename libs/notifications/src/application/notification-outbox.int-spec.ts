/**
 * The notification outbox on real FerretDB through Mongoose: idempotent enqueue, one sender per attempt across
 * two "replicas", retries with backoff, dead, replay, purge.
 */
import mongoose, { Connection, Model } from 'mongoose';
import { AppConfig, Clock, notificationsOff } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { testDatabaseUri } from '../../../../test/support/test-database';
import {
  NotificationDocument,
  NotificationSchema,
} from '../infrastructure/persistence/mongo/notification.schema';
import { MongoNotificationOutbox } from '../infrastructure/persistence/mongo/mongo-notification-outbox';
import { RecordingProviderSender, StaticNotificationTransport } from '../testing/recording-provider-sender';
import { NotificationMetrics } from './ports/notification-metrics';
import { NotificationDeliverer } from './notification-deliverer';
import { NotificationEnqueuer } from './notification-enqueuer';
import { NotificationRelayJob } from './jobs/notification-relay.job';

const W = '6b1f2d3e-0000-4000-8000-0000000000f1';

class CountingMetrics extends NotificationMetrics {
  readonly counts: Record<string, number> = {};
  sent(p: string): void {
    this.counts[`sent:${p}`] = (this.counts[`sent:${p}`] ?? 0) + 1;
  }
  failed(p: string): void {
    this.counts[`failed:${p}`] = (this.counts[`failed:${p}`] ?? 0) + 1;
  }
  dead(p: string): void {
    this.counts[`dead:${p}`] = (this.counts[`dead:${p}`] ?? 0) + 1;
  }
}

describe('notification outbox (real FerretDB)', () => {
  let connections: Connection[];
  let outboxes: MongoNotificationOutbox[];
  let model: Model<NotificationDocument>;
  const clock: Clock = { now: () => new Date() };
  const slack = new RecordingProviderSender({ provider: 'slack', hasChannel: true, canAddressPerson: false });
  const email = new RecordingProviderSender({ provider: 'email', hasChannel: true, canAddressPerson: true });
  const transport = new StaticNotificationTransport([slack, email]);
  const metrics = new CountingMetrics();
  const config = {
    notifications: {
      ...notificationsOff(),
      enabled: true,
      ownerAddresses: { carol: 'carol@example.com' },
      maxAttempts: 3,
      retryBaseMs: 200,
    },
  } as unknown as AppConfig;
  const workers = { require: async () => ({ name: 'cml-east' }) } as unknown as WorkerDirectory;
  let enqueuer: NotificationEnqueuer;
  let deliverers: NotificationDeliverer[];
  let relays: NotificationRelayJob[];

  beforeAll(async () => {
    const uri = testDatabaseUri('notifications');
    connections = [
      await mongoose.createConnection(uri).asPromise(),
      await mongoose.createConnection(uri).asPromise(),
    ];
    const models = connections.map((c) =>
      c.model<NotificationDocument>(NotificationDocument.name, NotificationSchema),
    );
    model = models[0];
    outboxes = models.map((m) => new MongoNotificationOutbox(m));
    enqueuer = new NotificationEnqueuer(outboxes[0], transport, workers, config, clock);
    deliverers = outboxes.map((o) => new NotificationDeliverer(o, transport, metrics, config, clock));
    relays = outboxes.map(
      (o, i) => new NotificationRelayJob({} as never, enqueuer, o, deliverers[i], config, clock),
    );
  });
  afterAll(async () => {
    await connections[0].dropDatabase();
    await Promise.all(connections.map((c) => c.close()));
  });
  beforeEach(async () => {
    await model.deleteMany({}).exec();
    slack.sent.length = 0;
    email.sent.length = 0;
    slack.failWith = null;
    email.failWith = null;
  });

  const removal = (eventId: string, deletedBy = 'dave') => ({
    eventId,
    type: 'lab.deleted' as const,
    workerId: W,
    labId: `lab-${eventId}`,
    labTitle: 'DMVPN',
    owner: 'carol',
    occurredAt: new Date().toISOString(),
    deletedBy,
    alreadyAbsentInCml: false,
    ownerId: 'u-carol',
    ownerUsername: 'carol',
  });

  it('enqueues one delivery per provider and recipient, once however often it is asked', async () => {
    await Promise.all([enqueuer.labRemoved(removal('e1')), enqueuer.labRemoved(removal('e1'))]);
    await enqueuer.labRemoved(removal('e1'));
    const docs = await model.find({}).lean().exec();
    expect(docs.map((d) => [d.provider, d.recipient, d.status, d.notification.workerName]).sort()).toEqual([
      ['email', { kind: 'person', address: 'carol@example.com' }, 'pending', 'cml-east'],
      ['slack', { kind: 'channel' }, 'pending', 'cml-east'],
    ]);
  });

  it('the owner deleting their own lab queues nothing', async () => {
    await enqueuer.labRemoved(removal('e-own', 'carol'));
    expect(await model.countDocuments({}).exec()).toBe(0);
  });

  it('two replicas sweeping at once send each notification once', async () => {
    await Promise.all(['a', 'b', 'c', 'd'].map((id) => enqueuer.labRemoved(removal(id))));
    await Promise.all([relays[0].tick(), relays[1].tick(), relays[0].tick()]);
    expect(slack.sent).toHaveLength(4);
    expect(email.sent).toHaveLength(4);
    expect(await outboxes[0].count('pending')).toBe(0);
    expect(await model.countDocuments({ status: 'delivered' }).exec()).toBe(8);
  });

  it('retries with backoff, goes dead after the last attempt, is replayed, then delivered', async () => {
    await enqueuer.labRemoved(removal('e-fail'));
    email.failWith = 'SMTP send failed: ECONNECTION';
    await relays[0].tick();
    const [first] = await outboxes[0]
      .list('pending', 10)
      .then((l) => l.filter((d) => d.provider === 'email'));
    expect(first).toMatchObject({
      attempts: 1,
      lastError: 'SMTP send failed: ECONNECTION',
      status: 'pending',
    });
    expect(first.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    // Not due yet: a sweep right now sends nothing more.
    await relays[0].tick();
    expect((await outboxes[0].findById(first.id))!.attempts).toBe(1);
    for (let i = 0; i < 20 && (await outboxes[0].count('dead')) === 0; i++) {
      await new Promise((r) => setTimeout(r, 150));
      await relays[i % 2].tick();
    }
    const dead = await outboxes[0].list('dead', 10);
    expect(dead.map((d) => [d.id, d.attempts, d.status])).toEqual([[first.id, 3, 'dead']]);
    expect(await outboxes[0].retry(first.id, new Date())).toBe('retried');
    expect(await outboxes[0].retry(first.id, new Date())).toBe('not-dead');
    expect(await outboxes[0].retry('0'.repeat(32), new Date())).toBe('not-found');
    email.failWith = null;
    await relays[1].tick();
    expect(await outboxes[0].findById(first.id)).toMatchObject({
      status: 'delivered',
      replays: 1,
      attempts: 1,
    });
    expect(email.sent).toHaveLength(1);
    expect(metrics.counts['dead:email']).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('an attempt whose claim is held by another sender is not made again', async () => {
    await enqueuer.labRemoved(removal('e-claimed'));
    const [d] = await outboxes[0]
      .findDue(new Date(), 10)
      .then((l) => l.filter((x) => x.provider === 'slack'));
    expect(await outboxes[1].claim(`${d.id}#0#0`, new Date(), 60_000)).toBe(true);
    await deliverers[0].deliver(d);
    expect(slack.sent).toHaveLength(0);
    expect((await outboxes[0].findById(d.id))!.attempts).toBe(0);
  });

  it('purges delivered notifications older than the retention; pending and dead stay', async () => {
    await enqueuer.labRemoved(removal('p1'));
    slack.failWith = 'down';
    await relays[0].tick();
    const before = new Date(Date.now() + 60_000);
    expect(await outboxes[0].purgeDelivered(new Date(Date.now() - 60_000))).toBe(0);
    expect(await outboxes[0].purgeDelivered(before)).toBe(1);
    expect((await model.find({}).lean().exec()).map((d) => [d.provider, d.status])).toEqual([
      ['slack', 'pending'],
    ]);
  });
});
