// How the Mesa reaches people outside the app: each institution's contacts and webhook (edited
// by the secretariat), each user's choice between immediate messages and a daily digest, and the
// record of every delivery, so the secretariat can see what went out and what failed.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type TSchema } from 'typebox';
import { getContacts, institutionExists, setContactPeople, setContacts, setWebhook } from '../../db/contacts';
import { deliveryView, getDeliveries, listDeliveries, planWebhookTest, sendAgain } from '../../db/deliveries';
import { startDeliveryWorkflow } from '../../engine/deliveries';
import { getNotificationMode, setNotificationMode } from '../../db/users';
import type { AppDeps } from '../deps';
import { userRoute } from '../action-route';
import { currentUser, requireRole } from '../auth';
import { decodeCursor, encodeCursor } from '../cursor';
import { ApiError, forbidden, notFound } from '../errors';
import { registrationProblem, WebhookAllowList } from '../../domain/webhook-targets';
import { mayReadContactsOf, readsEveryInstitution } from '../../domain/visibility';
import { readerOf } from '../reader';
import { idempotent, updateIdFor } from '../idempotency';
import {
  ContactPeopleBody, ContactsBody, ContactsResponse, DeliveryListQuery, DeliveryPage, DeliveryView, errorResponses, PreferencesBody, WebhookAnswer, WebhookBody,
} from '../schemas';
import type { FastifyRequest } from 'fastify';

const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) });
const DeliveryParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 400 }) });

/**
 * A change to an institution's contacts or webhook, by its own users or the secretariat: bad input
 * (400), no token (401), another institution's (403), an unknown one (404), no webhook to act on
 * (409), the database out of reach (503).
 */
function settingsChange<S extends { operationId: string; summary: string; body?: TSchema; response: Record<number, TSchema> }>(s: S) {
  return { schema: { ...s, tags: ['notificaciones'], params: CodeParams, response: { ...s.response, ...errorResponses(400, 401, 403, 404, 409, 503) } } };
}

/** A new signing key for a webhook: 32 random bytes, shown once. */
const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

export const notificationRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const { db } = deps;
  const webhookAllow = new WebhookAllowList(deps.webhookAllow);

  async function known(code: string) {
    if (!(await institutionExists(db, code))) throw notFound(`No existe la institución «${code}».`);
  }

  /** The institution's own users and the secretariat change its contacts and webhook: the others get a 403 and nothing changes. */
  async function editable(request: FastifyRequest): Promise<string> {
    const { code } = request.params as { code: string };
    if (!mayReadContactsOf(readerOf(request), code)) throw forbidden('Solo la Secretaría Técnica o la propia institución cambian sus contactos y su webhook.');
    await known(code);
    return code;
  }

  const noWebhook = (code: string) => new ApiError(409, 'conflict', `La institución «${code}» no tiene webhook: registre primero su dirección.`);
  const noContacts = (code: string) => new ApiError(409, 'conflict', `La institución «${code}» aún no tiene titular: registre primero sus contactos.`);

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

  app.put('/institutions/:code/contacts/people', settingsChange({ operationId: 'setInstitutionContactPeople', body: ContactPeopleBody, response: { 200: ContactsResponse },
    summary: 'Reemplaza el titular y el alterno de una institución, sin tocar su webhook (la Secretaría Técnica, o la propia institución).' }), async (request) => {
    const code = await editable(request);
    await setContactPeople(db, code, request.body);
    return getContacts(db, code);
  });

  app.put('/institutions/:code/webhook', settingsChange({ operationId: 'setInstitutionWebhook', body: WebhookBody, response: { 200: WebhookAnswer },
    summary: 'Registra o cambia la dirección del webhook. Un webhook nuevo recibe su clave de firma, que se muestra solo en esta respuesta; al cambiar la dirección se conserva la clave.' }), async (request) => {
    const code = await editable(request);
    const problem = registrationProblem(request.body.url, webhookAllow);
    if (problem) throw new ApiError(400, 'invalid_body', `El campo «url» ${problem}.`, { field: 'url', in: 'body' });
    const secret = (await getContacts(db, code)).webhook?.secretSet ? null : newWebhookSecret();
    if (!(await setWebhook(db, code, { url: request.body.url, ...(secret ? { secret } : {}) }))) throw noContacts(code);
    return { url: request.body.url, secret };
  });

  app.post('/institutions/:code/webhook/secret', settingsChange({ operationId: 'rotateInstitutionWebhookSecret', response: { 200: WebhookAnswer },
    summary: 'Renueva la clave de firma del webhook: la anterior deja de valer y la nueva se muestra solo en esta respuesta.' }), async (request) => {
    const code = await editable(request);
    const webhook = (await getContacts(db, code)).webhook;
    if (!webhook) throw noWebhook(code);
    const secret = newWebhookSecret();
    await setWebhook(db, code, { secret });
    return { url: webhook.url, secret };
  });

  app.delete('/institutions/:code/webhook', settingsChange({ operationId: 'removeInstitutionWebhook', response: { 204: Type.Null({ description: 'Quitado (o no había).' }) },
    summary: 'Quita el webhook y su clave: los avisos siguientes ya no se publican allí.' }), async (request, reply) => {
    const code = await editable(request);
    await setWebhook(db, code, { url: null });
    return reply.code(204).send(null);
  });

  app.post('/institutions/:code/webhook/test', settingsChange({ operationId: 'testInstitutionWebhook', response: { 202: DeliveryView },
    summary: 'Envía al webhook un aviso de prueba firmado, por el mismo camino que los avisos: queda como una entrega y se reintenta si el receptor no responde. Con Idempotency-Key, un reintento envía una sola prueba.' }), async (request, reply) => {
    const code = await editable(request);
    return idempotent(db, request, reply, async (key) => {
      const deliveryKey = `prueba-webhook:${code}:${updateIdFor(request, key) ?? randomUUID()}`;
      const id = await planWebhookTest(db, code, deliveryKey, deps.publicUrl);
      if (!id) throw noWebhook(code);
      await startDeliveryWorkflow(deps.temporal, deps.taskQueue, `entregas:${deliveryKey}`, { key: deliveryKey });
      const [row] = await getDeliveries(db, [id]);
      return { statusCode: 202, body: deliveryView(row!) };
    });
  });

  app.post('/deliveries/:id/retry', {
    onRequest: requireRole('secretaria'),
    schema: {
      operationId: 'retryDelivery', tags: ['notificaciones'],
      summary: 'Envía de nuevo una entrega fallida o en reintento, por un nuevo workflow de entrega. Dos pedidos a la vez hacen un solo envío; una entrega ya enviada no se repite (409).',
      params: DeliveryParams, response: { 202: DeliveryView, ...errorResponses(400, 401, 403, 404, 409, 503) },
    },
  }, async (request, reply) => idempotent(db, request, reply, async () => {
    const again = await sendAgain(db, request.params.id);
    if (!again) throw notFound(`No existe la entrega «${request.params.id}».`);
    if (again.row.status === 'enviada') throw new ApiError(409, 'conflict', 'Esta entrega ya fue enviada: no se envía de nuevo.');
    if (again.generation !== null) {
      // One workflow per generation: a request repeated before it starts reaches the same one.
      await startDeliveryWorkflow(deps.temporal, deps.taskQueue, `entregas:${again.row.id}:envio-${again.generation}`,
        { key: again.row.key, ids: [again.row.id], generation: again.generation });
    }
    return { statusCode: 202, body: deliveryView(again.row) };
  }));

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
