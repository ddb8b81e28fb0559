// Where a webhook may point. A webhook is a request our own network makes on an institution's
// behalf: pointed at 127.0.0.1, the cloud's metadata address or an internal service, it would
// reach what no participant should (SSRF). Loopback, link-local, private and reserved addresses
// are refused, at registration (here, without resolving the name) and again at send time on every
// address the name resolves to (activities/webhook-targets.ts), unless MESA_WEBHOOK_ALLOW names
// them. Pure (addresses are parsed here, not by node:net), so the API and the activities share it.

type Family = 4 | 6;
interface Address { family: Family; value: bigint }
interface Range { family: Family; base: bigint; prefix: number }

const octet = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;

function parseIPv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => octet.test(p))) return null;
  return parts.reduce((n, p) => (n << 8n) | BigInt(Number(p)), 0n);
}

function parseIPv6(text: string): bigint | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string): number[] | null => {
    if (part === '') return [];
    const pieces = part.split(':');
    const out: number[] = [];
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (v4 === null) return null;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return null;
  // An embedded IPv4 address may only end the address.
  if (halves.length === 2 && halves[0]!.includes('.')) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  return [...head, ...Array<number>(missing).fill(0), ...tail].reduce((n, g) => (n << 16n) | BigInt(g), 0n);
}

/** An address literal (IPv4, or IPv6 without brackets), or null for anything else (a host name). */
export function parseAddress(text: string): Address | null {
  const v4 = parseIPv4(text);
  if (v4 !== null) return { family: 4, value: v4 };
  const v6 = text.includes(':') ? parseIPv6(text) : null;
  return v6 === null ? null : { family: 6, value: v6 };
}

/** `::ffff:127.0.0.1` is 127.0.0.1: an IPv4-mapped address is judged as the IPv4 one. */
function unmapped(a: Address): Address {
  return a.family === 6 && a.value >> 32n === 0xffffn ? { family: 4, value: a.value & 0xffffffffn } : a;
}

const bits = (family: Family) => (family === 4 ? 32 : 128);

function range(base: string, prefix: number): Range {
  const a = parseAddress(base);
  if (!a || !Number.isInteger(prefix) || prefix < 0 || prefix > bits(a.family)) throw new RangeError(`Rango de direcciones inválido: ${base}/${prefix}`);
  return { family: a.family, base: a.value, prefix };
}

function inRange(a: Address, r: Range): boolean {
  if (a.family !== r.family) return false;
  const shift = BigInt(bits(r.family) - r.prefix);
  return a.value >> shift === r.base >> shift;
}

const reserved: Range[] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
].map(([base, prefix]) => range(base as string, prefix as number));

export class WebhookAllowList {
  private readonly names = new Set<string>();
  private readonly ranges: Range[] = [];

  /** Host names, addresses and CIDR ranges (MESA_WEBHOOK_ALLOW). */
  constructor(entries: readonly string[] = []) {
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
      const [net = '', prefix] = entry.split('/');
      const address = parseAddress(net);
      if (address) this.ranges.push(range(net, prefix === undefined ? bits(address.family) : Number(prefix)));
      else if (entry) this.names.add(entry);
    }
  }

  /** Whether a connection to this address, reached through this host name, is acceptable. */
  permits(hostname: string, address: string): boolean {
    const parsed = parseAddress(address);
    if (!parsed) return false;
    const a = unmapped(parsed);
    if (!reserved.some((r) => inRange(a, r))) return true;
    return this.names.has(hostname.toLowerCase()) || this.ranges.some((r) => inRange(a, r));
  }
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
  if (parseAddress(host)) return allow.permits(host, host) ? null : 'apunta a una red privada o local, que no se admite';
  if ((host === 'localhost' || host.endsWith('.localhost')) && !allow.permits(host, '127.0.0.1')) return 'apunta a una red privada o local, que no se admite';
  return null;
}

/** For an address literal in the URL, where no lookup happens: checked the same way. */
export function literalRefused(hostname: string, allow: WebhookAllowList): boolean {
  const host = bare(hostname);
  return parseAddress(host) !== null && !allow.permits(host, host);
}
