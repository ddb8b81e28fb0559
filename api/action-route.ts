// The options of a route that acts on a process (an Update on its workflow): who may act, and its
// schema with every refusal an action can meet: bad input (400), no or a bad token (401), a role
// that may not (403), an unknown process (404), a state that does not allow it (409), a rule the
// workflow refuses it by (422) and Temporal out of reach (503).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import type { Db } from '../db/client';
import type { Role } from '../domain/vocabulary';
import { requireRole } from './auth';
import { idempotent, updateIdFor, type Answer } from './idempotency';
import { errorResponses, type ErrorStatus } from './schemas';

export interface RouteSchema {
  operationId: string;
  tags: string[];
  summary: string;
  /** The answer when the route succeeds (200, 201 or 204); the refusals are added. */
  response: Record<number, TSchema>;
}

interface ActionSchema extends RouteSchema {
  params: TSchema;
  body: TSchema;
}

/** The options of a route any signed-in user may call: its schema with the refusals it can answer. */
export function userRoute<S extends RouteSchema, const R extends readonly ErrorStatus[]>(schema: S, refusals: R) {
  return { schema: { ...schema, response: { ...schema.response, ...errorResponses(...refusals) } } };
}

/** The options of a route only some roles may call: who may, and its schema with the refusals it can answer. */
export function roleRoute<S extends RouteSchema, const R extends readonly ErrorStatus[]>(roles: Role[], schema: S, refusals: R) {
  return { onRequest: requireRole(...roles), ...userRoute(schema, refusals) };
}

export function actionRoute<S extends ActionSchema>(roles: Role[], schema: S) {
  return roleRoute(roles, schema, [400, 401, 403, 404, 409, 422, 503]);
}

/**
 * The handler of an action: answered once per Idempotency-Key (a retry gets the first answer), and
 * the Update sent with an id derived from that key, so the workflow too takes a retried action once.
 */
export function recordedAction<Request extends FastifyRequest>(db: Db, answer: (request: Request, updateId: string | undefined) => Promise<Answer>) {
  // The answer is sent by `idempotent`; fastify sends nothing more for a handler that resolves empty after it.
  return async (request: Request, reply: FastifyReply): Promise<void> => {
    await idempotent(db, request, reply, (key) => answer(request, updateIdFor(request, key)));
  };
}
