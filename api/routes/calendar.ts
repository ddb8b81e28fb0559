// Calendar feeds: each institution subscribes from its calendar client to a secret address that
// lists its open deadlines. The token is shown once when created; only its hash is kept. Every
// address is built from the configured public URL (MESA_PUBLIC_URL), never from the Host header,
// which the caller chooses.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { institutionOfCalendarToken, openDeadlines, setCalendarToken } from '../../db/calendar';
import type { AppDeps } from '../deps';
import { authenticate, currentUser, newToken, tokenHash } from '../auth';
import { notFound } from '../errors';
import { toIcs } from '../ics';
import { CalendarTokenBody, errorResponses } from '../schemas';

export const calendarRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  app.post('/api/v1/calendar/token', {
    onRequest: authenticate(deps.db),
    schema: {
      operationId: 'createCalendarToken', tags: ['bandeja'],
      summary: 'Crea (o renueva) la dirección secreta del calendario de su institución; la anterior deja de funcionar.',
      response: { 201: CalendarTokenBody, ...errorResponses(400, 401, 503) },
    },
  }, async (request, reply) => {
    const code = currentUser(request).institution.code;
    const { token, hash } = newToken();
    await setCalendarToken(deps.db, code, hash);
    return reply.code(201).send({ institution: code, url: `${deps.publicUrl}/calendar/${token}.ics` });
  });

  app.get('/calendar/:file', {
    schema: {
      operationId: 'getCalendarFeed', tags: ['bandeja'], summary: 'Plazos abiertos de una institución (iCalendar).', security: [],
      params: Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9_-]+\\.ics$', maxLength: 200, description: 'El token de la dirección secreta, seguido de .ics.' }) }),
      response: {
        200: { description: 'Los plazos abiertos, en iCalendar.', content: { 'text/calendar': { schema: Type.String() } } },
        ...errorResponses(400, 404, 503),
      },
    },
  }, async (request, reply) => {
    const token = request.params.file.replace(/\.ics$/, '');
    const institution = await institutionOfCalendarToken(deps.db, tokenHash(token));
    if (!institution) throw notFound('Esta dirección de calendario no existe o fue renovada.');
    const ics = toIcs(`Mesa — ${institution}`, deps.publicUrl, await openDeadlines(deps.db, institution));
    return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(ics);
  });
};
