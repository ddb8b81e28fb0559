// Accounts: a user's own password and sessions, a forgotten password reset by a one-time link
// sent by email, and the secretariat's management of every institution's users. Links carry a
// random token of which only the SHA-256 is kept; the email goes out through the delivery
// workflow (workflows/deliveries.ts), written with the link in one transaction, so an
// acknowledged request's message is retried until it is sent and never lost.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  changeAccount, endSession, endSessions, getAccount, insertAccount, issuePasswordLink, listAccountEvents, listAccounts, listSessions,
  passwordLinkOwner, replacePassword, takePasswordLink,
} from '../../db/accounts';
import { institutionId } from '../../db/registry';
import { findUserByEmail } from '../../db/users';
import { institutionExists } from '../../db/contacts';
import { accessMessage, passwordLinkLifetime, passwordProblem, type PasswordLinkPurpose } from '../../domain/accounts';
import { normalizeText, textLimits, textProblem } from '../../domain/text';
import { MesaKind } from '../../workflows/search-attributes';
import type { AppDeps } from '../deps';
import { currentUser, hashPassword, tokenHash, verifyAgainstDummy, verifyPassword } from '../auth';
import { roleRoute } from '../action-route';
import { ApiError, notFound } from '../errors';
import { LoginThrottle, defaultThrottleLimits, type ThrottleLimits } from '../login-throttle';
import { errorResponses } from '../schemas';
import {
  AccountBody, AccountChangeBody, AccountCreateBody, AccountEventList, AccountEventQuery, AccountList, NeutralAnswer, PasswordChangeBody,
  PasswordResetBody, PasswordResetRequestBody, SessionIdParams, SessionsAnswer,
} from '../account-schemas';

/** An empty answer (204). */
const done = { type: 'null', description: 'Hecho; sin contenido.' } as const;

const badField = (field: string, message: string) => new ApiError(400, 'invalid_body', message, { field, in: 'body' });

function checkedPassword(field: string, password: string, email: string): void {
  const problem = passwordProblem(password, email);
  if (problem) throw badField(field, `El campo «${field}» ${problem}.`);
}

/** How often a reset link may be asked for: a few per account, more per address, in one window. */
const resetLimits = (login: ThrottleLimits): ThrottleLimits => ({ perAccount: 3, perAddress: login.perAddress, windowSeconds: login.windowSeconds });

/** 429 with Retry-After while the throttle holds this account or address back. */
function refuseWhileThrottled(throttle: LoginThrottle, account: string, request: FastifyRequest, reply: FastifyReply): void {
  const wait = throttle.retryAfter(account, request.ip);
  if (wait <= 0) return;
  reply.header('retry-after', String(wait));
  throw new ApiError(429, 'too_many_attempts', `Demasiados intentos. Espere ${Math.ceil(wait / 60)} minuto(s) antes de volver a intentarlo.`, { retryAfterSeconds: wait });
}

const neutral = 'Si el correo corresponde a una cuenta activa, le enviamos un enlace para elegir una nueva contraseña. Revise su bandeja de entrada; el enlace vence en una hora.';

/** The hash of the bearer token of this request: the session it is. */
const sessionOf = (request: FastifyRequest) => tokenHash(/^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '');

/** Writes the link and its email, then starts the email's delivery; null for an unknown or inactive account. */
async function sendPasswordLink(deps: AppDeps, userId: string, purpose: PasswordLinkPurpose, actorId: string | null): Promise<string | null> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + passwordLinkLifetime[purpose]);
  const url = `${deps.publicUrl}/entrar/restablecer?token=${token}`;
  const key = await issuePasswordLink(deps.db, userId, { hash: tokenHash(token), expiresAt }, (to) => ({
    key: `acceso:${userId}:${randomBytes(8).toString('hex')}`, to: to.email, institution: to.institution,
    ...accessMessage(purpose, { name: to.name, url, expiresAt }),
  }), actorId);
  if (!key) return null;
  try {
    await deps.temporal.workflow.start('deliveryWorkflow', {
      workflowId: `entregas:${key}`, taskQueue: deps.taskQueue, args: [{ key }], workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [{ key: MesaKind, value: 'entrega' }],
    });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
  return key;
}

