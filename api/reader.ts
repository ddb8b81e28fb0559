// The reader of an answer, as domain/visibility.ts knows it: the caller's institution and its kind.
import type { FastifyRequest } from 'fastify';
import type { Reader } from '../domain/visibility';
import { currentUser } from './auth';

export function readerOf(request: FastifyRequest): Reader {
  const { institution } = currentUser(request);
  return { institution: institution.code, kind: institution.kind };
}
