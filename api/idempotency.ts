// Idempotency-Key on every POST: a retry with the same key and body gets the original answer and
// changes nothing; the same key with another body is a 409, even when both arrive at once (the
// key is reserved before the action runs). Handlers also receive the key, so the
// ids they create (workflow ids, update ids) can be derived from it: then even two retries racing
// each other reach the same workflow and record one thing.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client';
import {
  findIdempotentAnswer, pendingAnswer, releaseIdempotencyKey, reserveIdempotencyKey, saveIdempotentAnswer, takeOverStaleReservation,
} from '../db/users';
import { canonicalJson } from '../domain/canonical-json';
import { currentUser } from './auth';
import { ApiError } from './errors';

export interface Answer { statusCode: number; body: unknown }

/** How long a request waits for a concurrent one with the same key before being told to come back. */
const waitLimitMs = 30_000;
/** A reservation this old belongs to a request whose process died: another may take it over. */
const staleAfterMs = 120_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A stable id for what a keyed request creates, e.g. `prop_…` for one proposal per key. */
export function idFromKey(prefix: string, userId: string, route: string, key: string): string {
  return `${prefix}_${sha256(`${userId}\n${route}\n${key}`).slice(0, 24)}`;
}

/** The Temporal update id for a keyed action: a retried request is the same update. */
export function updateIdFor(request: FastifyRequest, key: string | null): string | undefined {
  return key ? idFromKey('upd', currentUser(request).id, `${request.method} ${request.url.split('?')[0]}`, key) : undefined;
}

export async function idempotent(
  db: Db, request: FastifyRequest, reply: FastifyReply,
  run: (key: string | null) => Promise<Answer>,
): Promise<FastifyReply> {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined) {
    const answer = await run(null);
    return reply.code(answer.statusCode).send(answer.body);
  }
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new ApiError(400, 'invalid_idempotency_key', 'El encabezado Idempotency-Key debe tener entre 1 y 200 caracteres visibles, sin espacios.');
  }
  const userId = currentUser(request).id;
  const route = `${request.method} ${request.url.split('?')[0]}`;
  const requestHash = sha256(canonicalJson(request.body ?? null));
  const id = { userId, route, key };
  // The key is reserved before the action runs, so two requests racing with it never both run:
  // the second waits for the first one's answer (same body) or is refused (another body).
  const deadline = Date.now() + waitLimitMs;
  while (!(await reserveIdempotencyKey(db, { ...id, requestHash }))) {
    const earlier = await findIdempotentAnswer(db, userId, route, key);
    if (!earlier) continue; // the first request failed and freed the key: try to take it
    if (earlier.requestHash !== requestHash) {
      throw new ApiError(409, 'idempotency_conflict', 'Esta Idempotency-Key ya se usó con otro cuerpo. Use una clave nueva para una petición distinta.');
    }
    if (earlier.statusCode !== pendingAnswer) {
      return reply.code(earlier.statusCode).header('idempotent-replayed', 'true').send(earlier.response);
    }
    if (await takeOverStaleReservation(db, id, new Date(Date.now() - staleAfterMs))) break;
    if (Date.now() > deadline) {
      // Not a conflict: the first attempt is still running (say, while the database or Temporal
      // recovers), and asking again later gets its answer. 503 with Retry-After is what every
      // client already retries (the API contract's 503); a 409 would read as final.
      reply.header('retry-after', '5');
      throw new ApiError(503, 'idempotency_in_progress', 'Una petición con esta Idempotency-Key aún está en curso. Repítala en unos segundos para recibir su respuesta.');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let answer: Answer;
  try {
    answer = await run(key);
  } catch (e) {
    await releaseIdempotencyKey(db, id).catch(() => {});
    throw e;
  }
  await saveIdempotentAnswer(db, { ...id, statusCode: answer.statusCode, response: answer.body });
  return reply.code(answer.statusCode).send(answer.body);
}
