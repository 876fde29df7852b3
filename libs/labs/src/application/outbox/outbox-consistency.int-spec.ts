/**
 * The stored due time of an outbox entry always follows its stored deliveries, whoever writes
 * them: the fast path, the relay, two replicas, two sinks and an admin's retry (issue 12, item 2).
 * Real FerretDB through Mongoose, real HTTP sinks on loopback.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import mongoose, { Connection, Model } from 'mongoose';
import { HttpCloudEventSender } from '@app/cloud-events';
import { AppConfig, Clock } from '@app/common';
import { testDatabaseUri } from '../../../../../test/support/test-database';
import { LabRecord } from '../../domain/lab-record.aggregate';
import { LabRecordDocument, LabRecordSchema } from '../../infrastructure/persistence/mongo/lab-record.schema';
import { MongoLabEventOutbox } from '../../infrastructure/persistence/mongo/mongo-lab-event-outbox';
import { MongoLabRecordRepository } from '../../infrastructure/persistence/mongo/mongo-lab-record.repository';
import { OutboxRelayJob } from '../jobs/outbox-relay.job';
import { OutboxDelivery } from '../ports/lab-event-outbox';
import { LabEventDeliverer } from './lab-event-deliverer';
import { outboxDueOf } from './outbox-due';
import { plainLabSnapshot } from '../../testing/plain-lab-snapshot.fixture';

const W = '6b1f2d3e-0000-4000-8000-000000000002';
const clock: Clock = { now: () => new Date() };

/** A sink that answers after `delayMs` with `status`. */
class Sink {
  delayMs = 0;
  status = 202;
  hits = 0;
  private server!: Server;

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.hits++;
        setTimeout(() => res.writeHead(this.status).end(), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const snap = (i: number) => plainLabSnapshot(i, '9000');

describe('outbox: the due time follows the stored deliveries (real FerretDB, real HTTP sinks)', () => {
  const sinks = [new Sink(), new Sink()];
  let connections: Connection[];
  let models: Model<LabRecordDocument>[];
  let config: AppConfig;
  let labs: MongoLabRecordRepository;
  let outboxes: MongoLabEventOutbox[];
  /** One deliverer per "replica" (its own connection). */
  let deliverers: LabEventDeliverer[];
  let next = 0;

  beforeAll(async () => {
    await Promise.all(sinks.map((s) => s.start()));
    const uri = testDatabaseUri('outbox_due');
    connections = [
      await mongoose.createConnection(uri).asPromise(),
      await mongoose.createConnection(uri).asPromise(),
    ];
    models = connections.map((c) => c.model<LabRecordDocument>(LabRecordDocument.name, LabRecordSchema));
    config = {
      cloudEventsSinks: sinks.map((s) => s.url),
      cloudEventsSource: '/cml-labs',
      cloudEventsTypePrefix: 'io.cml-labs',
      tombstoneRetentionSeconds: 3600,
      outbox: { maxAttempts: 3, retryBaseMs: 300, relayIntervalMs: 60_000, sendTimeoutMs: 3000 },
    } as AppConfig;
    labs = new MongoLabRecordRepository(models[0], config);
    outboxes = models.map((m) => new MongoLabEventOutbox(m));
    deliverers = outboxes.map((o) => new LabEventDeliverer(o, new HttpCloudEventSender(), config, clock));
  });
  afterAll(async () => {
    await connections[0].dropDatabase();
    await Promise.all(connections.map((c) => c.close()));
    await Promise.all(sinks.map((s) => s.stop()));
  });
  beforeEach(() => {
    for (const s of sinks) Object.assign(s, { delayMs: 0, status: 202, hits: 0 });
  });

  async function removedRecord(): Promise<string> {
    const record = LabRecord.discovered(W, snap(++next), new Date());
    record.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: new Date() });
    expect(await labs.saveDeletion(record, true)).toBe(true);
    return record.id;
  }

  const stored = (id: string) => models[0].collection.findOne<LabRecordDocument>({ _id: id as never });

  /** The invariant: outboxDue is exactly the earliest retry of the stored pending deliveries. */
  async function expectDueFollowsDeliveries(id: string, step: string): Promise<void> {
    const doc = await stored(id);
    const deliveries = (doc!.removal!.deliveries as unknown as OutboxDelivery[]).map((d) => ({
      ...d,
      nextAttemptAt: new Date(d.nextAttemptAt),
    }));
    const expected = outboxDueOf(deliveries);
    expect({ step, outboxDue: doc!.outboxDue ? new Date(doc!.outboxDue) : null }).toEqual({
      step,
      outboxDue: expected,
    });
  }

  async function setDelivery(id: string, index: number, change: Partial<OutboxDelivery>): Promise<void> {
    const doc = await stored(id);
    const delivery = { ...(doc!.removal!.deliveries![index] as Record<string, unknown>), ...change };
    await models[0].collection.updateOne(
      { _id: id as never },
      {
        $set: {
          [`removal.deliveries.${index}`]: delivery,
          outboxDue: outboxDueOf(await deliveriesWith(id, index, delivery)),
        },
      },
    );
  }

  async function deliveriesWith(
    id: string,
    index: number,
    delivery: Record<string, unknown>,
  ): Promise<OutboxDelivery[]> {
    const doc = await stored(id);
    return (doc!.removal!.deliveries as unknown as OutboxDelivery[]).map((d, i) => {
      const chosen = (i === index ? delivery : d) as unknown as OutboxDelivery;
      return { ...chosen, nextAttemptAt: new Date(chosen.nextAttemptAt) };
    });
  }

  it('a retry racing a delivery of the other sink: the retried delivery stays due', async () => {
    const id = await removedRecord();
    await setDelivery(id, 0, { status: 'dead', attempts: 3, lastError: 'HTTP 500' });
    await expectDueFollowsDeliveries(id, 'sink 0 dead, sink 1 pending');
    // The relay read the entry, then an admin replayed sink 0, then the relay delivered sink 1.
    const relayView = (await outboxes[0].findByRecordId(id))!;
    const eventId = relayView.event.eventId;
    expect(await outboxes[1].retry(eventId, new Date())).toBe(true);
    await expectDueFollowsDeliveries(id, 'after the retry');
    await deliverers[0].deliver(relayView);
    await expectDueFollowsDeliveries(id, 'after the relay delivered sink 1 from its old view');
    expect((await stored(id))!.outboxDue).not.toBeNull();
    // So the next sweep sends the replayed delivery.
    await deliverers[1].deliver((await outboxes[1].findByRecordId(id))!);
    await expectDueFollowsDeliveries(id, 'after the replay was sent');
    expect((await stored(id))!.outboxDue).toBeNull();
    expect(sinks.map((s) => s.hits)).toEqual([1, 1]);
  });

  it('the fast path and another replica each sending one sink: nothing is left due once both are delivered', async () => {
    const id = await removedRecord();
    // Sink 1 waits for a retry 300 ms from now; sink 0 is slow to answer.
    await setDelivery(id, 1, {
      attempts: 1,
      lastError: 'HTTP 500',
      nextAttemptAt: new Date(Date.now() + 300),
    });
    sinks[0].delayMs = 800;
    const fastPath = deliverers[0].deliver((await outboxes[0].findByRecordId(id))!);
    await new Promise((r) => setTimeout(r, 400));
    // The other replica's relay finds sink 1 due now; sink 0's attempt is claimed by the fast path.
    await deliverers[1].deliver((await outboxes[1].findByRecordId(id))!);
    await expectDueFollowsDeliveries(id, 'sink 1 delivered by the other replica');
    await fastPath;
    await expectDueFollowsDeliveries(id, 'sink 0 delivered by the fast path');
    const doc = await stored(id);
    expect((doc!.removal!.deliveries as unknown as OutboxDelivery[]).map((d) => d.status)).toEqual([
      'delivered',
      'delivered',
    ]);
    expect(doc!.outboxDue).toBeNull();
  });

  it('two sinks, fast path, relay, two replicas and a retry at once end consistent and delivered', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => removedRecord()));
    sinks[1].status = 500; // fails until switched back, so some deliveries go dead and get replayed
    sinks[0].delayMs = 50;
    const relays = outboxes.map((o, i) => new OutboxRelayJob({} as never, o, deliverers[i], config, clock));
    const entries = await Promise.all(ids.map((id) => outboxes[0].findByRecordId(id)));
    await Promise.all([
      ...entries.map((e, i) => deliverers[i % 2].deliver(e!)),
      relays[0].tick(),
      relays[1].tick(),
    ]);
    for (const id of ids) await expectDueFollowsDeliveries(id, 'after the first burst');
    sinks[1].status = 202;
    for (let round = 0; round < 20; round++) {
      const dead = await outboxes[0].list('dead', 100);
      await Promise.all([
        ...dead.map((e) => outboxes[round % 2].retry(e.event.eventId, new Date())),
        relays[0].tick(),
        relays[1].tick(),
      ]);
      for (const id of ids) await expectDueFollowsDeliveries(id, `round ${round}`);
      const docs = await Promise.all(ids.map(stored));
      if (docs.every((d) => d!.outboxDue === null && !d!.outboxHasDead)) break;
      await new Promise((r) => setTimeout(r, 350));
    }
    for (const doc of await Promise.all(ids.map(stored))) {
      expect((doc!.removal!.deliveries as unknown as OutboxDelivery[]).map((d) => d.status)).toEqual([
        'delivered',
        'delivered',
      ]);
      expect(doc!.outboxDue).toBeNull();
    }
  }, 60_000);

  it('entries found due with nothing due in them do not starve the relay', async () => {
    // 501 tombstones left "due" with every delivery settled (what the old last-writer-wins left),
    // ahead of one that really is due: more than one sweep takes (500).
    const now = Date.now();
    const junk = Array.from({ length: 501 }, (_, i) => {
      const record = LabRecord.discovered(W, snap(10_000 + i), new Date(now - 60_000));
      record.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: new Date(now - 60_000) });
      return record;
    });
    await models[0].collection.insertMany(
      junk.map((r) => {
        const delivered = (sink: string) => ({
          sink,
          status: 'delivered',
          attempts: 1,
          replays: 0,
          nextAttemptAt: new Date(now - 60_000),
          lastError: null,
          deliveredAt: new Date(now - 59_000),
        });
        const e = r.removal!.event;
        return {
          _id: r.id,
          workerId: W,
          labId: r.labId,
          title: r.title,
          state: 'DEFINED_ON_CORE',
          version: 1,
          firstSeenAt: new Date(now - 120_000),
          lastSyncedAt: new Date(now - 120_000),
          removal: {
            kind: e.type,
            at: new Date(now - 60_000),
            event: { ...e },
            deliveries: config.cloudEventsSinks.map(delivered),
          },
          outboxDue: new Date(now - 60_000),
          pendingOrphan: null,
          fence: 0,
        } as never;
      }),
    );
    const real = await removedRecord();
    const relay = new OutboxRelayJob({} as never, outboxes[0], deliverers[0], config, clock);

    await relay.tick();
    await relay.tick();

    const doc = await stored(real);
    expect((doc!.removal!.deliveries as unknown as OutboxDelivery[]).map((d) => d.status)).toEqual([
      'delivered',
      'delivered',
    ]);
    expect(await outboxes[0].findDue(new Date(), 1000)).toEqual([]);
  }, 120_000);
});
