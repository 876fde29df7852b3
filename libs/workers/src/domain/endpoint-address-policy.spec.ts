import { EndpointAddressPolicy } from './endpoint-address-policy';

describe('EndpointAddressPolicy', () => {
  const strict = new EndpointAddressPolicy([]);

  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.8.9.10', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:7f00:1', 'a loopback address'],
    ['169.254.169.254', 'a cloud metadata address'],
    ['fd00:ec2::254', 'a cloud metadata address'],
    ['::ffff:169.254.169.254', 'a cloud metadata address'],
    ['169.254.1.1', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['febf::1', 'a link-local address'],
    ['0.0.0.0', 'an unspecified address'],
    ['::', 'an unspecified address'],
    ['::ffff:0.0.0.0', 'an unspecified address'],
    ['255.255.255.255', 'a broadcast address'],
    ['224.0.0.1', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['::127.0.0.1', 'an IPv4-compatible IPv6 address'],
  ])('blocks %s as %s', (address, label) => {
    expect(strict.check(address)).toEqual({
      allowed: false,
      reason: `resolves to ${label} (${address})`,
    });
  });

  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.10',
    'fd12:3456::1',
    'fc00::1',
    '8.8.8.8',
    '2001:db8::1',
    '::ffff:10.0.0.5',
  ])('allows %s (private lab networks and public addresses)', (address) => {
    expect(strict.check(address)).toEqual({ allowed: true });
  });

  it('lets an allow-listed range override a blocked one, and only that range', () => {
    const policy = new EndpointAddressPolicy(['127.0.0.0/8', '::1/128']);

    expect(policy.check('127.0.0.1')).toEqual({ allowed: true });
    expect(policy.check('::1')).toEqual({ allowed: true });
    expect(policy.check('::ffff:127.0.0.1')).toEqual({ allowed: true });
    expect(policy.check('169.254.169.254')).toMatchObject({ allowed: false });
  });

  it('accepts a bracketed IPv6 address as URLs write it', () => {
    expect(strict.check('[::1]')).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('loopback'),
    });
  });

  it('refuses something that is not an IP address instead of guessing', () => {
    expect(strict.check('localhost')).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('not an IP'),
    });
  });

  it.each(['10.0.0.0', '10.0.0.0/33', 'fe80::/129', 'nonsense/8'])(
    'fails fast on the bad range %s',
    (cidr) => {
      expect(() => new EndpointAddressPolicy([cidr])).toThrow('is not a CIDR range');
    },
  );
});
