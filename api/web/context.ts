// What every page request carries: the language, the signed-in user (from the session cookie,
// which holds an API token), the CSRF token of its forms (@fastify/csrf-protection), and `api`, which calls the HTTP API
// in-process with the user's token. Pages read and act only through the API: the same routes,
// rules and error messages as any other client, no second path to the data.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client';
import { findUserByTokenHash, type UserView } from '../../db/users';
import { tokenHash } from '../auth';
import { languages, t, type Lang } from './i18n';

export const sessionCookie = 'mesa_sesion';
export const langCookie = 'mesa_idioma';
/** The secret every form's CSRF token is checked against, the login form's included. */
export const csrfCookie = 'mesa_csrf';

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
  api(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object, headers?: Record<string, string>): Promise<ApiAnswer>;
}

/**
 * Cookies only scripts cannot read, sent only to this site, and only over TLS when served over TLS
 * (@fastify/cookie reads and writes them; @fastify/csrf-protection keeps its secret in one).
 */
export const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto' } as const;

export async function contextOf(root: FastifyInstance, db: Db, request: FastifyRequest, reply: FastifyReply): Promise<Ctx> {
  const jar = request.cookies;
  const lang: Lang = (languages as readonly string[]).includes(jar[langCookie] ?? '') ? jar[langCookie] as Lang : 'es';
  const token = jar[sessionCookie] ?? null;
  const user = token ? (await findUserByTokenHash(db, tokenHash(token)))?.user ?? null : null;
  return {
    lang,
    t: (s) => t(lang, s),
    user,
    token: user ? token : null,
    // The forms' token, checked against the secret in its cookie (set here when the browser has none).
    csrf: reply.generateCsrf(),
    path: request.url,
    async api(method, url, payload, headers = {}) {
      const res = await root.inject({
        method, url, ...(payload ? { payload } : {}),
        // The person's own address, so login throttling per address counts them, not this server.
        remoteAddress: request.ip,
        headers: {
          ...(user && token ? { authorization: `Bearer ${token}` } : {}), 'accept-language': lang,
          // The person's own browser, which the sessions list names a session by.
          ...(request.headers['user-agent'] ? { 'user-agent': request.headers['user-agent'] } : {}), ...headers,
        },
      });
      return { status: res.statusCode, body: String(res.headers['content-type'] ?? '').includes('json') ? res.json() : res.body };
    },
  };
}
