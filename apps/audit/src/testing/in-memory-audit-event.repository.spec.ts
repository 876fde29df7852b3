import { auditEventRepositoryContract } from './audit-event-repository.contract';
import { InMemoryAuditEventRepository } from './in-memory-audit-event.repository';
import { aDeletedEvent } from './lab-audit-event.fixture';

/** The contract MongoAuditEventRepository keeps with its `${source}|${id}` _id and its sorted, limited find. */
describe('InMemoryAuditEventRepository', () => {
  auditEventRepositoryContract(async () => new InMemoryAuditEventRepository());

  it('counts what it stored, a duplicate not', async () => {
    const repo = new InMemoryAuditEventRepository();
    await repo.insertOnce(aDeletedEvent({ id: 'e-1' }), new Date());
    await repo.insertOnce(aDeletedEvent({ id: 'e-1' }), new Date());
    expect(repo.size).toBe(1);
  });

  it('with failWith set, throws on every call and stores nothing', async () => {
    const repo = new InMemoryAuditEventRepository();
    repo.failWith = new Error('database down');
    await expect(repo.insertOnce(aDeletedEvent(), new Date())).rejects.toThrow('database down');
    await expect(repo.find({ limit: 10 })).rejects.toThrow('database down');
    repo.failWith = null;
    expect(repo.size).toBe(0);
  });
});
