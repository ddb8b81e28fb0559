// How the Mesa reaches people outside the app: each institution's contacts and webhook (edited
// by the secretariat), each user's choice between immediate messages and a daily digest, and the
// record of every delivery, so the secretariat can see what went out and what failed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { getContacts, institutionExists, setContacts } from '../../db/contacts';
import { listDeliveries } from '../../db/deliveries';
import { getNotificationMode, setNotificationMode } from '../../db/users';
import type { AppDeps } from '../deps';
import { userRoute } from '../action-route';
import { currentUser, requireRole } from '../auth';
import { decodeCursor, encodeCursor } from '../cursor';
import { ApiError, forbidden, notFound } from '../errors';
import { registrationProblem, WebhookAllowList } from '../../domain/webhook-targets';
import { mayReadContactsOf, readsEveryInstitution } from '../../domain/visibility';
import { readerOf } from '../reader';
import { ContactsBody, ContactsResponse, DeliveryListQuery, DeliveryPage, errorResponses, PreferencesBody } from '../schemas';

const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) });

export const notificationRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const { db } = deps;
  const webhookAllow = new WebhookAllowList(deps.webhookAllow);

  async function known(code: string) {
    if (!(await institutionExists(db, code))) throw notFound(`No existe la institución «${code}».`);
  }

  app.get('/institutions/:code/contacts', {
    schema: {
      operationId: 'getInstitutionContacts', tags: ['notificaciones'],
      summary: 'Contactos y webhook de una institución (la Secretaría Técnica, o la propia institución).',
      params: CodeParams, response: { 200: ContactsResponse, ...errorResponses(400, 401, 403, 404, 503) },
    },
  }, async (request) => {
    const { code } = request.params;
    if (!mayReadContactsOf(readerOf(request), code)) throw forbidden('Solo la Secretaría Técnica o la propia institución ven sus contactos.');
    await known(code);
    return getContacts(db, code);
  });

  app.put('/institutions/:code/contacts', {
    onRequest: requireRole('secretaria'),
    schema: {
      operationId: 'setInstitutionContacts', tags: ['notificaciones'],
      summary: 'Reemplaza los contactos titular y alterno y el webhook de una institución.',
      params: CodeParams, body: ContactsBody, response: { 200: ContactsResponse, ...errorResponses(400, 401, 403, 404, 503) },
    },
  }, async (request) => {
    const { code } = request.params;
    await known(code);
    const webhookProblem = request.body.webhook ? registrationProblem(request.body.webhook.url, webhookAllow) : null;
    if (webhookProblem) {
      throw new ApiError(400, 'invalid_body', `El campo «webhook.url» ${webhookProblem}.`, { field: 'webhook.url', in: 'body' });
    }
    await setContacts(db, code, request.body);
    return getContacts(db, code);
  });

  app.get('/me/preferences', {
    schema: {
      operationId: 'getMyPreferences', tags: ['notificaciones'], summary: 'Cómo recibe sus avisos por correo quien llama.',
      response: { 200: PreferencesBody, ...errorResponses(400, 401, 503) },
    },
  }, async (request) => ({
    notifications: await getNotificationMode(db, currentUser(request).id),
  }));

  app.put('/me/preferences', {
    schema: {
      operationId: 'setMyPreferences', tags: ['notificaciones'], summary: 'Elige un correo por aviso (inmediato) o un resumen diario.',
      body: PreferencesBody, response: { 200: PreferencesBody, ...errorResponses(400, 401, 503) },
    },
  }, async (request) => {
    await setNotificationMode(db, currentUser(request).id, request.body.notifications);
    return { notifications: request.body.notifications };
  });

  app.get('/deliveries', userRoute({
    summary: 'Entregas por correo y webhook: enviadas, pendientes y fallidas, con el motivo (todas para la Secretaría Técnica; las de su institución para las demás).',
    operationId: 'listDeliveries', tags: ['notificaciones'],
    querystring: DeliveryListQuery, response: { 200: DeliveryPage },
  }, [400, 401, 403, 503]), async (request) => {
    const { cursor, ...filters } = request.query;
    const reader = readerOf(request);
    const institution = filters.institution ?? (readsEveryInstitution(reader) ? undefined : reader.institution);
    if (institution !== undefined && !mayReadContactsOf(reader, institution)) throw forbidden('Solo la Secretaría Técnica o la propia institución ven sus entregas.');
    const page = await listDeliveries(db, { ...filters, institution, cursor: cursor ? decodeCursor(cursor) : undefined });
    return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
  });
};
