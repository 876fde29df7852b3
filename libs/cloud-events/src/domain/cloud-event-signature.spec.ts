import { createHmac } from 'node:crypto';
import { cloudEventSigningInput, signCloudEvent, verifyCloudEventSignature } from './cloud-event-signature';

const SECRET = 's'.repeat(32);
const headers = {
  'content-type': 'application/json; charset=utf-8',
  'ce-type': 'io.cml-labs.lab.deleted.v1',
  'ce-id': 'e-1',
  host: 'audit:8081',
  authorization: 'Bearer x',
};
const body = '{"labId":"l-1"}';

describe('CloudEvent signature', () => {
  it('signs a version line, content-type and the ce-* headers (sorted), a blank line, then the body', () => {
    expect(cloudEventSigningInput(headers, body).toString('utf8')).toBe(
      'cml-labs-signature-v1\nce-id:e-1\nce-type:io.cml-labs.lab.deleted.v1\n' +
        'content-type:application/json; charset=utf-8\n\n{"labId":"l-1"}',
    );
    const expected = createHmac('sha256', SECRET).update(cloudEventSigningInput(headers, body)).digest('hex');
    expect(signCloudEvent(SECRET, headers, body)).toBe(`sha256=${expected}`);
  });

  it('verifies what it signed, whatever the header case or other headers', () => {
    const signature = signCloudEvent(SECRET, headers, body);
    const received = {
      'CE-ID': 'e-1',
      'ce-type': headers['ce-type'],
      'content-type': headers['content-type'],
    };
    expect(verifyCloudEventSignature(SECRET, received, Buffer.from(body), signature)).toBe(true);
    expect(
      verifyCloudEventSignature(SECRET, received, body, signature.toUpperCase().replace('SHA256', 'sha256')),
    ).toBe(true);
  });

  it.each<[string, Parameters<typeof verifyCloudEventSignature>]>([
    ['another secret', ['t'.repeat(32), headers, body, signCloudEvent(SECRET, headers, body)]],
    ['another body', [SECRET, headers, '{"labId":"l-2"}', signCloudEvent(SECRET, headers, body)]],
    ['another ce-id', [SECRET, { ...headers, 'ce-id': 'e-2' }, body, signCloudEvent(SECRET, headers, body)]],
    [
      'an added ce-* header',
      [SECRET, { ...headers, 'ce-x': '1' }, body, signCloudEvent(SECRET, headers, body)],
    ],
    ['no signature', [SECRET, headers, body, undefined]],
    ['a bare hex digest', [SECRET, headers, body, signCloudEvent(SECRET, headers, body).slice(7)]],
    ['a short digest', [SECRET, headers, body, signCloudEvent(SECRET, headers, body).slice(0, -2)]],
  ])('refuses %s', (_name, args) => {
    expect(verifyCloudEventSignature(...args)).toBe(false);
  });
});
