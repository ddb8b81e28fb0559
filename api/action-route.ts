// The options of a route that acts on a process (an Update on its workflow): who may act, and its
// schema with every refusal an action can meet: bad input (400), no or a bad token (401), a role
// that may not (403), an unknown process (404), a state that does not allow it (409), a rule the
// workflow refuses it by (422) and Temporal out of reach (503).
import type { TSchema } from 'typebox';
import type { Role } from '../domain/vocabulary';
import { requireRole } from './auth';
import { errorResponses } from './schemas';

interface ActionSchema {
  operationId: string;
  tags: string[];
  summary: string;
  params: TSchema;
  body: TSchema;
  /** The answer when the action is recorded (200 or 201); the refusals are added. */
  response: Record<number, TSchema>;
}

export function actionRoute<S extends ActionSchema>(roles: Role[], schema: S) {
  return {
    onRequest: requireRole(...roles),
    schema: { ...schema, response: { ...schema.response, ...errorResponses(400, 401, 403, 404, 409, 422, 503) } },
  };
}
