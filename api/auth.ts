// Passwords (scrypt), opaque bearer tokens (only their SHA-256 is stored) and the request hooks
// that say who is calling and whether their role may do what they ask.
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client';
import { touchSession } from '../db/accounts';
import { findUserByTokenHash, type UserView } from '../db/users';
import { roleHoldersWords } from '../domain/catalogue';
import type { Role } from '../domain/vocabulary';
import { ApiError, forbidden } from './errors';

// OWASP's scrypt parameters (N=2^17, r=8, p=1): 128 MiB per hash, above Node's default 32 MiB
// ceiling, so maxmem is raised with room for the old parameters too.
const scryptParams = { N: 2 ** 17, r: 8, p: 1, keylen: 64 };
const maxmem = 256 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, { ...options, maxmem }, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$salt$key`, all that is needed to verify later even if the defaults change. */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keylen } = scryptParams;
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, keylen, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(N), r: Number(r), p: Number(p) });
  return timingSafeEqual(actual, expected);
}

/** A hash made with weaker parameters than today's: rehashed at the next successful login. */
export function needsRehash(stored: string): boolean {
  const [scheme, N, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(N) < scryptParams.N || Number(r) < scryptParams.r || Number(p) < scryptParams.p;
}

let dummyHash: Promise<string> | null = null;

/** The hash unknown accounts are checked against; made once, when the API starts. */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummyHash;
}

/**
 * For an unknown email: the same scrypt work as checking a real password, so the time of the
 * answer does not tell which accounts exist. Always false.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(password, await dummyPasswordHash());
  return false;
}

export function newToken(): { token: string; hash: string } {
  const token = `mesa_${randomBytes(32).toString('base64url')}`;
  return { token, hash: tokenHash(token) };
}

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

declare module 'fastify' {
  interface FastifyRequest {
    user: UserView | null;
  }
}

/** onRequest hook: a valid bearer token, or 401 before anything else is looked at. */
export function authenticate(db: Db) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError(401, 'unauthorized', 'Falta el encabezado Authorization: Bearer <token>. Obtenga un token en POST /api/v1/auth/token.');
    const hash = tokenHash(match[1]!);
    const session = await findUserByTokenHash(db, hash);
    if (!session) throw new ApiError(401, 'unauthorized', 'El token no es válido o ha vencido. Inicie sesión de nuevo.');
    const { user } = session;
    request.user = user;
    // For the sessions list: when this session was last used, written at most once a minute.
    if (session.lastUseDue) await touchSession(db, hash);
    // From here on every log line of this request says who made it.
    request.log = reply.log = request.log.child({ user: user.id, institution: user.institution.code });
  };
}

/** onRequest hook after authenticate: 403 unless the caller holds one of the roles. */
export function requireRole(...allowed: Role[]) {
  return async (request: FastifyRequest) => {
    const roles = request.user?.roles ?? [];
    if (!allowed.some((r) => roles.includes(r))) {
      throw forbidden(`Solo ${allowed.map((r) => roleHoldersWords[r].es).join(' o ')} ${allowed.length === 1 && allowed[0] === 'secretaria' ? 'puede' : 'pueden'} hacer esto.`);
    }
  };
}

export function currentUser(request: FastifyRequest): UserView {
  if (!request.user) throw new ApiError(401, 'unauthorized', 'Inicie sesión.');
  return request.user;
}
