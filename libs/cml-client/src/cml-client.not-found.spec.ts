import nock from 'nock';
import { CmlClient } from './cml-client';
import { CmlBadResponseError } from './errors/cml-bad-response.error';
import { CmlNotFoundError } from './errors/cml-not-found.error';
import {
  TEST_API,
  TEST_TOKEN,
  authExtendedBody,
  releaseNock,
  testSettings,
} from './testing/cml-client-test.fixtures';

const LAB = '4a1c1e1e-7b9d-4f6e-9a51-2f4f0a6a9b10';
const NGINX_404 =
  '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** Only CML's own `{code: 404, description}` says a lab is gone; a proxy's 404 says nothing. */
describe('CmlClient: whose 404 it is', () => {
  let client: CmlClient;

  beforeAll(() => nock.disableNetConnect());
  afterAll(releaseNock);
  beforeEach(() => {
    client = new CmlClient(testSettings());
    nock(TEST_API).post('/auth_extended').reply(200, authExtendedBody(TEST_TOKEN));
  });
  afterEach(() => {
    client.dispose();
    nock.cleanAll();
  });

  it("takes CML's JSON error body as the lab being gone", async () => {
    nock(TEST_API)
      .get(`/labs/${LAB}`)
      .reply(404, { code: 404, description: `Lab not found: ${LAB}` });

    await expect(client.getLab(LAB)).rejects.toBeInstanceOf(CmlNotFoundError);
  });

  it.each([
    ['an HTML page from a reverse proxy', NGINX_404, { 'Content-Type': 'text/html' }],
    ['an empty body', '', {}],
    [
      'JSON without CML code and description',
      '{"detail":"Not Found"}',
      { 'Content-Type': 'application/json' },
    ],
    ['JSON with another code', '{"code":500,"description":"x"}', { 'Content-Type': 'application/json' }],
    ['JSON with code 404 but no description', '{"code":404}', { 'Content-Type': 'application/json' }],
  ])('treats a 404 with %s as a bad response, not as "gone"', async (_what, body, headers) => {
    nock(TEST_API).get(`/labs/${LAB}`).reply(404, body, headers);

    const error = await client.getLab(LAB).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CmlBadResponseError);
    expect(error).not.toBeInstanceOf(CmlNotFoundError);
    expect(error).toMatchObject({ status: 404, route: 'labs.get' });
    expect((error as Error).message).toContain('not CML');
  });

  it('applies the same rule to a DELETE', async () => {
    nock(TEST_API).delete(`/labs/${LAB}`).reply(404, NGINX_404, { 'Content-Type': 'text/html' });

    await expect(client.deleteLab(LAB)).rejects.toMatchObject({
      name: 'CmlBadResponseError',
      route: 'labs.delete',
    });
  });
});
