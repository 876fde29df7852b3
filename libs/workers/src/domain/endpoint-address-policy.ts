import { CmlAddressPolicy } from '@app/cml-client/cml-address-policy';

/**
 * Which IP addresses a worker endpoint may resolve to (SSRF guard), checked when a worker is saved.
 *
 * The rule itself is `CmlAddressPolicy` of the CML client, which enforces it again at connect time
 * (DNS rebinding); the client cannot depend on this context, so the rule lives there and this
 * context names it. Decisions, repeated here because they are the workers context's contract:
 *
 * - Blocked by default: loopback (127.0.0.0/8, ::1), link-local (169.254.0.0/16, fe80::/10), cloud
 *   metadata (169.254.169.254, fd00:ec2::254, 100.100.100.200), unspecified (0.0.0.0/8, ::),
 *   broadcast, multicast and reserved ranges, also in IPv4-mapped (::ffff:127.0.0.1) and
 *   IPv4-compatible IPv6 form.
 * - Allowed by default: RFC 1918 (10/8, 172.16/12, 192.168/16) and unique-local IPv6 (fc00::/7),
 *   because CML controllers live on private lab networks; blocking them would block the product.
 * - `CML_ALLOW_PRIVATE_ENDPOINTS` lists ranges allowed anyway (e.g. 127.0.0.0/8 for a local
 *   simulator); an allowed range wins over a blocked one.
 *
 * Imported from the file, not the package index, so the domain does not pull in Nest or axios.
 */
export class EndpointAddressPolicy extends CmlAddressPolicy {}
