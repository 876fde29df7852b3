/**
 * The restoring write (issue 15, item 4) on real FerretDB through Mongoose, delivered by the real
 * deliverer to a real HTTP sink: one conditional single-document write makes a removed record live
 * again and stores lab.restored with its pending deliveries, beside the undone removal's own.
 */
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import mongoose, { Connection, Model } from 'mongoose';
import { HttpCloudEventSender } from '@app/cloud-events';
import { AppConfig, Clock } from '@app/common';
import { testDatabaseUri } from '../../../../../../test/support/test-database';
import { LabEventDeliverer } from '../../../application/outbox/lab-event-deliverer';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { plainLabSnapshot } from '../../../testing/plain-lab-snapshot.fixture';
import { LabRecordDocument, LabRecordSchema } from './lab-record.schema';
import { MongoLabEventOutbox } from './mongo-lab-event-outbox';
import { MongoLabRecordRepository } from './mongo-lab-record.repository';

const W = '5a0e1c2d-0000-4000-8000-00000000000f';
const clock: Clock = { now: () => new Date() };

/** A sink recording the CloudEvent types it received, in order; answers `status`. */
class Sink {
  status = 202;
  received: string[] = [];
  private server!: Server;
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const headers: IncomingHttpHeaders = req.headers;
      req.resume();
      req.on('end', () => {
        if (this.status < 300) this.received.push(String(headers['ce-type']));
        res.writeHead(this.status).end();
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

describe('MongoLabRecordRepository.saveRestoration (real FerretDB)', () => {
  const sink = new Sink();
  let connection: Connection;
  let model: Model<LabRecordDocument>;
  let labs: MongoLabRecordRepository;
  let outbox: MongoLabEventOutbox;
  let deliverer: LabEventDeliverer;
  let next = 0;

  beforeAll(async () => {
    await sink.start();
    connection = await mongoose.createConnection(testDatabaseUri('restoration')).asPromise();
    model = connection.model<LabRecordDocument>(LabRecordDocument.name, LabRecordSchema);
    const config = {
      cloudEventsSinks: [sink.url],
      cloudEventsSource: '/cml-labs',
      cloudEventsTypePrefix: 'io.cml-labs',
      outbox: { maxAttempts: 3, retryBaseMs: 50, relayIntervalMs: 60_000, sendTimeoutMs: 3000 },
    } as AppConfig;
    labs = new MongoLabRecordRepository(model, config);
    outbox = new MongoLabEventOutbox(model);
    deliverer = new LabEventDeliverer(outbox, new HttpCloudEventSender(), config, clock);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
    await sink.stop();
  });
  beforeEach(() => {
    sink.status = 202;
    sink.received = [];
  });

  async function removedRecord(): Promise<LabRecord> {
    const record = LabRecord.discovered(W, plainLabSnapshot(++next), new Date());
    record.markDeleted({ deletedBy: 'alice', alreadyAbsentInCml: false, now: new Date() });
    expect(await labs.saveDeletion(record, true)).toBe(true);
    return (await labs.findOne(W, record.labId))!;
  }

  function restoring(record: LabRecord, by = 'reconciliation') {
    const expected = { version: record.version, removalEventId: record.removal!.event.eventId };
    const event = record.markRestored({ restoredBy: by, now: new Date(), snapshot: plainLabSnapshot(next) });
    return { record, event, expected };
  }

  const stored = (id: string) => model.collection.findOne<LabRecordDocument>({ _id: id as never });

  it('makes the record live, keeps the pending removal event and stores the restore, both delivered in order', async () => {
    const removed = await removedRecord();
    const { record, event, expected } = restoring(removed);
    expect(await labs.saveRestoration(record, event, expected)).toBe(true);

    const live = (await labs.findOne(W, record.labId))!;
    expect(live.isRemoved).toBe(false);
    expect((await labs.page(W, { limit: 10 })).items.map((r) => r.labId)).toContain(record.labId);
    const doc = (await stored(record.id))!;
    expect(doc.removal).toBeNull();
    expect(doc.pastEvents!.map((p) => [p.event.type, (p.deliveries ?? []).map((d) => d.status)])).toEqual([
      ['lab.deleted', ['pending']],
      ['lab.restored', ['pending']],
    ]);
    expect(doc.outboxDue).not.toBeNull();
    // Found by its id (POST /api/outbox/:eventId/retry), and listed as pending.
    expect((await outbox.findByEventId(event.eventId))?.event).toMatchObject({ type: 'lab.restored' });

    for (const entry of await outbox.findEntriesOf(record.id)) await deliverer.deliver(entry);
    expect(sink.received).toEqual(['io.cml-labs.lab.deleted.v1', 'io.cml-labs.lab.restored.v1']);
    expect((await stored(record.id))!.outboxDue).toBeNull();
  });

  it('is conditional: a second restore from the same read, or a concurrent one, adds no event', async () => {
    const removed = await removedRecord();
    const copy = (await labs.findOne(W, removed.labId))!;
    const stale = (await labs.findOne(W, removed.labId))!;
    const first = restoring(removed, 'admin-1');
    const second = restoring(copy, 'admin-2');
    const results = await Promise.all([
      labs.saveRestoration(first.record, first.event, first.expected),
      labs.saveRestoration(second.record, second.event, second.expected),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const doc = (await stored(removed.id))!;
    expect(doc.pastEvents!.filter((p) => p.event.type === 'lab.restored')).toHaveLength(1);
    // A restore of a live record, or by a removal it was not read with, writes nothing.
    const again = restoring(stale);
    expect(await labs.saveRestoration(again.record, again.event, again.expected)).toBe(false);
  });

  it('a concurrent removal and restore of one record store one outcome and lose no event', async () => {
    const removed = await removedRecord();
    const { record, event, expected } = restoring(removed);
    expect(await labs.saveRestoration(record, event, expected)).toBe(true);
    // Removed again while the restore event is still undelivered (the sink is down).
    sink.status = 500;
    for (const entry of await outbox.findEntriesOf(record.id)) await deliverer.deliver(entry);
    const live = (await labs.findOne(W, record.labId))!;
    live.markOrphanRemoved({
      trigger: 'scheduled',
      reconciliationId: 'r-2',
      lastSeenAt: new Date(),
      evidence: { listedAt: new Date().toISOString(), confirmedBy: 'lookup-404' },
      now: new Date(),
    });
    const [removal] = await Promise.all([
      labs.saveChanges([], [{ record: live, expectedVersion: live.version }]),
      // A stale restore of the first removal races it: it must not land.
      labs.saveRestoration(record, event, expected),
    ]);
    expect(removal.updated).toBe(1);
    const doc = (await stored(record.id))!;
    expect(doc.removal?.kind).toBe('lab.orphan_removed');
    expect(doc.pastEvents!.map((p) => p.event.type)).toEqual(['lab.deleted', 'lab.restored']);
    expect(doc.outboxDue).not.toBeNull();

    sink.status = 202;
    await new Promise((r) => setTimeout(r, 200));
    for (const entry of await outbox.findDue(new Date(), 100))
      if (entry.recordId === record.id) await deliverer.deliver(entry);
    expect(sink.received.sort()).toEqual(
      [
        'io.cml-labs.lab.deleted.v1',
        'io.cml-labs.lab.orphan_removed.v1',
        'io.cml-labs.lab.restored.v1',
      ].sort(),
    );
    expect((await stored(record.id))!.outboxDue).toBeNull();
  });

  it('a later sync of the restored record keeps its undelivered events due', async () => {
    const removed = await removedRecord();
    const { record, event, expected } = restoring(removed);
    expect(await labs.saveRestoration(record, event, expected)).toBe(true);
    const live = (await labs.findOne(W, record.labId))!;
    expect(live.syncWith({ ...plainLabSnapshot(next), title: 'renamed in CML' }, new Date())).toBe(true);
    expect((await labs.saveChanges([], [{ record: live, expectedVersion: live.version }])).updated).toBe(1);
    const doc = (await stored(record.id))!;
    expect(doc.title).toBe('renamed in CML');
    expect(doc.outboxDue).not.toBeNull();
    expect((await outbox.findDue(new Date(), 100)).map((e) => e.event.eventId)).toContain(event.eventId);
  });

  it('lists the removed records of a worker, newest removal first', async () => {
    const a = await removedRecord();
    await new Promise((r) => setTimeout(r, 5));
    const b = await removedRecord();
    const ids = (await labs.findRemoved(W, 100)).map((r) => r.labId);
    expect(ids.indexOf(b.labId)).toBeLessThan(ids.indexOf(a.labId));
    expect((await labs.findRemoved(W, 100)).every((r) => r.isRemoved)).toBe(true);
  });
});
