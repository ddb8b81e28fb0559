// What every page request carries: the language, the signed-in user (from the session cookie,
// which holds an API token), the CSRF token of its forms, and `api`, which calls the HTTP API
// in-process with the user's token. Pages read and act only through the API: the same routes,
// rules and error messages as any other client, no second path to the data.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client';
import { findUserByTokenHash, type UserView } from '../../db/users';
import { tokenHash } from '../auth';
import { languages, t, type Lang } from './i18n';

export const sessionCookie = 'mesa_sesion';
export const langCookie = 'mesa_idioma';
/** Before login there is no session: the login form's CSRF token is a cookie it must match. */
export const loginCsrfCookie = 'mesa_csrf';

export interface ApiAnswer {
  status: number;
  body: any;
}

export interface Ctx {
  lang: Lang;
  t: (spanish: string) => string;
  user: UserView | null;
  token: string | null;
  csrf: string;
  path: string;
  api(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, headers?: Record<string, string>): Promise<ApiAnswer>;
}

export function cookies(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    // A malformed `%` escape in any cookie (ours or another site's on the same host) is that
    // cookie's problem only: it is ignored, never an error on every page.
    try {
      out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
    } catch { /* ignored */ }
  }
  return out;
}

/** Cookies only scripts cannot read, sent only to this site, and only over TLS when served over TLS. */
export function setCookie(request: FastifyRequest, reply: FastifyReply, name: string, value: string, maxAgeSeconds: number | null): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (maxAgeSeconds !== null) parts.push(`Max-Age=${maxAgeSeconds}`);
  if (request.protocol === 'https') parts.push('Secure');
  const previous = reply.getHeader('set-cookie');
  const list = Array.isArray(previous) ? previous : previous ? [String(previous)] : [];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}

/** A session's CSRF token: derived from its secret token, which no other site can read. */
export const csrfFor = (token: string) => createHash('sha256').update(`csrf|${token}`).digest('hex').slice(0, 40);

export const newCsrf = () => randomBytes(20).toString('hex');

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function contextOf(root: FastifyInstance, db: Db, request: FastifyRequest): Promise<Ctx> {
  const jar = cookies(request);
  const lang: Lang = (languages as readonly string[]).includes(jar[langCookie] ?? '') ? jar[langCookie] as Lang : 'es';
  const token = jar[sessionCookie] ?? null;
  const user = token ? await findUserByTokenHash(db, tokenHash(token)) : null;
  return {
    lang,
    t: (s) => t(lang, s),
    user,
    token: user ? token : null,
    csrf: user && token ? csrfFor(token) : jar[loginCsrfCookie] ?? '',
    path: request.url,
    async api(method, url, payload, headers = {}) {
      const res = await root.inject({
        method, url, ...(payload ? { payload } : {}),
        // The person's own address, so login throttling per address counts them, not this server.
        remoteAddress: request.ip,
        headers: { ...(user && token ? { authorization: `Bearer ${token}` } : {}), 'accept-language': lang, ...headers },
      });
      return { status: res.statusCode, body: String(res.headers['content-type'] ?? '').includes('json') ? res.json() : res.body };
    },
  };
}
