// The request an API call is serving, reachable from code that is not handed it (the update sender
// in api/workflow-updates.ts), so that its log lines carry the request's id, user and institution.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

const current = new AsyncLocalStorage<{ log: () => FastifyBaseLogger }>();

export function trackRequests(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => current.run({ log: () => request.log }, done));
}

/** The log of the request being served, if any. */
export const requestLog = (): FastifyBaseLogger | undefined => current.getStore()?.log();
