import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Which URLs the server may call on someone's say-so (webhook endpoints), so that a URL cannot point
 * the server at itself or its private network (server-side request forgery).
 *
 * In production: https only, no credentials in the URL, no `localhost` names, no literal address in a
 * private, loopback, link-local, shared, multicast or reserved range, and — at connection time — no
 * host name that resolves to one (the connection uses the address that was checked, so a name that
 * resolves differently the second time cannot slip through). Outside production, http is allowed for
 * the local machine (a receiver under test) and nothing is refused by address.
 *
 * Not covered: an HTTP proxy in the environment (none is used), and addresses that are public but
 * route somewhere internal (a cloud NAT, a VPN); run the worker where it cannot reach internal
 * services, or behind an egress proxy that filters them, for that.
 */
const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier NAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64: may reach any IPv4 address, private ones included
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo: embeds an IPv4 address
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, bits, 'ipv6');
}

/** True for an address the server must not call in production (IPv4-mapped IPv6 counts as its IPv4). */
export function isBlockedAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 0) return true;
  return blocked.check(address, version === 4 ? 'ipv4' : 'ipv6');
}

export interface OutboundPolicy {
  /** Production rules (https only, no private addresses); otherwise local http receivers are allowed. */
  production: boolean;
}

/** Why a URL is refused: a code and a sentence for the caller. */
export interface UrlProblem {
  code:
    | 'invalid'
    | 'https_required'
    | 'credentials_not_allowed'
    | 'private_address'
    | 'too_long'
    | 'fragment_not_allowed';
  message: string;
}

const MAX_URL_LENGTH = 2048;

function hostOf(url: URL): string {
  // An IPv6 literal keeps its brackets in `hostname`.
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

function isLocalName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === 'localhost.';
}

function isLocalMachine(host: string): boolean {
  if (isLocalName(host)) return true;
  const version = isIP(host);
  if (version === 4) return host.startsWith('127.');
  return version === 6 && (host === '::1' || host.startsWith('::ffff:127.') || host === '::ffff:7f00:1');
}

/** The URL as the server may call it, or the problem with it. */
export function checkOutboundUrl(raw: string, policy: OutboundPolicy): URL | UrlProblem {
  if (raw.length > MAX_URL_LENGTH)
    return { code: 'too_long', message: 'Use a URL of at most 2048 characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { code: 'invalid', message: 'Enter a full URL, such as https://billing.example.org/webhooks' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { code: 'invalid', message: 'Use an https:// URL' };
  }
  if (url.username || url.password) {
    return { code: 'credentials_not_allowed', message: 'Remove the user name and password from the URL' };
  }
  if (url.hash) return { code: 'fragment_not_allowed', message: 'Remove the #fragment from the URL' };
  const host = hostOf(url);
  if (!policy.production) {
    if (url.protocol === 'http:' && !isLocalMachine(host)) {
      return {
        code: 'https_required',
        message: 'Use https:// (http:// only for this machine, in development)',
      };
    }
    return url;
  }
  if (url.protocol !== 'https:') return { code: 'https_required', message: 'Use an https:// URL' };
  if (isLocalName(host) || (isIP(host) !== 0 && isBlockedAddress(host))) {
    return { code: 'private_address', message: 'Use a URL on the public internet' };
  }
  return url;
}

export function isUrlProblem(value: URL | UrlProblem): value is UrlProblem {
  return !(value instanceof URL);
}

/** The error a guarded lookup fails with when every address of a name is refused. */
export class AddressRefusedError extends Error {
  readonly code = 'EADDRREFUSED';
  constructor(host: string) {
    super(`${host} resolves only to addresses the server may not call`);
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;
type Resolver = (
  host: string,
  options: LookupAllOptions,
  done: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for http.request/net.connect that resolves the name and keeps only addresses the server
 * may call; the socket then connects to one of those, so the check and the connection see the same
 * address. `resolve` is dns.lookup (a test passes its own).
 */
export function guardedLookup(resolve: Resolver = dnsLookup as unknown as Resolver) {
  return (host: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback) => {
    resolve(
      host,
      { all: true, family: options.family === undefined ? 0 : Number(options.family) || 0 },
      (err, addresses) => {
        if (err) return callback(err, []);
        const allowed = addresses.filter((a) => !isBlockedAddress(a.address));
        if (allowed.length === 0) return callback(new AddressRefusedError(host), []);
        if (options.all) return callback(null, allowed);
        const first = allowed[0] as LookupAddress;
        return callback(null, first.address, first.family);
      },
    );
  };
}
