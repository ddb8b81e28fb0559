import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listInbox } from '../../db/inbox';
import type { AppDeps } from '../app';
import { currentUser } from '../auth';

export const inboxRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get('/inbox', {
    schema: { summary: 'Lo que se comunicó a la institución de quien llama, lo más reciente primero.' },
  }, async (request) => ({ items: await listInbox(deps.db, currentUser(request).institution.code) }));
};
