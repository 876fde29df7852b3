import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { CmlAddressPolicy } from './cml-address-policy';
import { CmlBlockedAddressError } from './cml-blocked-address.error';

/**
 * A `lookup` for `net.connect` that resolves like the default one, then refuses the connection when
 * any resolved address is blocked by `policy`.
 *
 * Checking here, at connect time, and not only when the worker is saved, defeats DNS rebinding: a
 * name that resolved to a public address at registration cannot later point the client at
 * 127.0.0.1 or the metadata service. One blocked address fails the whole lookup, because with
 * several answers the connection may use any of them (happy eyeballs).
 *
 * `net` skips `lookup` for IP literals; the agent checks those itself (see `createCmlHttpAgent`).
 */
export function createGuardedLookup(
  policy: CmlAddressPolicy,
  resolve: typeof dnsLookup = dnsLookup,
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      for (const { address } of addresses) {
        const verdict = policy.check(address);
        if (!verdict.allowed) {
          callback(new CmlBlockedAddressError(hostname, address, verdict.reason), '', 0);
          return;
        }
      }
      if (options.all) {
        // net asks for every address when it races IPv4 and IPv6 (autoSelectFamily).
        callback(null, addresses);
        return;
      }
      const [first] = addresses;
      if (!first) {
        callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        return;
      }
      callback(null, first.address, first.family);
    });
  };
}
