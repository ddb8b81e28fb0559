// A person with a browser, for tests at the HTTP level: signs in, keeps cookies, and reads the
// form tokens (_csrf, _once) from the last page.
import { expect } from 'vitest';
import type { App } from '../api/app';
import { demoEmail } from '../runtime/demo';
import { demoPassword } from './harness';

/** A signed-in browser (no script): keeps its cookies, and the last page for its form tokens. */
export async function webVisitor(app: App, code: string) {
  const jar = new Map<string, string>();
  let last = '';
  const cookie = () => [...jar].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  const keep = <R extends { headers: Record<string, unknown>; body: string }>(res: R) => {
    for (const c of [(res.headers['set-cookie'] as string | string[] | undefined) ?? []].flat()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      jar.set(pair!.slice(0, i), decodeURIComponent(pair!.slice(i + 1)));
    }
    last = res.body;
    return res;
  };
  const v = {
    get: async (url: string) => keep(await app.inject({ method: 'GET', url, headers: { cookie: cookie() } })).body,
    post: async (url: string, form: Record<string, string>) => keep(await app.inject({
      method: 'POST', url, payload: new URLSearchParams(form).toString(),
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
    })),
    csrf: () => /name="_csrf" value="([^"]+)"/.exec(last)?.[1] ?? '',
    once: () => /name="_once" value="([^"]+)"/.exec(last)?.[1] ?? '',
  };
  await v.get('/entrar');
  expect((await v.post('/entrar', { _csrf: v.csrf(), email: demoEmail(code), password: demoPassword })).statusCode).toBe(303);
  return v;
}
