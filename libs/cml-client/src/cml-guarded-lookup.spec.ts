import type { LookupAddress } from 'node:dns';
import type * as dns from 'node:dns';
import { CmlAddressPolicy } from './cml-address-policy';
import { CML_BLOCKED_ADDRESS_CODE } from './cml-blocked-address.error';
import { createGuardedLookup } from './cml-guarded-lookup';

/** A resolver answering every name with `addresses`, like a DNS server that rebinds. */
function fakeDns(addresses: LookupAddress[]): typeof dns.lookup {
  return ((_host: string, _options: unknown, callback: (e: null, a: LookupAddress[]) => void) =>
    process.nextTick(() => callback(null, addresses))) as unknown as typeof dns.lookup;
}

function run(
  lookup: ReturnType<typeof createGuardedLookup>,
  all: boolean,
): Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }> {
  return new Promise((resolve) =>
    lookup('cml.test', { all }, (error, address, family) => resolve({ error, address, family })),
  );
}

describe('createGuardedLookup', () => {
  const loopback: LookupAddress[] = [{ address: '127.0.0.1', family: 4 }];

  it('refuses a name that resolves to a blocked address, naming the address', async () => {
    const { error } = await run(createGuardedLookup(new CmlAddressPolicy([]), fakeDns(loopback)), false);

    expect(error?.code).toBe(CML_BLOCKED_ADDRESS_CODE);
    expect(error?.message).toContain('cml.test resolves to a loopback address (127.0.0.1)');
  });

  it('refuses when one of several answers is blocked', async () => {
    const answers: LookupAddress[] = [
      { address: '10.0.0.5', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ];
    const { error } = await run(createGuardedLookup(new CmlAddressPolicy([]), fakeDns(answers)), true);

    expect(error?.code).toBe(CML_BLOCKED_ADDRESS_CODE);
    expect(error?.message).toContain('169.254.169.254');
  });

  it('passes allowed addresses through in the shape net asked for', async () => {
    const lookup = createGuardedLookup(new CmlAddressPolicy(['127.0.0.0/8']), fakeDns(loopback));

    await expect(run(lookup, false)).resolves.toEqual({ error: null, address: '127.0.0.1', family: 4 });
    await expect(run(lookup, true)).resolves.toMatchObject({ error: null, address: loopback });
  });

  it('uses the system resolver by default (localhost is loopback)', async () => {
    const { error } = await run(createGuardedLookup(new CmlAddressPolicy([])), true);
    // cml.test does not resolve: the resolver's own error is passed on unchanged.
    expect(error?.code).not.toBe(CML_BLOCKED_ADDRESS_CODE);

    const local = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      createGuardedLookup(new CmlAddressPolicy([]))('localhost', { all: true }, (e) => resolve(e)),
    );
    expect(local?.code).toBe(CML_BLOCKED_ADDRESS_CODE);
  });
});
