import { ConflictError } from '@app/common';
import { InMemoryWorkerRepository } from './in-memory-worker.repository';
import { aWorker } from './worker.fixture';

const A = 'aaaaaaaa-0000-4000-8000-000000000000';
const B = 'bbbbbbbb-0000-4000-8000-000000000000';

/** The contract MongoWorkerRepository keeps with its unique indexes and version checks. */
describe('InMemoryWorkerRepository', () => {
  let repo: InMemoryWorkerRepository;
  beforeEach(async () => {
    repo = new InMemoryWorkerRepository();
    await repo.insert(aWorker({ id: A, name: 'Alpha', endpoint: 'https://alpha.test' }));
  });

  it.each([
    ['a taken id', { id: A, name: 'Other', endpoint: 'https://other.test' }, {}],
    [
      'a taken name in another case',
      { id: B, name: 'ALPHA', endpoint: 'https://other.test' },
      { field: 'name' },
    ],
    ['a taken endpoint', { id: B, name: 'Other', endpoint: 'https://alpha.test' }, { field: 'endpoint' }],
  ])('refuses to insert %s with a ConflictError', async (_what, input, details) => {
    const error = await repo.insert(aWorker(input)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toEqual(details);
    expect(await repo.findAll()).toHaveLength(1);
  });

  it('saves only at the version read, and stores the next one', async () => {
    const first = (await repo.findById(A))!;
    const second = (await repo.findById(A))!;
    first.apply({ name: 'Alpha 1' }, new Date());
    second.apply({ name: 'Alpha 2' }, new Date());
    expect(await repo.save(first)).toBe(true);
    expect(await repo.save(second)).toBe(false);
    expect((await repo.findById(A))!.toProps()).toMatchObject({ name: 'Alpha 1', version: 1 });
  });

  it('refuses to save a rename onto a taken name', async () => {
    await repo.insert(aWorker({ id: B, name: 'Beta', endpoint: 'https://beta.test' }));
    const b = (await repo.findById(B))!;
    b.apply({ name: 'alpha' }, new Date());
    await expect(repo.save(b)).rejects.toBeInstanceOf(ConflictError);
  });

  it('pages in id order and removes once', async () => {
    await repo.insert(aWorker({ id: B, name: 'Beta', endpoint: 'https://beta.test' }));
    expect(await repo.page(1)).toMatchObject({ items: [{ id: A }], nextCursor: A });
    expect(await repo.page(1, A)).toMatchObject({ items: [{ id: B }], nextCursor: null });
    expect(await repo.remove(A)).toBe(true);
    expect(await repo.remove(A)).toBe(false);
  });
});
