import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { findUserByEmail, insertToken } from '../../db/users';
import { addDuration } from '../../domain/durations';
import type { AppDeps } from '../app';
import { currentUser, newToken, verifyPassword } from '../auth';
import { ApiError } from '../errors';
import { ErrorBody, TokenRequest, TokenResponse, UserBody } from '../schemas';

export const authRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  app.post('/auth/token', {
    schema: {
      summary: 'Inicia sesión: devuelve un token bearer.', security: [], body: TokenRequest,
      response: { 200: TokenResponse, 401: ErrorBody },
    },
  }, async (request) => {
    const found = await findUserByEmail(deps.db, request.body.email);
    // The same answer for an unknown email and a wrong password: no way to probe for accounts.
    if (!found || !(await verifyPassword(request.body.password, found.passwordHash))) {
      throw new ApiError(401, 'invalid_credentials', 'Correo o contraseña incorrectos.');
    }
    const { token, hash } = newToken();
    const expiresAt = addDuration(new Date(), deps.tokenTtl);
    await insertToken(deps.db, hash, found.user.id, expiresAt);
    return { token, expiresAt: expiresAt.toISOString(), user: found.user };
  });
};

export const meRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app) => {
  app.get('/me', { schema: { summary: 'El usuario que llama.', response: { 200: UserBody } } }, async (request) => currentUser(request));
};
