import { InvalidInputError } from '@app/common';
import { InMemoryWorkerRepository } from '../../../testing/in-memory-worker.repository';
import { aWorker } from '../../../testing/worker.fixture';
import { ListWorkersHandler } from './list-workers.handler';
import { ListWorkersQuery } from './list-workers.query';

const id = (n: number) => `${String(n).repeat(8)}-0000-4000-8000-000000000000`;

describe('ListWorkersHandler', () => {
  let workers: InMemoryWorkerRepository;
  let handler: ListWorkersHandler;

  beforeEach(() => {
    workers = new InMemoryWorkerRepository();
    workers.seed(...[3, 1, 5, 2, 4].map((n) => aWorker({ id: id(n) })));
    handler = new ListWorkersHandler(workers);
  });

  const list = (limit: number, cursor?: string) => handler.execute(new ListWorkersQuery(limit, cursor));

  it('pages through every worker once, in id order, with an opaque cursor', async () => {
    const first = await list(2);
    expect(first.items.map((w) => w.id)).toEqual([id(1), id(2)]);
    expect(first.nextCursor).not.toBeNull();
    expect(first.nextCursor).not.toContain(id(2));

    const second = await list(2, first.nextCursor!);
    expect(second.items.map((w) => w.id)).toEqual([id(3), id(4)]);
    const last = await list(2, second.nextCursor!);
    expect(last.items.map((w) => w.id)).toEqual([id(5)]);
    expect(last.nextCursor).toBeNull();
  });

  it('has no next page when the limit takes every worker', async () => {
    const page = await list(5);
    expect(page.items).toHaveLength(5);
    expect(page.nextCursor).toBeNull();
  });

  it('lists the views of the workers, without credentials', async () => {
    const { items } = await list(1);
    expect(items[0]).toEqual({
      id: id(1),
      name: 'worker 11111111',
      endpoint: 'https://cml-11111111.example.com',
      verifyTls: true,
      enabled: true,
      reconcileMode: 'enforce',
      createdAt: '2026-03-01T00:00:00.000Z',
      updatedAt: '2026-03-01T00:00:00.000Z',
    });
  });

  it('is an empty page when there is no worker', async () => {
    await expect(
      new ListWorkersHandler(new InMemoryWorkerRepository()).execute(new ListWorkersQuery(10)),
    ).resolves.toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it.each(['not-a-cursor!', Buffer.from('{"x":1}').toString('base64url')])(
    'refuses a cursor it did not hand out (%s)',
    async (cursor) => {
      const error = await list(2, cursor).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).errors).toEqual([{ field: 'cursor', message: 'invalid cursor' }]);
    },
  );
});
