import mongoose, { Connection, Model } from 'mongoose';
import { Clock } from '@app/common';
import { testDatabaseUri } from '../../../../../../test/support/test-database';
import { LabAuditEvent } from '../../../domain/lab-audit-event';
import { aDeletedEvent, anOrphanRemovedEvent } from '../../../testing/lab-audit-event.fixture';
import {
  AUDIT_EVENT_FIELDS_BACKFILL,
  AuditEventFieldsBackfill,
  BACKFILL_BATCH_SIZE,
} from './audit-event-fields.backfill';
import { AuditEventDocument, AuditEventSchema } from './audit-event.schema';
import {
  AUDIT_MAINTENANCE_MODEL,
  type AuditMaintenanceDocument,
  AuditMaintenanceSchema,
} from './audit-maintenance.schema';
import { auditEventDocumentOf, MongoAuditEventRepository } from './mongo-audit-event.repository';

const now = new Date('2026-01-01T00:00:00.000Z');
const clock: Clock = { now: () => now };

/** A document as the code before top-level owner/deletedBy wrote it: today's, without them. */
function legacyDocument(event: LabAuditEvent) {
  const { owner: _owner, deletedBy: _deletedBy, ...old } = auditEventDocumentOf(event, now);
  return old;
}

describe('AuditEventFieldsBackfill (real FerretDB)', () => {
  let connection: Connection;
  let events: Model<AuditEventDocument>;
  let maintenance: Model<AuditMaintenanceDocument>;
  let repo: MongoAuditEventRepository;
  /** The collection as the driver sees it: writes what the old code wrote, no schema between. */
  const legacy = () => connection.db!.collection<ReturnType<typeof legacyDocument>>('audit_events');
  const backfill = () => new AuditEventFieldsBackfill(events, maintenance, clock);

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('audit_backfill')).asPromise();
    events = connection.model<AuditEventDocument>(AuditEventDocument.name, AuditEventSchema);
    maintenance = connection.model<AuditMaintenanceDocument>(AUDIT_MAINTENANCE_MODEL, AuditMaintenanceSchema);
    await events.init();
    await maintenance.init();
    repo = new MongoAuditEventRepository(events);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });
  beforeEach(async () => {
    await events.deleteMany({});
    await maintenance.deleteMany({});
  });

  it('gives every old document owner and deletedBy from data, in bulks of at most the batch size, once', async () => {
    const count = BACKFILL_BATCH_SIZE * 2 + 37;
    await legacy().insertMany(
      Array.from({ length: count }, (_, i) =>
        legacyDocument(
          i % 3 === 0
            ? anOrphanRemovedEvent({ id: `o-${i}` }, { owner: `owner-${i % 5}` })
            : aDeletedEvent({ id: `d-${i}` }, { owner: `owner-${i % 5}`, deletedBy: `by-${i % 2}` }),
        ),
      ),
    );
    // Stored by the new code meanwhile: its own values stand.
    await repo.insertOnce(aDeletedEvent({ id: 'new' }, { owner: 'owner-0', deletedBy: 'by-0' }), now);
    const bulkWrite = jest.spyOn(events, 'bulkWrite');
    try {
      expect(await backfill().run()).toEqual({ skipped: false, updated: count });
      const sizes = bulkWrite.mock.calls.map(([ops]) => ops.length);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(BACKFILL_BATCH_SIZE);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(count);
    } finally {
      bulkWrite.mockRestore();
    }
    expect(await events.countDocuments({ owner: { $exists: false } })).toBe(0);
    expect(await events.countDocuments({ deletedBy: { $exists: false } })).toBe(0);
    const expectedOwner0 = Array.from({ length: count }, (_, i) => i).filter((i) => i % 5 === 0).length + 1;
    expect((await repo.find({ owner: 'owner-0', limit: 0 })).length).toBe(expectedOwner0);
    const orphans = Array.from({ length: count }, (_, i) => i).filter((i) => i % 3 === 0);
    expect(await events.countDocuments({ deletedBy: null })).toBe(orphans.length);
    const byOne = Array.from({ length: count }, (_, i) => i).filter((i) => i % 3 !== 0 && i % 2 === 1);
    expect((await repo.find({ deletedBy: 'by-1', limit: 0 })).map((e) => e.id).sort()).toEqual(
      byOne.map((i) => `d-${i}`).sort(),
    );
    expect(await maintenance.findById(AUDIT_EVENT_FIELDS_BACKFILL).lean()).toEqual({
      _id: AUDIT_EVENT_FIELDS_BACKFILL,
      completedAt: now,
      updated: count,
    });
  });

  it('reads nothing once its marker is written, and runs again (idempotently) without it', async () => {
    await legacy().insertOne(legacyDocument(aDeletedEvent({ id: 'old-1' })));
    expect(await backfill().run()).toEqual({ skipped: false, updated: 1 });
    await legacy().insertOne(legacyDocument(aDeletedEvent({ id: 'old-2' })));
    const find = jest.spyOn(events, 'find');
    try {
      expect(await backfill().run()).toEqual({ skipped: true, updated: 0 });
      expect(find).not.toHaveBeenCalled();
    } finally {
      find.mockRestore();
    }
    await maintenance.deleteMany({});
    expect(await backfill().run()).toEqual({ skipped: false, updated: 1 });
    expect((await repo.find({ owner: 'alice', limit: 0 })).map((e) => e.id).sort()).toEqual([
      'old-1',
      'old-2',
    ]);
  });

  it('two instances starting together both finish, and one marker stands', async () => {
    await legacy().insertMany(
      Array.from({ length: 50 }, (_, i) => legacyDocument(aDeletedEvent({ id: `e-${i}` }))),
    );
    const outcomes = await Promise.all([backfill().run(), backfill().run()]);
    expect(outcomes.every((o) => !o.skipped)).toBe(true);
    expect(await events.countDocuments({ owner: 'alice', deletedBy: 'bob' })).toBe(50);
    expect(await maintenance.countDocuments({})).toBe(1);
  });

  it('on an empty trail writes only its marker', async () => {
    expect(await backfill().run()).toEqual({ skipped: false, updated: 0 });
    expect(await maintenance.countDocuments({ _id: AUDIT_EVENT_FIELDS_BACKFILL })).toBe(1);
  });
});
