import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { listInbox, markRead } from '../../db/inbox';
import type { AppDeps } from '../deps';
import { currentUser } from '../auth';
import { notFound } from '../errors';
import { readerOf } from '../reader';
import { errorResponses, InboxBody, ReadMark } from '../schemas';

export const inboxRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get('/inbox', {
    schema: {
      operationId: 'listInbox', tags: ['bandeja'],
      summary: 'Lo que espera a la institución de quien llama (primero, por vencimiento) y lo que se le comunicó.',
      response: { 200: InboxBody, ...errorResponses(400, 401, 503) },
    },
  }, async (request) => ({ items: await listInbox(deps.db, readerOf(request)) }));

  app.post('/inbox/:id/read', {
    schema: {
      operationId: 'markInboxItemRead', tags: ['bandeja'], summary: 'Marca un mensaje como leído.',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) }),
      response: { 200: ReadMark, ...errorResponses(400, 401, 404, 503) },
    },
  }, async (request) => {
    const code = currentUser(request).institution.code;
    if (!(await markRead(deps.db, code, request.params.id))) throw notFound('Su institución no tiene ese mensaje.');
    return { id: request.params.id, read: true };
  });
};
