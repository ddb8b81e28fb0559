// The send-time half of the webhook target rule (domain/webhook-targets.ts): the name is resolved
// and every address it resolves to is checked, and the request then connects to the address that
// was checked, so DNS cannot change the answer between check and connection.
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { WebhookAllowList } from '../domain/webhook-targets';

export class RefusedTarget extends Error {
  override name = 'RefusedTarget';
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
