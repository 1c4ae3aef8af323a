import ipaddr from 'ipaddr.js';

/**
 * Cloud metadata services, which hand out credentials to whatever on the machine asks: never
 * a webhook receiver, so they are refused even when private addresses are allowed. AWS, GCP,
 * Azure and others answer on 169.254.169.254; AWS's IPv6 endpoint is fd00:ec2::254.
 */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

/**
 * Whether an outbound request may connect to an address. `range` is ipaddr.js's name for
 * the range a refused address is in (`loopback`, `private`, `linkLocal`, `carrierGradeNat`,
 * `uniqueLocal`, `multicast`, `unspecified`, …) or `metadata`.
 */
export type AddressVerdict = { allowed: true; address: string } | { allowed: false; address: string; range: string };

/**
 * Decides whether an IP address (v4 or v6, as a resolver returns it) may be connected to.
 * Only public unicast passes by default: ipaddr.js names every special-purpose range, and
 * anything it does not call `unicast` is refused (loopback, RFC 1918, CGNAT, link-local,
 * ULA, multicast, unspecified, documentation, 6to4 and NAT64 forms…). An IPv4-mapped IPv6
 * address (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries. `allowPrivate`
 * (for operators on a private network, and tests) lets every range through except the
 * metadata addresses. A text that is not an IP address is refused as `invalid`.
 *
 * @example
 * ```ts
 * import { checkAddress } from './webhooks.js'; // internal to core for now
 *
 * checkAddress('93.184.215.14'); // { allowed: true, address: '93.184.215.14' }
 * checkAddress('::ffff:10.0.0.5'); // { allowed: false, address: '10.0.0.5', range: 'private' }
 * checkAddress('127.0.0.1', { allowPrivate: true }); // { allowed: true, address: '127.0.0.1' }
 * checkAddress('169.254.169.254', { allowPrivate: true }); // { allowed: false, …, range: 'metadata' }
 * ```
 */
export function checkAddress(address: string, options: { allowPrivate?: boolean } = {}): AddressVerdict {
  if (!ipaddr.isValid(address)) return { allowed: false, address, range: 'invalid' };
  const parsed = ipaddr.process(address);
  const normal = parsed.toString();
  if (METADATA_ADDRESSES.has(normal)) return { allowed: false, address: normal, range: 'metadata' };
  const range = parsed.range();
  if (range === 'unicast' || options.allowPrivate === true) return { allowed: true, address: normal };
  return { allowed: false, address: normal, range };
}
