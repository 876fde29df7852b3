import { Logger } from '@nestjs/common';
import { InvalidInputError } from '@app/common';
import { EndpointAddressPolicy } from '../domain/endpoint-address-policy';
import { EndpointGuard } from './endpoint-guard';
import { EndpointResolver } from './ports/endpoint-resolver';

class FakeResolver extends EndpointResolver {
  readonly asked: string[] = [];

  constructor(private readonly answers: Record<string, string[]>) {
    super();
  }

  async resolve(host: string): Promise<string[]> {
    this.asked.push(host);
    const answer = this.answers[host];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return answer;
  }
}

describe('EndpointGuard', () => {
  const resolver = new FakeResolver({
    'metadata.evil.test': ['169.254.169.254'],
    'cml.lab.test': ['10.1.2.3'],
    'mixed.evil.test': ['10.1.2.3', '127.0.0.1'],
    '[::1]': ['::1'],
  });
  const guard = new EndpointGuard(resolver, new EndpointAddressPolicy([]));

  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it('rejects a host name that resolves to the cloud metadata address', async () => {
    const error = await guard.assertAllowed('https://metadata.evil.test').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toContain(
      'endpoint resolves to a blocked address: https://metadata.evil.test',
    );
    expect((error as InvalidInputError).message).toContain('169.254.169.254');
    expect((error as InvalidInputError).errors).toEqual([
      { field: 'endpoint', message: 'resolves to a cloud metadata address (169.254.169.254)' },
    ]);
  });

  it('accepts a host on a private lab network', async () => {
    await expect(guard.assertAllowed('https://cml.lab.test:8443')).resolves.toBeUndefined();
    expect(resolver.asked).toContain('cml.lab.test');
  });

  it('rejects when any one of several addresses is blocked', async () => {
    await expect(guard.assertAllowed('https://mixed.evil.test')).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('checks IPv6 literals', async () => {
    await expect(guard.assertAllowed('https://[::1]:9443')).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('accepts a host that does not resolve (yet); the client checks again when it connects', async () => {
    await expect(guard.assertAllowed('https://not-yet-in-dns.test')).resolves.toBeUndefined();
  });
});
