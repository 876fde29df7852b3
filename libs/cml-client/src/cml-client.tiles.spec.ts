import nock from 'nock';
import { CmlClient } from './cml-client';
import { CmlBadResponseError } from './errors/cml-bad-response.error';
import { CmlNotFoundError } from './errors/cml-not-found.error';
import {
  TEST_API,
  TEST_TOKEN,
  cmlLabBody,
  testSettings,
  releaseNock,
  authExtendedBody,
  LAB_1,
  LAB_2,
} from './testing/cml-client-test.fixtures';

/** A tile as CML 2.x sends it: the lab's fields plus a topology (PCL tests/test_data/populate_lab_tiles.json). */
function tile(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...cmlLabBody(id),
    topology: { nodes: [{ id: 'n0', label: 'r1', state: 'BOOTED' }], links: [] },
    ...extra,
  };
}

describe('CmlClient lab tiles (GET /populate_lab_tiles)', () => {
  let client: CmlClient;

  beforeAll(() => nock.disableNetConnect());
  afterAll(releaseNock);
  beforeEach(() => {
    client = new CmlClient(testSettings({ endpoint: 'https://cml.test/' }));
    nock(TEST_API).post('/auth_extended').reply(200, authExtendedBody(TEST_TOKEN));
  });
  afterEach(() => {
    client.dispose();
    nock.cleanAll();
  });

  it('reads each tile like a lab: the same fields as GET /labs/{id}, topology left out', async () => {
    nock(TEST_API)
      .get('/populate_lab_tiles')
      .matchHeader('authorization', `Bearer ${TEST_TOKEN}`)
      .reply(200, { lab_tiles: { [LAB_1]: tile(LAB_1), [LAB_2]: tile(LAB_2) } });
    nock(TEST_API).get(`/labs/${LAB_1}`).reply(200, cmlLabBody(LAB_1));

    const tiles = await client.labTiles();

    expect(tiles.refused).toBe(0);
    expect(tiles.labs.map((l) => l.id)).toEqual([LAB_1, LAB_2]);
    expect(tiles.labs[0]).toEqual(await client.getLab(LAB_1));
  });

  it('refuses, one by one, tiles that are no valid lab or are filed under another id', async () => {
    nock(TEST_API)
      .get('/populate_lab_tiles')
      .reply(200, {
        lab_tiles: {
          [LAB_1]: tile(LAB_1),
          [LAB_2]: tile(LAB_1),
          'not-a-lab': { lab_title: 'no id, no state' },
          '3f2504e0-4f89-41d3-9a0c-0305e82c3301': 'a string',
        },
      });

    await expect(client.labTiles()).resolves.toMatchObject({ labs: [{ id: LAB_1 }], refused: 3 });
  });

  it('accepts an empty map (a controller without labs)', async () => {
    nock(TEST_API).get('/populate_lab_tiles').reply(200, { lab_tiles: {} });
    await expect(client.labTiles()).resolves.toEqual({ labs: [], refused: 0 });
  });

  it.each([
    ['the pre-2.1 list', [tile(LAB_1)]],
    ['an object without lab_tiles', { tiles: {} }],
    ['an HTML page', '<html><body>Welcome</body></html>'],
  ])('rejects %s as a bad response', async (_name, body) => {
    nock(TEST_API)
      .get('/populate_lab_tiles')
      .reply(200, body as nock.Body);
    const error = await client.labTiles().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CmlBadResponseError);
    expect(error).toMatchObject({ route: 'labs.tiles', outcome: 'bad_response' });
  });

  it("reports CML's own 404 as not found, a proxy's 404 as a bad response (no CML answer)", async () => {
    nock(TEST_API).get('/populate_lab_tiles').reply(404, { code: 404, description: 'Not found' });
    await expect(client.labTiles()).rejects.toBeInstanceOf(CmlNotFoundError);
    nock(TEST_API)
      .get('/populate_lab_tiles')
      .reply(404, '<html><body><h1>404 Not Found</h1></body></html>', { 'content-type': 'text/html' });
    await expect(client.labTiles()).rejects.toMatchObject({ route: 'labs.tiles', status: 404 });
  });

  it('gives up on tiles larger than 64 MiB instead of buffering them', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const lab_tiles = Object.fromEntries(
      Array.from({ length: 65 }, (_, i) => {
        const id = `3f2504e0-4f89-41d3-9a0c-${String(i).padStart(12, '0')}`;
        return [id, tile(id, { lab_description: big })];
      }),
    );
    nock(TEST_API).get('/populate_lab_tiles').reply(200, { lab_tiles });
    await expect(client.labTiles()).rejects.toBeInstanceOf(CmlBadResponseError);
  });
});
