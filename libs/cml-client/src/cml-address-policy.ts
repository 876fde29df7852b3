import { BlockList, isIP } from 'node:net';

/** Outcome of {@link CmlAddressPolicy.check}; `reason` is safe to show to users (it names only the address). */
export type CmlAddressVerdict = { allowed: true } | { allowed: false; reason: string };

interface BlockedRange {
  /** Human label used in the reason, e.g. "a loopback address". */
  label: string;
  cidrs: string[];
}

// Order matters: the first matching range names the reason, so the specific ranges (cloud metadata)
// come before the broad ones that contain them (link-local).
const BLOCKED_RANGES: readonly BlockedRange[] = [
  {
    label: 'a cloud metadata address',
    // AWS/GCP/Azure/OpenStack (169.254.169.254), Alibaba (100.100.100.200), AWS IPv6 (fd00:ec2::254).
    // fd00:ec2::254 is a unique-local address, which is otherwise allowed, so it is listed explicitly.
    cidrs: ['169.254.169.254/32', '100.100.100.200/32', 'fd00:ec2::254/128'],
  },
  { label: 'an unspecified address', cidrs: ['0.0.0.0/8', '::/128'] },
  { label: 'a loopback address', cidrs: ['127.0.0.0/8', '::1/128'] },
  { label: 'a link-local address', cidrs: ['169.254.0.0/16', 'fe80::/10'] },
  { label: 'a broadcast address', cidrs: ['255.255.255.255/32'] },
  { label: 'a multicast address', cidrs: ['224.0.0.0/4', 'ff00::/8'] },
  // 240/4 is "reserved for future use": nothing legitimate lives there, and some stacks route it oddly.
  { label: 'a reserved address', cidrs: ['240.0.0.0/4'] },
  // ::a.b.c.d (deprecated IPv4-compatible form) can reach the embedded IPv4 address on some stacks,
  // so it would smuggle 127.0.0.1 past the IPv4 rules. IPv4-mapped ::ffff:a.b.c.d needs no rule:
  // BlockList matches it against the IPv4 ranges above.
  { label: 'an IPv4-compatible IPv6 address', cidrs: ['::/96'] },
];

/**
 * Decides which IP addresses a CML controller ("worker") may be reached at, so that a worker
 * endpoint cannot be used to make this service call itself, its host or the cloud metadata service
 * (SSRF).
 *
 * Blocked unless listed in `allowedCidrs` (`CML_ALLOW_PRIVATE_ENDPOINTS`): loopback, link-local
 * (which contains the cloud metadata address 169.254.169.254), cloud metadata addresses,
 * unspecified, broadcast, multicast and reserved addresses, in IPv4, IPv6, IPv4-mapped IPv6
 * (`::ffff:127.0.0.1`) and IPv4-compatible IPv6 form.
 *
 * Allowed by default: RFC 1918 (10/8, 172.16/12, 192.168/16), unique-local IPv6 (fc00::/7) and
 * carrier-grade NAT (100.64/10). Decision: CML controllers live on private lab networks, so
 * blocking private ranges would block the product's main use; what must never be reachable is the
 * machine this service runs on and the metadata service that hands out its cloud credentials.
 *
 * Pure: no I/O. Callers resolve names first and check every address.
 */
export class CmlAddressPolicy {
  readonly #allowed = new BlockList();
  readonly #blocked: ReadonlyArray<{ label: string; list: BlockList }>;

  /**
   * @param allowedCidrs ranges allowed although blocked by default, e.g. `['127.0.0.0/8', '::1/128']`.
   * @throws Error when a range is not a valid CIDR, so a typo fails at startup instead of opening or
   *   closing more than intended.
   */
  constructor(allowedCidrs: readonly string[] = []) {
    for (const cidr of allowedCidrs) {
      addCidr(this.#allowed, cidr);
    }
    this.#blocked = BLOCKED_RANGES.map(({ label, cidrs }) => {
      const list = new BlockList();
      cidrs.forEach((cidr) => addCidr(list, cidr));
      return { label, list };
    });
  }

  /** Whether a connection to `address` (an IP literal, never a host name) is allowed. */
  check(address: string): CmlAddressVerdict {
    const ip = address.replace(/^\[(.*)\]$/, '$1');
    const family = isIP(ip);
    if (family === 0) {
      // Only resolved addresses reach this point; anything else is refused rather than guessed at.
      return { allowed: false, reason: `is not an IP address (${address})` };
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.#allowed.check(ip, type)) {
      return { allowed: true };
    }
    const hit = this.#blocked.find(({ list }) => list.check(ip, type));
    return hit ? { allowed: false, reason: `resolves to ${hit.label} (${ip})` } : { allowed: true };
  }
}

function addCidr(list: BlockList, cidr: string): void {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  const family = match ? isIP(match[1]) : 0;
  const prefix = match ? Number(match[2]) : -1;
  if (!match || family === 0 || prefix > (family === 4 ? 32 : 128)) {
    throw new Error(`"${cidr}" is not a CIDR range like 10.0.0.0/8 or fd00::/8`);
  }
  list.addSubnet(match[1], prefix, family === 4 ? 'ipv4' : 'ipv6');
}
