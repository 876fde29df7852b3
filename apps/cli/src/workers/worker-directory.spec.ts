import nock from 'nock';
import { ApiClient } from '../api/api-client';
import { NotFoundError } from '../cli-errors';
import { WorkerDirectory } from './worker-directory';

const BASE = 'http://api.test';
const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

describe('WorkerDirectory', () => {
  let directory: WorkerDirectory;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock(BASE)
      .get('/api/workers')
      .query({ limit: '500' })
      .reply(200, { items: [{ id: A, name: 'alpha' }], nextCursor: 'next' })
      .get('/api/workers')
      .query({ limit: '500', cursor: 'next' })
      // A worker named like another's id: the id wins.
      .reply(200, { items: [{ id: B, name: A }], nextCursor: null });
    directory = await WorkerDirectory.load(
      new ApiClient({ baseUrl: BASE, token: null, insecure: false, timeoutMs: 1000 }),
    );
  });
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
  });

  it('reads every page', () => {
    expect(directory.all.map((w) => w.id)).toEqual([A, B]);
  });

  it('selects by id in any case or by exact name, each worker once, in the order given', () => {
    expect(directory.select([B.toUpperCase(), 'alpha', A]).map((w) => w.id)).toEqual([B, A]);
  });

  it('selects every worker when none is named', () => {
    expect(directory.select([])).toHaveLength(2);
  });

  it('an id is an id before it is a name', () => {
    expect(directory.find(A)?.name).toBe('alpha');
  });

  it('a name that matches nothing is not found (exit 4); names are case-sensitive', () => {
    expect(() => directory.select(['ALPHA'])).toThrow(NotFoundError);
    expect(() => directory.select(['ALPHA'])).toThrow('No worker has the id or name "ALPHA"');
  });

  it('names a worker it does not list by its id', () => {
    expect(directory.nameOf(A)).toBe('alpha');
    expect(directory.nameOf('gone')).toBe('gone');
  });
});
