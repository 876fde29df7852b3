import mongoose, { Connection, Model } from 'mongoose';
import { testDatabaseUri } from '../../../../../../test/support/test-database';
import { positionOf } from '../../../domain/audit-event-position';
import { auditEventRepositoryContract } from '../../../testing/audit-event-repository.contract';
import { aDeletedEvent, anOrphanRemovedEvent } from '../../../testing/lab-audit-event.fixture';
import { AuditEventDocument, AuditEventSchema } from './audit-event.schema';
import { MongoAuditEventRepository } from './mongo-audit-event.repository';

const receivedAt = new Date('2024-06-01T08:00:00.000Z');

describe('MongoAuditEventRepository (real FerretDB)', () => {
  let connection: Connection;
  let model: Model<AuditEventDocument>;
  let repo: MongoAuditEventRepository;

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('audit_repo')).asPromise();
    model = connection.model<AuditEventDocument>(AuditEventDocument.name, AuditEventSchema);
    await model.init();
    repo = new MongoAuditEventRepository(model);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  describe('the repository contract', () => {
    auditEventRepositoryContract(async () => {
      await model.deleteMany({});
      return repo;
    });
  });

  describe('the stored document', () => {
    beforeEach(() => model.deleteMany({}));

    it('keeps owner and deletedBy at the top level too (null for an orphan removal), beside data', async () => {
      await repo.insertOnce(aDeletedEvent({ id: 'd' }, { owner: 'alice', deletedBy: 'bob' }), receivedAt);
      await repo.insertOnce(anOrphanRemovedEvent({ id: 'o' }, { owner: 'carol' }), receivedAt);
      const docs = await model.find({}, { owner: 1, deletedBy: 1, 'data.owner': 1 }).sort({ id: 1 }).lean();
      expect(docs.map(({ _id, ...rest }) => rest)).toEqual([
        { owner: 'alice', deletedBy: 'bob', data: { owner: 'alice' } },
        { owner: 'carol', deletedBy: null, data: { owner: 'carol' } },
      ]);
    });

    it('has an index led by every field the filters use, each ending in the sort key', async () => {
      const keys = (await model.listIndexes()).map((i) => JSON.stringify(i.key));
      for (const lead of ['workerId', 'labId', 'type', 'owner', 'deletedBy']) {
        expect(keys.some((k) => k.startsWith(`{"${lead}":1`) && k.endsWith('"time":-1,"_id":-1}'))).toBe(
          true,
        );
      }
      expect(keys).toContain('{"time":-1,"_id":-1}');
    });
  });

  describe('paging while events arrive, and streams (FerretDB specifics)', () => {
    beforeEach(() => model.deleteMany({}));

    it('pages 300 events of 30 instants in pages of 7 while 60 more arrive: each old one exactly once, in order', async () => {
      const at = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, i % 30)).toISOString();
      const docs = Array.from({ length: 300 }, (_, i) =>
        aDeletedEvent({ source: `/s${i % 4}`, id: `e-${i}`, time: at(i) }),
      );
      for (const e of docs) await repo.insertOnce(e, receivedAt);
      const expected = (await repo.find({ limit: 0 })).map((e) => e.id);
      const seen: string[] = [];
      let page = await repo.find({ limit: 7 });
      let arriving = 0;
      while (page.length > 0) {
        seen.push(...page.map((e) => e.id));
        // Events of the instants already passed, of the current one and of later ones arrive between pages.
        if (arriving < 60) {
          await repo.insertOnce(
            aDeletedEvent({ source: '/late', id: `late-${arriving}`, time: at(arriving) }),
            receivedAt,
          );
          arriving++;
        }
        page = await repo.find({ after: positionOf(page[page.length - 1]), limit: 7 });
      }
      const old = seen.filter((id) => !id.startsWith('late-'));
      expect(old).toEqual(expected);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('closes the database cursor when the consumer stops early', async () => {
      for (let i = 0; i < 50; i++) await repo.insertOnce(aDeletedEvent({ id: `e-${i}` }), receivedAt);
      // Mongoose's own QueryCursor, watched (it still closes): the class is not exported at run time.
      const probe = model.find().cursor();
      const queryCursor = Object.getPrototypeOf(probe) as { close: () => Promise<void> };
      await probe.next();
      await probe.close();
      const close = jest.spyOn(queryCursor, 'close');
      try {
        const iterator = repo.stream({})[Symbol.asyncIterator]();
        expect((await iterator.next()).done).toBe(false);
        expect(close).not.toHaveBeenCalled();
        await iterator.return!(undefined);
        expect(close).toHaveBeenCalledTimes(1);
      } finally {
        close.mockRestore();
      }
    });
  });
});
