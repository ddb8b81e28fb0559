// The webhook target rule is pure (domain/webhook-targets.ts, shared by the API and the
// activities): its address parsing and ranges agree with Node's own (node:net) on every address.
import { BlockList, isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddress, registrationProblem, WebhookAllowList } from '../domain/webhook-targets';

const reserved = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) reserved.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) reserved.addSubnet(net, prefix, 'ipv6');

// Addresses near the reserved ranges' edges as well as anywhere.
const v4 = fc.oneof(fc.ipV4(), fc.constantFrom('10.0.0.1', '100.63.255.255', '100.64.0.0', '172.31.255.255', '172.32.0.0', '198.19.255.255', '223.255.255.255', '8.8.8.8'));
const v6 = fc.oneof(fc.ipV6(), fc.constantFrom('::1', '::', 'fbff::1', 'fc00::1', 'fdff:ffff::', 'fe80::1', 'febf::1', 'fec0::1', 'ff02::1', '2001:db8::1'));

describe('the webhook target rule', () => {
  it('reads every address as node:net does, and refuses exactly the reserved ranges', () => {
    const none = new WebhookAllowList();
    fc.assert(fc.property(fc.oneof(v4, v6), (address) => {
      expect(parseAddress(address)?.family ?? 0).toBe(isIP(address));
      expect(none.permits('x.example', address)).toBe(!reserved.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6'));
    }), { numRuns: 3000 });
  });

  it('judges an IPv4-mapped address as its IPv4 one, in either spelling', () => {
    const none = new WebhookAllowList();
    for (const a of ['::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:a00:1', '::ffff:169.254.169.254']) expect(none.permits('x', a)).toBe(false);
    expect(none.permits('x', '::ffff:8.8.8.8')).toBe(true);
  });

  it('takes names, addresses and CIDR ranges from MESA_WEBHOOK_ALLOW', () => {
    const allow = new WebhookAllowList(['127.0.0.1', '10.20.0.0/16', 'avisos.intranet', '[fd00::1]']);
    expect(allow.permits('x', '127.0.0.1')).toBe(true);
    expect(allow.permits('x', '127.0.0.2')).toBe(false);
    expect(allow.permits('x', '10.20.255.1')).toBe(true);
    expect(allow.permits('x', '10.21.0.1')).toBe(false);
    expect(allow.permits('Avisos.Intranet', '192.168.1.1')).toBe(true);
    expect(allow.permits('x', 'fd00::1')).toBe(true);
    expect(registrationProblem('http://[::1]:8080/x', new WebhookAllowList())).toMatch(/red privada o local/);
    expect(registrationProblem('http://localhost/x', new WebhookAllowList())).toMatch(/red privada o local/);
    expect(registrationProblem('https://avisos.example.gob.pe/mesa', new WebhookAllowList())).toBeNull();
    expect(registrationProblem('no es url', new WebhookAllowList())).toBe('no es una dirección válida');
    expect(() => new WebhookAllowList(['10.0.0.0/33'])).toThrow(RangeError);
  });
});
