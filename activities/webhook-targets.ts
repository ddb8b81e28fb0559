// Where a webhook may point. A webhook is a request our own network makes on an institution's
// behalf: pointed at 127.0.0.1, the cloud's metadata address or an internal service, it would
// reach what no participant should (SSRF). Loopback, link-local, private and reserved addresses
// are refused, at registration and again at send time on every address the name resolves to
// (the request then connects to the address that was checked, so DNS cannot change the answer
// between check and connection), unless MESA_WEBHOOK_ALLOW names them.
import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const reserved = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) reserved.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) reserved.addSubnet(net, prefix, 'ipv6');

/** `::ffff:127.0.0.1` (and `::ffff:7f00:1`) is 127.0.0.1: an IPv4-mapped address is judged as the IPv4 one. */
function unmapped(address: string): string {
  const m = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!m) return address;
  if (m[1]) return m[1];
  const hi = parseInt(m[2]!, 16);
  const lo = parseInt(m[3]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

export class WebhookAllowList {
  private readonly names = new Set<string>();
  private readonly addresses = new BlockList();

  /** Host names, addresses and CIDR ranges (MESA_WEBHOOK_ALLOW). */
  constructor(entries: readonly string[] = []) {
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
      const [net = '', prefix] = entry.split('/');
      const family = isIP(net);
      if (family && prefix !== undefined) this.addresses.addSubnet(net, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
      else if (family) this.addresses.addAddress(net, family === 4 ? 'ipv4' : 'ipv6');
      else if (entry) this.names.add(entry);
    }
  }

  /** Whether a connection to this address, reached through this host name, is acceptable. */
  permits(hostname: string, address: string): boolean {
    const a = unmapped(address);
    const family = isIP(a) === 4 ? 'ipv4' : 'ipv6';
    if (!reserved.check(a, family)) return true;
    return this.names.has(hostname.toLowerCase()) || this.addresses.check(a, family);
  }
}

export class RefusedTarget extends Error {
  override name = 'RefusedTarget';
}

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * At registration: what can be told without resolving the name. An address literal in a private
 * or local range, or a `localhost` name, is refused; other names are checked at each send.
 */
export function registrationProblem(url: string, allow: WebhookAllowList): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'no es una dirección válida';
  }
  const host = bare(parsed.hostname);
  if (isIP(host)) return allow.permits(host, host) ? null : 'apunta a una red privada o local, que no se admite';
  if ((host === 'localhost' || host.endsWith('.localhost')) && !allow.permits(host, '127.0.0.1')) return 'apunta a una red privada o local, que no se admite';
  return null;
}

/**
 * A `lookup` for http(s).request: resolves the name, refuses the connection if any address it
 * resolves to is private or local (and not allowed), and hands the socket the address it checked.
 */
export function checkedLookup(allow: WebhookAllowList): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.find((a) => !allow.permits(hostname, a.address));
      if (refused || !addresses[0]) return callback(new RefusedTarget('destino no permitido'), '', 0);
      if (options.all) return (callback as unknown as (e: null, all: typeof addresses) => void)(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** For an address literal in the URL, where no lookup happens: checked the same way. */
export function literalRefused(hostname: string, allow: WebhookAllowList): boolean {
  const host = bare(hostname);
  return isIP(host) !== 0 && !allow.permits(host, host);
}
