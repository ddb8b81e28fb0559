import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { findUserByEmail, insertToken, updatePasswordHash } from '../../db/users';
import { addDuration } from '../../domain/durations';
import type { AppDeps } from '../deps';
import { currentUser, dummyPasswordHash, hashPassword, needsRehash, newToken, verifyAgainstDummy, verifyPassword } from '../auth';
import { ApiError } from '../errors';
import { LoginThrottle, defaultThrottleLimits } from '../login-throttle';
import { errorResponses, TokenRequest, TokenResponse, UserBody } from '../schemas';

// Control characters (NUL above all, which PostgreSQL cannot store or compare) and lone surrogates
// are no part of any address: refused before the database is asked.
const unusable = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const authRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const throttle = new LoginThrottle(deps.loginLimits ?? defaultThrottleLimits);
  // Made now, so even the first unknown account costs one scrypt, not two.
  void dummyPasswordHash();

  app.post('/auth/token', {
    schema: {
      operationId: 'createToken', tags: ['auth'],
      summary: 'Inicia sesión: devuelve un token bearer. Tras varios intentos fallidos (por cuenta o por dirección) responde 429 con Retry-After.',
      security: [], body: TokenRequest,
      response: { 200: TokenResponse, ...errorResponses(400, 401, 429, 503) },
    },
  }, async (request, reply) => {
    const { email, password } = request.body;
    if (unusable.test(email)) {
      throw new ApiError(400, 'invalid_body', 'El campo «email» contiene caracteres no permitidos.', { field: 'email', in: 'body' });
    }
    const account = email.trim().toLowerCase();
    const wait = throttle.retryAfter(account, request.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new ApiError(429, 'too_many_attempts', `Demasiados intentos fallidos. Espere ${Math.ceil(wait / 60)} minuto(s) antes de volver a intentarlo.`, { retryAfterSeconds: wait });
    }
    const found = await findUserByEmail(deps.db, email);
    // The same answer, after the same scrypt work, for an unknown email and a wrong password: no
    // way to probe for accounts, by the answer or by its time.
    const valid = found ? await verifyPassword(password, found.passwordHash) : await verifyAgainstDummy(password);
    if (!found || !valid) {
      throttle.failed(account, request.ip);
      throw new ApiError(401, 'invalid_credentials', 'Correo o contraseña incorrectos.');
    }
    throttle.succeeded(account);
    if (needsRehash(found.passwordHash)) await updatePasswordHash(deps.db, found.user.id, await hashPassword(password));
    const { token, hash } = newToken();
    const expiresAt = addDuration(new Date(), deps.tokenTtl);
    await insertToken(deps.db, hash, found.user.id, expiresAt, { userAgent: request.headers['user-agent'] ?? null, address: request.ip });
    return { token, expiresAt: expiresAt.toISOString(), user: found.user };
  });
};

export const meRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app) => {
  app.get('/me', {
    schema: { operationId: 'getMe', tags: ['auth'], summary: 'El usuario que llama.', response: { 200: UserBody, ...errorResponses(400, 401, 503) } },
  }, async (request) => currentUser(request));
};
