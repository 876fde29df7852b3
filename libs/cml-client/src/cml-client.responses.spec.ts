import nock from 'nock';
import { CmlClient } from './cml-client';
import { CmlBadResponseError } from './errors/cml-bad-response.error';
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

describe('CmlClient requests and response validation', () => {
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

  it('sends show_all=true by default and false on request', async () => {
    nock(TEST_API).get('/labs').query({ show_all: 'true' }).reply(200, [LAB_1, LAB_2]);
    nock(TEST_API).get('/labs').query({ show_all: 'false' }).reply(200, [LAB_1]);

    await expect(client.listLabIds()).resolves.toEqual({ ids: [LAB_1, LAB_2], refused: [] });
    await expect(client.listLabIds({ showAll: false })).resolves.toEqual({ ids: [LAB_1], refused: [] });
    expect(nock.isDone()).toBe(true);
  });

  it.each([
    ['an object', { labs: ['a'] }],
    ['an HTML page', '<html><body>Welcome</body></html>'],
    ['an empty body', ''],
  ])('rejects %s as lab id list', async (_name, body) => {
    nock(TEST_API)
      .get('/labs')
      .query(true)
      .reply(200, body as nock.Body);

    const error = await client.listLabIds().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlBadResponseError);
    expect(error).toMatchObject({ route: 'labs.list', status: 200, outcome: 'bad_response' });
  });

  it('converts a lab to camelCase', async () => {
    nock(TEST_API)
      .get(`/labs/${LAB_1}`)
      .reply(200, cmlLabBody(LAB_1, { unknown_extra: 1 }));

    await expect(client.getLab(LAB_1)).resolves.toEqual({
      id: LAB_1,
      state: 'STOPPED',
      created: '2024-05-01T10:00:00+00:00',
      modified: '2024-05-02T10:00:00+00:00',
      title: 'Lab at Mon 10:00 AM',
      description: 'desc',
      notes: '',
      owner: '00000000-0000-4000-a000-000000000000',
      ownerUsername: 'admin',
      ownerFullname: 'Admin',
      nodeCount: 3,
      linkCount: 2,
      groups: [],
    });
  });

  it('defaults absent optional fields and counts', async () => {
    const body = cmlLabBody(LAB_1);
    for (const key of [
      'lab_description',
      'lab_notes',
      'owner_fullname',
      'node_count',
      'link_count',
      'groups',
    ]) {
      delete body[key];
    }
    body.lab_notes = null;
    nock(TEST_API).get(`/labs/${LAB_1}`).reply(200, body);

    await expect(client.getLab(LAB_1)).resolves.toMatchObject({
      description: '',
      notes: '',
      ownerFullname: '',
      nodeCount: 0,
      linkCount: 0,
      groups: [],
    });
  });

  it.each([
    ['missing id', { id: undefined }],
    ['missing state', { state: undefined }],
    ['numeric title', { lab_title: 42 }],
    ['string node_count', { node_count: '3' }],
    ['negative link_count', { link_count: -1 }],
    ['object groups', { groups: {} }],
    ['numeric description', { lab_description: 7 }],
  ])('rejects a lab with %s', async (_name, overrides) => {
    nock(TEST_API).get(`/labs/${LAB_1}`).reply(200, cmlLabBody(LAB_1, overrides));

    const error = await client.getLab(LAB_1).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlBadResponseError);
    expect((error as Error).message).toMatch(/field "\w+" has an unexpected type or value/);
  });

  it.each([
    ['an array', [cmlLabBody(LAB_1)]],
    ['a string', LAB_1],
    ['HTML', '<html></html>'],
  ])('rejects %s as lab body', async (_name, body) => {
    nock(TEST_API)
      .get(`/labs/${LAB_1}`)
      .reply(200, body as nock.Body);

    await expect(client.getLab(LAB_1)).rejects.toBeInstanceOf(CmlBadResponseError);
  });

  it('rejects a lab whose id differs from the requested one', async () => {
    nock(TEST_API).get(`/labs/${LAB_1}`).reply(200, cmlLabBody(LAB_2));

    await expect(client.getLab(LAB_1)).rejects.toMatchObject({
      name: 'CmlBadResponseError',
      message: expect.stringContaining('different lab'),
    });
  });

  it('normalises listed ids to lowercase UUIDs and refuses, one by one, entries that are no lab id', async () => {
    nock(TEST_API)
      .get('/labs')
      .query(true)
      .reply(200, [LAB_1.toUpperCase(), 'not-a-uuid', 2, LAB_2, LAB_1, null, { id: LAB_2 }, '../etc']);

    await expect(client.listLabIds()).resolves.toEqual({
      ids: [LAB_1, LAB_2],
      refused: ['"not-a-uuid"', '2', 'null', `{"id":"${LAB_2}"}`, '"../etc"'],
    });
  });

  it('accepts a lab whose id CML writes in upper case, as the lowercase id', async () => {
    nock(TEST_API).get(`/labs/${LAB_1}`).reply(200, cmlLabBody(LAB_1.toUpperCase()));
    await expect(client.getLab(LAB_1)).resolves.toMatchObject({ id: LAB_1 });
  });

  it('refuses a lab whose id is not a UUID', async () => {
    nock(TEST_API).get(`/labs/${LAB_1}`).reply(200, cmlLabBody('lab-1'));
    await expect(client.getLab(LAB_1)).rejects.toMatchObject({
      name: 'CmlBadResponseError',
      route: 'labs.get',
    });
  });

  it('encodes lab ids in the URL path', async () => {
    const id = 'a/b?c#d e';
    nock(TEST_API).put('/labs/a%2Fb%3Fc%23d%20e/start').reply(204);
    nock(TEST_API).delete('/labs/a%2Fb%3Fc%23d%20e').reply(204);

    await expect(client.startLab(id)).resolves.toBeUndefined();
    await expect(client.deleteLab(id)).resolves.toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });

  it.each(['', '.', '..'])('refuses lab id %j before sending anything', async (id) => {
    await expect(client.getLab(id)).rejects.toBeInstanceOf(TypeError);
    await expect(client.deleteLab(id)).rejects.toBeInstanceOf(TypeError);
  });

  it('calls start, stop, wipe and delete with the right method and path', async () => {
    nock(TEST_API).put('/labs/l1/start').reply(204);
    nock(TEST_API).put('/labs/l1/stop').reply(204);
    nock(TEST_API).put('/labs/l1/wipe').reply(204);
    nock(TEST_API).delete('/labs/l1').reply(204);

    await client.startLab('l1');
    await client.stopLab('l1');
    await client.wipeLab('l1');
    await client.deleteLab('l1');
    expect(nock.isDone()).toBe(true);
  });

  it('validates system_information', async () => {
    nock(TEST_API).get('/system_information').reply(200, { version: '2.7.0', ready: 'yes' });

    await expect(client.systemInformation()).rejects.toBeInstanceOf(CmlBadResponseError);
  });
});
