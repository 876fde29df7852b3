import nock from 'nock';
import { CmlClient } from './cml-client';
import { CML_LAB_FIELD_LIMITS } from './responses/cml-lab.schema';
import {
  LAB_1,
  TEST_API,
  TEST_TOKEN,
  authExtendedBody,
  cmlLabBody,
  releaseNock,
  testSettings,
} from './testing/cml-client-test.fixtures';

/** A broken or hostile controller cannot push unbounded or unstorable data through the client. */
describe('CmlClient against a hostile CML', () => {
  let client: CmlClient;

  beforeAll(() => nock.disableNetConnect());
  afterAll(releaseNock);
  beforeEach(() => {
    client = new CmlClient(testSettings({ timeoutMs: 5000 }));
    nock(TEST_API).post('/auth_extended').reply(200, authExtendedBody(TEST_TOKEN));
  });
  afterEach(() => {
    client.dispose();
    nock.cleanAll();
  });

  it('caps title, description, notes and owner fields, marking the cut', async () => {
    nock(TEST_API)
      .get(`/labs/${LAB_1}`)
      .reply(
        200,
        cmlLabBody(LAB_1, {
          lab_title: 'T'.repeat(10_000),
          lab_description: 'D'.repeat(100_000),
          lab_notes: 'N'.repeat(200_000),
          owner_username: 'U'.repeat(5_000),
        }),
      );

    const lab = await client.getLab(LAB_1);

    expect(lab.title).toHaveLength(CML_LAB_FIELD_LIMITS.title);
    expect(lab.title.endsWith('…')).toBe(true);
    expect(lab.description).toHaveLength(CML_LAB_FIELD_LIMITS.description);
    expect(lab.notes).toHaveLength(CML_LAB_FIELD_LIMITS.notes);
    expect(lab.ownerUsername).toHaveLength(CML_LAB_FIELD_LIMITS.person);
  });

  it('keeps of each group only id, permission and name, drops the rest, and at most 100 groups', async () => {
    const hostile = [
      { id: 'g1', permission: 'read_only', name: 'students', $where: 'sleep(1000)', 'a.b': 1 },
      { $gt: '' },
      'not a group',
      { id: 'g2', permission: 'read_write', nested: [[[[[[[]]]]]]] },
      ...Array.from({ length: 500 }, (_, i) => ({ id: `x${i}`, permission: 'read_only' })),
    ];
    nock(TEST_API)
      .get(`/labs/${LAB_1}`)
      .reply(200, cmlLabBody(LAB_1, { groups: hostile }));

    const lab = await client.getLab(LAB_1);

    expect(lab.groups).toHaveLength(CML_LAB_FIELD_LIMITS.groups);
    expect(lab.groups.slice(0, 2)).toEqual([
      { id: 'g1', permission: 'read_only', name: 'students' },
      { id: 'g2', permission: 'read_write' },
    ]);
    for (const g of lab.groups)
      expect(Object.keys(g).every((k) => ['id', 'permission', 'name'].includes(k))).toBe(true);
  });

  it('refuses a lab answer over 1 MiB as a bad response', async () => {
    nock(TEST_API)
      .get(`/labs/${LAB_1}`)
      .reply(200, cmlLabBody(LAB_1, { lab_description: 'x'.repeat(1024 * 1024 + 1) }));

    await expect(client.getLab(LAB_1)).rejects.toMatchObject({
      name: 'CmlBadResponseError',
      route: 'labs.get',
    });
  });

  it('accepts a lab list of 100,000 ids (about 4 MiB), but not a list over 16 MiB', async () => {
    const ids = Array.from(
      { length: 100_000 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    nock(TEST_API).get('/labs').query(true).reply(200, ids);
    await expect(client.listLabIds()).resolves.toMatchObject({ refused: [] });

    nock(TEST_API)
      .get('/labs')
      .query(true)
      .reply(200, JSON.stringify(['x'.repeat(16 * 1024 * 1024)]), { 'Content-Type': 'application/json' });
    await expect(client.listLabIds()).rejects.toMatchObject({
      name: 'CmlBadResponseError',
      route: 'labs.list',
    });
  });

  it('refuses a state answer that is more than a state', async () => {
    nock(TEST_API)
      .get(`/labs/${LAB_1}/state`)
      .reply(200, JSON.stringify('S'.repeat(100_000)), { 'Content-Type': 'application/json' });
    await expect(client.labState(LAB_1)).rejects.toMatchObject({ name: 'CmlBadResponseError' });
  });
});
