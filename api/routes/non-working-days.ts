// The Mesa's calendar of working days (docs/domain.md#calendario-y-plazos): national holidays are
// built in; the secretariat records the non-working days the government declares, by hand or from
// an iCalendar file, with the decree that declared them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { isIsoDate, limaDate, limaDay, nationalHolidays, type IsoDate, type NonWorkingDayKind } from '../../domain/calendar';
import {
  addNonWorkingDays, changeOfDay, nonWorkingDaysOfYear, removeNonWorkingDay, updateNonWorkingDay, type NewNonWorkingDay,
} from '../../db/non-working-days';
import type { AppDeps } from '../deps';
import { currentUser, requireRole } from '../auth';
import { ApiError, notFound } from '../errors';
import { readNonWorkingDays } from '../ics-import';
import { idempotent } from '../idempotency';
import {
  AddedNonWorkingDay, CalendarImportAnswer, CalendarImportBody, errorResponses, NewNonWorkingDayBody, NonWorkingDayBody,
  NonWorkingDayChangeBody, NonWorkingDayList, NonWorkingDayParams, NonWorkingDayQuery,
} from '../schemas';
import { calendarChange, moveOpenDeadlines } from '../calendar-changes';
import { roleRoute, type RouteSchema } from '../action-route';

const invalid = (field: string, message: string) => new ApiError(400, 'invalid_body', message, { field, in: 'body' });

/** Why a day cannot be added: it is not a real date, or it already is not a working day. */
function alreadyNonWorking(date: IsoDate): string | null {
  const holiday = nationalHolidays(limaDay(date).year).find((h) => h.date === date);
  if (holiday) return `El ${date} ya es feriado nacional (${holiday.reason}).`;
  if (limaDay(date).weekday > 5) return `El ${date} es ${limaDay(date).weekday === 6 ? 'sábado' : 'domingo'}: ya no es día hábil.`;
  return null;
}

export const nonWorkingDayRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const { db } = deps;

  app.get('/calendar/non-working-days', {
    schema: {
      operationId: 'listNonWorkingDays', tags: ['calendario'],
      summary: 'Los días no laborables de un año: feriados nacionales y días declarados no laborables.',
      querystring: NonWorkingDayQuery, response: { 200: NonWorkingDayList, ...errorResponses(400, 401, 503) },
    },
  }, async (request) => nonWorkingDaysOfYear(db, request.query.year ?? limaDay(limaDate(new Date())).year));

  /** What the secretariat records: the recorded days' change, answered once per Idempotency-Key. */
  const recordingRoute = <S extends Omit<RouteSchema, 'tags'>>(schema: S) =>
    roleRoute(['secretaria'], { ...schema, tags: ['calendario'] }, [400, 401, 403, 409, 503]);
  const changeOf = (request: FastifyRequest, key: string | null) =>
    calendarChange(currentUser(request).id, `${request.method} ${request.url.split('?')[0]}`, key);

  app.post('/calendar/non-working-days', recordingRoute({
    operationId: 'addNonWorkingDay', summary: 'Registra un día no laborable; los plazos abiertos que lo incluyen se mueven un día hábil.',
    body: NewNonWorkingDayBody, response: { 201: AddedNonWorkingDay },
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const { date, reason } = request.body;
    if (!isIsoDate(date)) throw invalid('date', `El campo «date»: ${date} no es una fecha real.`);
    const already = alreadyNonWorking(date);
    if (already) throw invalid('date', `El campo «date»: ${already}`);
    const day: NewNonWorkingDay = { date, reason, kind: request.body.kind ?? 'no_laborable', reference: request.body.reference ?? null };
    const change = changeOf(request, key);
    if (!(await addNonWorkingDays(db, [day], currentUser(request).id, change))) {
      throw invalid('date', `El campo «date»: el ${date} ya está registrado como día no laborable.`);
    }
    const moved = await moveOpenDeadlines(deps, change, [date]);
    return { statusCode: 201, body: { ...day, fixed: false, moved } };
  }));

  app.post('/calendar/non-working-days/import', recordingRoute({
    operationId: 'importNonWorkingDays', summary: 'Importa días no laborables de un archivo iCalendar: todos o ninguno.',
    body: CalendarImportBody, response: { 201: CalendarImportAnswer },
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const reading = readNonWorkingDays(request.body.ics);
    if ('problem' in reading) throw invalid('ics', `El campo «ics» ${reading.problem}`);
    const kind: NonWorkingDayKind = request.body.kind ?? 'no_laborable';
    const reference = request.body.reference ?? null;
    const change = changeOf(request, key);
    const seen = new Set<IsoDate>();
    const added: NewNonWorkingDay[] = [];
    const skipped: Array<{ date: IsoDate; reason: string }> = [];
    for (const d of reading.days) {
      // An official calendar lists the national holidays and weekends too: those are already not
      // working days. A day this same change recorded (a retry) is still one it adds.
      const recordedBy = await changeOfDay(db, d.date);
      if (seen.has(d.date) || alreadyNonWorking(d.date) || (recordedBy !== undefined && recordedBy !== change)) skipped.push(d);
      else added.push({ ...d, kind, reference });
      seen.add(d.date);
    }
    if (!(await addNonWorkingDays(db, added, currentUser(request).id, change))) {
      throw new ApiError(409, 'conflict', 'Otro pedido registró a la vez uno de estos días; vuelva a importar el archivo.');
    }
    const moved = await moveOpenDeadlines(deps, change, added.map((d) => d.date));
    return { statusCode: 201, body: { added: added.map((d) => ({ ...d, fixed: false })), skipped, moved } };
  }));

  app.put('/calendar/non-working-days/:date', roleRoute(['secretaria'], {
    operationId: 'updateNonWorkingDay', tags: ['calendario'],
    summary: 'Corrige el motivo, la norma o la clase de un día no laborable registrado.',
    params: NonWorkingDayParams, body: NonWorkingDayChangeBody, response: { 200: NonWorkingDayBody },
  }, [400, 401, 403, 404, 503]), async (request) => {
    const { date } = request.params;
    const { reason } = request.body;
    const day = await updateNonWorkingDay(db, date, { reason, reference: request.body.reference ?? null, kind: request.body.kind ?? 'no_laborable' });
    if (!day) throw notFound(`El ${date} no está registrado como día no laborable.`);
    return day;
  });

  app.delete('/calendar/non-working-days/:date', {
    onRequest: requireRole('secretaria'),
    schema: {
      operationId: 'removeNonWorkingDay', tags: ['calendario'],
      summary: 'Quita un día no laborable registrado (no un feriado nacional). Los plazos ya movidos no se acortan.',
      params: NonWorkingDayParams, response: { 204: { description: 'Quitado.', type: 'null' }, ...errorResponses(400, 401, 403, 404, 422, 503) },
    },
  }, async (request, reply) => {
    const { date } = request.params;
    if (isIsoDate(date) && nationalHolidays(limaDay(date).year).some((h) => h.date === date)) {
      throw new ApiError(422, 'national_holiday', `El ${date} es feriado nacional por ley: no se puede quitar.`, { field: 'date', in: 'params' });
    }
    if (!(await removeNonWorkingDay(db, date))) throw notFound(`El ${date} no está registrado como día no laborable.`);
    return reply.code(204).send(null);
  });
};