/** Without a session: asking for a link, and setting the password with it. */
export const passwordLinkRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const limits = deps.loginLimits ?? defaultThrottleLimits;
  const asked = new LoginThrottle(resetLimits(limits));
  const guessed = new LoginThrottle(limits);

  /** A route anyone may call, without a session. */
  const open = <B, R>(operationId: string, summary: string, body: B, response: R) => ({ schema: { operationId, tags: ['cuentas'], security: [], summary, body, response } });

  app.post('/auth/password-reset', open('requestPasswordReset',
    'Pide un enlace para elegir una nueva contraseña. La respuesta es la misma exista o no la cuenta; si existe y está activa, se envía por correo un enlace de un solo uso que vence en una hora (y anula los anteriores). Demasiadas peticiones: 429 con Retry-After.',
    PasswordResetRequestBody, { 202: NeutralAnswer, ...errorResponses(400, 429, 503) }), async (request, reply) => {
    const account = request.body.email.trim().toLowerCase();
    refuseWhileThrottled(asked, account, request, reply);
    // Every request counts, whether or not the account exists: the limit tells nothing either.
    asked.failed(account, request.ip);
    const found = account.includes('@') && account.length <= 254 ? await findUserByEmail(deps.db, account) : null;
    if (found) await sendPasswordLink(deps, found.user.id, 'restablecer', null);
    return reply.code(202).send({ message: neutral });
  });

  app.post('/auth/password-reset/complete', open('completePasswordReset',
    'Elige una nueva contraseña con el token de un enlace (de restablecimiento o de activación de una cuenta nueva). El enlace deja de servir y todas las sesiones del usuario terminan.',
    PasswordResetBody, { 204: done, ...errorResponses(400, 429, 503) }), async (request, reply) => {
    refuseWhileThrottled(guessed, '', request, reply);
    const { token, newPassword } = request.body;
    const hash = tokenHash(token);
    const unusable = () => {
      guessed.failed('', request.ip);
      return badField('token', 'El enlace no es válido: ya se usó, venció o se pidió otro más reciente. Pida un enlace nuevo.');
    };
    // The password's rule before the link is taken, so a refused password leaves the link for a second try.
    const owner = await passwordLinkOwner(deps.db, hash);
    if (!owner) throw unusable();
    checkedPassword('newPassword', newPassword, owner.email);
    const taken = await takePasswordLink(deps.db, hash);
    if (!taken) throw unusable();
    await replacePassword(deps.db, taken.userId, await hashPassword(newPassword), { keepHash: null, kind: 'contrasena_restablecida' });
    return reply.code(204).send(null);
  });
};

/** With a session: one's own password and sessions, and the secretariat's management of users. */
export const accountRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const { db } = deps;
  // A wrong current password counts like a wrong login: the same limits per account.
  const throttle = new LoginThrottle(deps.loginLimits ?? defaultThrottleLimits);

  app.put('/me/password', {
    schema: {
      operationId: 'changePassword', tags: ['cuentas'],
      summary: `Cambia la contraseña propia (la nueva: de 8 a 200 caracteres, distinta del correo). Las demás sesiones del usuario terminan; la de esta petición sigue.`,
      body: PasswordChangeBody, response: { 204: done, ...errorResponses(400, 401, 429, 503) },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    refuseWhileThrottled(throttle, user.email, request, reply);
    const { currentPassword, newPassword } = request.body;
    const found = await findUserByEmail(db, user.email);
    const valid = found ? await verifyPassword(currentPassword, found.passwordHash) : await verifyAgainstDummy(currentPassword);
    if (!found || !valid) {
      throttle.failed(user.email, request.ip);
      throw badField('currentPassword', 'El campo «currentPassword» no coincide con su contraseña actual.');
    }
    throttle.succeeded(user.email);
    checkedPassword('newPassword', newPassword, user.email);
    await replacePassword(db, user.id, await hashPassword(newPassword), { keepHash: sessionOf(request), kind: 'contrasena_cambiada' });
    return reply.code(204).send(null);
  });

  app.get('/me/sessions', {
    schema: { operationId: 'listMySessions', tags: ['cuentas'], summary: 'Las sesiones abiertas del usuario que llama.', response: { 200: SessionsAnswer, ...errorResponses(400, 401, 503) } },
  }, async (request) => ({ items: await listSessions(db, currentUser(request).id, sessionOf(request)) }));

  app.delete('/me/sessions/:id', {
    schema: {
      operationId: 'endMySession', tags: ['cuentas'], summary: 'Cierra una sesión propia (su token deja de servir en el acto).',
      params: SessionIdParams, response: { 204: done, ...errorResponses(400, 401, 404, 503) },
    },
  }, async (request, reply) => {
    if (!(await endSession(db, currentUser(request).id, request.params.id))) throw notFound('No tiene una sesión abierta con ese identificador.');
    return reply.code(204).send(null);
  });

  app.delete('/me/sessions', {
    schema: {
      operationId: 'endAllMySessions', tags: ['cuentas'], summary: 'Cierra todas las sesiones del usuario, la de esta petición incluida: «cerrar sesión en todos los dispositivos».',
      response: { 204: done, ...errorResponses(400, 401, 503) },
    },
  }, async (request, reply) => {
    await endSessions(db, currentUser(request).id, null);
    return reply.code(204).send(null);
  });

  // ---- the secretariat's management of users ----------------------------------------------


  app.get('/users', roleRoute(['secretaria'], { operationId: 'listUsers', tags: ['cuentas'], summary: 'Las cuentas de todas las instituciones (Secretaría Técnica).', response: { 200: AccountList } }, [400, 401, 403, 503]), async () => ({ items: await listAccounts(db) }));

  app.get('/users/:id', roleRoute(['secretaria'], { operationId: 'getUser', tags: ['cuentas'], summary: 'Una cuenta (Secretaría Técnica).', params: SessionIdParams, response: { 200: AccountBody } }, [400, 401, 403, 404, 503]), async (request) => {
    const account = await getAccount(db, request.params.id);
    if (!account) throw notFound('No existe esa cuenta.');
    return account;
  });

  async function knownInstitution(code: string) {
    if (!(await institutionExists(db, code))) throw badField('institution', `El campo «institution» no es una institución del registro: «${code}».`);
    return institutionId(code);
  }

  app.post('/users', roleRoute(['secretaria'], {
    operationId: 'createUser', tags: ['cuentas'],
    summary: 'Crea la cuenta de una persona de una institución, como titular o alterno, y le envía por correo un enlace de un solo uso (vence en 3 días) para elegir su contraseña. Un correo que ya tiene cuenta: 409.',
    body: AccountCreateBody, response: { 201: AccountBody },
  }, [400, 401, 403, 409, 503]), async (request, reply) => {
    const actor = currentUser(request);
    const { email, designation } = request.body;
    const name = normalizeText(request.body.name);
    const problem = textProblem(name, { kind: 'line', max: textLimits.name, required: true });
    if (problem) throw badField('name', `El campo «name» ${problem}.`);
    const institution = await knownInstitution(request.body.institution.toUpperCase());
    const id = `user_${randomBytes(9).toString('hex')}`;
    // No password anyone knows: the person chooses one with the link.
    const created = await insertAccount(db, { id, email, name, institutionId: institution, designation, passwordHash: 'sin-contraseña' }, actor.id);
    if (!created) throw new ApiError(409, 'conflict', `Ya existe una cuenta con el correo «${email.toLowerCase()}».`, { field: 'email', in: 'body' });
    await sendPasswordLink(deps, id, 'activar', actor.id);
    return reply.code(201).send((await getAccount(db, id))!);
  });

  app.patch('/users/:id', roleRoute(['secretaria'], {
    operationId: 'changeUser', tags: ['cuentas'],
    summary: 'Cambia el nombre, la institución, titular o alterno, o desactiva (active: false) o reactiva una cuenta. Una cuenta desactivada no puede entrar y sus sesiones terminan en el acto. Cada cambio queda registrado.',
    params: SessionIdParams, body: AccountChangeBody, response: { 200: AccountBody },
  }, [400, 401, 403, 404, 422, 503]), async (request) => {
    const actor = currentUser(request);
    const { id } = request.params;
    const { institution, designation, active } = request.body;
    if (!(await getAccount(db, id))) throw notFound('No existe esa cuenta.');
    if (id === actor.id && active === false) throw new ApiError(422, 'rule_violation', 'No puede desactivar su propia cuenta: pídalo a otra persona de la Secretaría Técnica.');
    const name = request.body.name === undefined ? undefined : normalizeText(request.body.name);
    const problem = name === undefined ? null : textProblem(name, { kind: 'line', max: textLimits.name, required: true });
    if (problem) throw badField('name', `El campo «name» ${problem}.`);
    await changeAccount(db, id, {
      name, designation, active, institutionId: institution === undefined ? undefined : await knownInstitution(institution.toUpperCase()),
    }, actor.id);
    return (await getAccount(db, id))!;
  });

  app.post('/users/:id/password-link', roleRoute(['secretaria'], {
    operationId: 'sendUserPasswordLink', tags: ['cuentas'],
    summary: 'Envía de nuevo a una cuenta activa un enlace para elegir su contraseña (vence en 3 días y anula los anteriores).',
    params: SessionIdParams, response: { 202: NeutralAnswer },
  }, [400, 401, 403, 404, 422, 503]), async (request, reply) => {
    const account = await getAccount(db, request.params.id);
    if (!account) throw notFound('No existe esa cuenta.');
    if (!account.active) throw new ApiError(422, 'rule_violation', 'La cuenta está desactivada: reactívela antes de enviarle un enlace.');
    await sendPasswordLink(deps, account.id, 'activar', currentUser(request).id);
    return reply.code(202).send({ message: `Enlace enviado a ${account.email}.` });
  });

  app.get('/account-events', roleRoute(['secretaria'], {
    operationId: 'listAccountEvents', tags: ['cuentas'], summary: 'Quién hizo qué a cada cuenta, y cuándo (Secretaría Técnica).',
    querystring: AccountEventQuery, response: { 200: AccountEventList },
  }, [400, 401, 403, 503]), async (request) => ({ items: await listAccountEvents(db, request.query.limit ?? 100, request.query.user) }));
};
