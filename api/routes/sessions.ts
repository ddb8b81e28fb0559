// Plenary sessions (docs/domain.md#sesiones): convocation, attendance, quorum, decisions in
// session and the acta. Reads come from the projection; actions are Updates on each session's
// workflow, which is the authority on every rule (processes/session.ts).
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { getContacts } from '../../db/contacts';
import { getProposalRow } from '../../db/proposals';
import { proposalParticipants } from '../../db/registry';
import { getSession, listActas, listSessions, proposalsOnOpenAgendas, sessionsReport, signedActa } from '../../db/sessions';
import { verifiedSessionAudit } from '../audit';
import { sha256 } from '../../activities/acta-signer';
import { getTaskRow } from '../../db/tasks';
import { countsDays, deadlineProblem, describeDeadline, limaDate, longDate, resolveDeadline, type DeadlineExpression, type WorkingCalendar } from '../../domain/calendar';
import { inLimaTime, isDuration } from '../../domain/durations';
import { workingCalendarSince } from '../../db/non-working-days';
import { earliestStart, noticeDefaults, sessionDefaults, type SessionKind } from '../../domain/session';
import { auditForReader } from '../../domain/visibility';
import type { AgendaEntry, SessionSetup } from '../../processes/session';
import type { sessionWorkflow } from '../../workflows/session';
import {
  approveActaUpdate, cancelSessionUpdate, closeItemUpdate, closeSessionUpdate, confirmAttendanceUpdate, conformActaUpdate, correctActaUpdate,
  deferItemUpdate, observeActaUpdate, openSessionUpdate, reorderAgendaUpdate, rescheduleSessionUpdate, sessionConvenedUpdate,
  sessionPositionUpdate, sessionWorkflowId,
} from '../../workflows/session-messages';
import { currentUser, requireRole } from '../auth';
import type { AppDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { idempotent, idFromKey, updateIdFor } from '../idempotency';
import { readerOf } from '../reader';
import { AuditBody, EmptyBody, errorResponses } from '../schemas';
import {
  ActaRegister, ActaUploadBody, ActaVerificationView, SignedActaView, AgendaItemView, CloseSessionBody, ConfirmationBody, CorrectionBody, ItemParams, ObservationBody, OpenBody, OrderBody, ReasonBody,
  RescheduleBody, SessionPositionView, SessionsReportQuery, SessionsReportView, SessionConveneBody, SessionList, SessionListQuery, SessionParams, SessionPositionBody, SessionView, SummaryBody,
} from '../session-schemas';
import { actorOf, updateWorkflow } from '../workflow-updates';
import Type, { type Static } from 'typebox';

const rule = (field: string, message: string) => new ApiError(422, 'business_rule', message, { field, in: 'body' });

/** A deadline expression (API.md, "Deadlines") that starts now, as the instant it ends on the Mesa's calendar. */
export function deadlineOf(expr: DeadlineExpression, now: Date, field: string, calendar: WorkingCalendar, closeOfDay?: string): Date {
  const problem = deadlineProblem(field, expr, now);
  if (problem) throw new ApiError(400, 'invalid_body', problem, { field, in: 'body' });
  return resolveDeadline(now, expr, calendar, closeOfDay);
}

export const sessionRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const { db, temporal } = deps;
  const settings = deps.sessions ?? { notice: null, rules: sessionDefaults };
  const noticeOf = (kind: SessionKind) => settings.notice ?? noticeDefaults[kind];

  /** The Mesa's calendar from today on: a session's notice and its acta's deadline count its working days. */
  const calendarFrom = (now: Date) => workingCalendarSince(db, limaDate(now));

  /** The earliest start a convocation (or a new date) made now allows, and the calendar it was counted on. */
  async function earliestFor(kind: SessionKind, now: Date) {
    const calendar = await calendarFrom(now);
    return { calendar, earliest: earliestStart(now, noticeOf(kind), calendar) };
  }

  /**
   * A session is held on a working day of the Mesa's calendar: a 422 naming «startsAt» otherwise.
   * A notice in exact time (an ISO duration such as PT0S, for tests and demos) does not count days,
   * and neither is the day checked: a demonstration runs on a Sunday too.
   */
  function onWorkingDay(kind: SessionKind, calendar: WorkingCalendar, startsAt: Date): void {
    const day = limaDate(startsAt);
    if (countsDays(noticeOf(kind)) && !calendar.isWorkingDay(day)) {
      throw rule('startsAt', `La fecha de la sesión («startsAt») cae el ${longDate(day)}, que no es día hábil en el calendario de la Mesa: elija un día hábil.`);
    }
  }

  async function session(id: string) {
    const found = await getSession(db, id);
    if (!found) throw notFound(`No existe la sesión «${id}».`);
    return found;
  }

  async function act<Arg>(id: string, update: UpdateDefinition<unknown, [Arg]>, arg: Arg, updateId: string | undefined) {
    await updateWorkflow(temporal, sessionWorkflowId(id), update, arg, updateId, async () => {
      if (!await getSession(db, id)) return notFound(`No existe la sesión «${id}».`);
      return new ApiError(409, 'conflict', 'La sesión ya terminó: su acta está aprobada o fue cancelada.');
    });
    return session(id);
  }

  /** What an agenda entry names, resolved and checked: a proposal in a stage a session can decide, a task, or a title. */
  async function resolveAgenda(agenda: Static<typeof SessionConveneBody>['agenda']): Promise<AgendaEntry[]> {
    const entries: AgendaEntry[] = [];
    const seen = new Set<string>();
    for (const [i, item] of agenda.entries()) {
      const field = `agenda[${i}]`;
      if (item.kind === 'propuesta') {
        const p = await getProposalRow(db, item.proposalId);
        if (!p) throw rule(`${field}.proposalId`, `El punto ${i + 1} de la agenda no es válido: no existe la propuesta «${item.proposalId}».`);
        if (p.status !== 'en_curso' || p.stage !== 'conformidad') {
          throw rule(`${field}.proposalId`, `El punto ${i + 1} de la agenda no es válido: la propuesta «${p.title}» no está en una etapa que se decida en sesión (debe estar en su ronda de conformidad, y está ${p.status === 'en_curso' ? `en la etapa ${p.stage}` : p.status}).`);
        }
        if (seen.has(p.id)) throw rule(`${field}.proposalId`, `El punto ${i + 1} de la agenda repite la propuesta «${p.title}».`);
        seen.add(p.id);
        entries.push({ kind: 'propuesta', proposalId: p.id, title: p.title, decisionRule: p.plan.decisionRule, concernsCivilSociety: p.plan.stages.includes('consulta') });
      } else if (item.kind === 'informe') {
        const t = await getTaskRow(db, item.taskId);
        if (!t) throw rule(`${field}.taskId`, `El punto ${i + 1} de la agenda no es válido: no existe la tarea «${item.taskId}».`);
        entries.push({ kind: 'informe', taskId: t.id, title: `Informe de avance: ${t.agreementNumber}, tarea ${t.index}: ${t.title}` });
      } else {
        entries.push({ kind: 'otro', title: item.title });
      }
    }
    const busy = await proposalsOnOpenAgendas(db, [...seen]);
    if (busy.length) {
      const i = agenda.findIndex((a) => a.kind === 'propuesta' && busy.includes(a.proposalId));
      throw rule(`agenda[${i}].proposalId`, `El punto ${i + 1} de la agenda ya está en la agenda de otra sesión abierta: una propuesta se decide en una sola sesión.`);
    }
    return entries;
  }

  app.post('/sessions', {
    onRequest: requireRole('secretaria'),
    schema: {
      operationId: 'conveneSession', tags: ['sesiones'], summary: 'Convoca una sesión ordinaria o extraordinaria (Secretaría Técnica).',
      body: SessionConveneBody, response: { 201: SessionView, ...errorResponses(400, 401, 403, 409, 422, 503) },
    },
  }, async (request, reply) => idempotent(db, request, reply, async (key) => {
    const body = request.body;
    const now = new Date();
    const startsAt = new Date(body.startsAt);
    if (Number.isNaN(startsAt.getTime())) throw new ApiError(400, 'invalid_body', 'El campo «startsAt» no es una fecha real.', { field: 'startsAt', in: 'body' });
    if (startsAt.getTime() <= now.getTime()) throw rule('startsAt', `La fecha de la sesión («startsAt», ${inLimaTime(startsAt.toISOString())}) ya pasó: una sesión se convoca para el futuro.`);
    const { calendar, earliest } = await earliestFor(body.kind, now);
    if (startsAt.getTime() < earliest.getTime()) {
      throw rule('startsAt', `Una sesión ${body.kind} se convoca con ${describeDeadline(noticeOf(body.kind))} de anticipación: «startsAt» no puede ser antes del ${inLimaTime(earliest.toISOString())} (hora de Lima).`);
    }
    onWorkingDay(body.kind, calendar, startsAt);
    const badReminder = (body.reminders ?? []).findIndex((r) => !isDuration(r));
    if (badReminder >= 0) throw new ApiError(400, 'invalid_body', `El campo «reminders[${badReminder}]» debe ser una duración ISO 8601 (p. ej. P1D).`, { field: `reminders[${badReminder}]`, in: 'body' });
    const agenda = await resolveAgenda(body.agenda);
    const people = await proposalParticipants(db, { leadWorkingGroup: '', workingGroups: [] });
    const concernsCivilSociety = agenda.some((a) => a.kind === 'propuesta' && a.concernsCivilSociety);
    const user = currentUser(request);
    const sessionId = key ? idFromKey('ses', user.id, 'POST /api/v1/sessions', key) : `ses_${randomBytes(12).toString('hex')}`;
    const setup: SessionSetup = {
      sessionId, kind: body.kind, startsAt: startsAt.toISOString(), place: body.place ?? null, videoUrl: body.videoUrl ?? null, agenda,
      members: people.members, invited: [...people.members, ...people.observers, ...people.support, ...(concernsCivilSociety ? people.oscs : [])],
      rules: { ...settings.rules, reminders: body.reminders ?? settings.rules.reminders }, convenedAt: now.toISOString(),
    };
    try {
      await temporal.workflow.executeUpdateWithStart(sessionConvenedUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation<typeof sessionWorkflow>('sessionWorkflow', {
          workflowId: sessionWorkflowId(sessionId), taskQueue: deps.taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [{ setup, convenedBy: { userId: user.id, institution: user.institution.code } }],
        }),
      });
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    }
    return { statusCode: 201, body: await session(sessionId) };
  }));

  app.get('/sessions', {
    schema: {
      operationId: 'listSessions', tags: ['sesiones'], summary: 'Calendario de sesiones, de la más próxima a la más lejana.',
      querystring: SessionListQuery, response: { 200: SessionList, ...errorResponses(400, 401, 503) },
    },
  }, async (request) => ({ items: await listSessions(db, request.query) }));

  app.get('/actas', {
    schema: {
      operationId: 'listActas', tags: ['sesiones'], summary: 'Registro de actas: las actas aprobadas, con su huella SHA-256 y cómo se aprobaron (también por silencio).',
      response: { 200: ActaRegister, ...errorResponses(401, 503) },
    },
  }, async () => ({ items: await listActas(db) }));

  app.get('/reports/sessions', {
    schema: {
      operationId: 'getSessionsReport', tags: ['informes'], summary: 'Sesiones celebradas, asistencia por institución y acuerdos en sesión frente a rondas escritas, por año.',
      querystring: Type.Partial(SessionsReportQuery), response: { 200: SessionsReportView, ...errorResponses(400, 401, 503) },
    },
  }, async (request) => sessionsReport(db, request.query.year ?? new Date().getUTCFullYear()));

  app.get('/sessions/:id', {
    schema: {
      operationId: 'getSession', tags: ['sesiones'], summary: 'Una sesión: agenda, confirmaciones, asistencia, quórum, decisiones y acta.',
      params: SessionParams, response: { 200: SessionView, ...errorResponses(400, 401, 404, 503) },
    },
  }, async (request) => session(request.params.id));

  app.get('/sessions/:id/audit', {
    schema: {
      operationId: 'getSessionAudit', tags: ['sesiones'], summary: 'Registro de auditoría de la sesión y su verificación.',
      params: SessionParams, response: { 200: AuditBody, ...errorResponses(400, 401, 404, 503) },
    },
  }, async (request) => {
    await session(request.params.id);
    const { head: _head, ...audit } = await verifiedSessionAudit(deps, request.params.id);
    return auditForReader(readerOf(request), audit);
  });

  const post = <B extends object>(path: string, o: {
    operationId: string; summary: string; role: Parameters<typeof requireRole>; body: B; params?: typeof SessionParams | typeof ItemParams;
    status?: 200 | 201; response?: object;
  }) => ({
    onRequest: requireRole(...o.role),
    schema: {
      operationId: o.operationId, tags: ['sesiones'], summary: o.summary, params: o.params ?? SessionParams, body: o.body,
      response: { [o.status ?? 200]: o.response ?? SessionView, ...errorResponses(400, 401, 403, 404, 409, 422, 503) },
    },
  });

  app.post('/sessions/:id/confirmations', post('', {
    operationId: 'confirmSessionAttendance', summary: 'Una institución convocada confirma si asiste y quién la representa.',
    role: ['miembro', 'observador', 'apoyo', 'osc'], body: ConfirmationBody,
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const user = currentUser(request);
    const { id } = request.params as { id: string };
    const body = request.body as Static<typeof ConfirmationBody>;
    // By default, the titular of the institution's contacts represents it.
    const representative = body.attends ? body.representative ?? (await getContacts(db, user.institution.code)).titular : null;
    return { statusCode: 200, body: await act(id, confirmAttendanceUpdate, { actor: actorOf(user), attends: body.attends, representative }, updateIdFor(request, key)) };
  }));

  app.post('/sessions/:id/open', post('', {
    operationId: 'openSession', summary: 'Abre la sesión con la lista de presentes; sin quórum responde 409 y pasa a segunda convocatoria (o suspende la sesión).',
    role: ['secretaria'], body: OpenBody,
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const { id } = request.params as { id: string };
    const { present } = request.body as Static<typeof OpenBody>;
    return { statusCode: 200, body: await act(id, openSessionUpdate, { actor: actorOf(currentUser(request)), present }, updateIdFor(request, key)) };
  }));

  app.post('/sessions/:id/items/:n/positions', post('', {
    operationId: 'takeSessionPosition', summary: 'Posición de un miembro presente sobre el punto en debate; la Secretaría Técnica puede registrarla en su nombre con «institution».',
    role: ['miembro', 'secretaria'], body: SessionPositionBody, params: ItemParams, response: SessionPositionView,
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const user = currentUser(request);
    const { id, n } = request.params as { id: string; n: number };
    const body = request.body as Static<typeof SessionPositionBody>;
    const whole = await act(id, sessionPositionUpdate, { actor: actorOf(user), n, ...body }, updateIdFor(request, key));
    const who = body.institution ?? user.institution.code;
    const cast = whole.agenda.find((i) => i.n === n)!.positions.find((p) => p.institution === who)!;
    return { statusCode: 200, body: { n, ...cast } };
  }));

  app.post('/sessions/:id/items/:n/close', post('', {
    operationId: 'closeSessionItem', summary: 'Cierra el punto en debate con el resumen de la deliberación; una propuesta se decide por su regla sobre los miembros presentes.',
    role: ['secretaria'], body: SummaryBody, params: ItemParams, response: AgendaItemView,
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const { id, n } = request.params as { id: string; n: number };
    const current = (await session(id)).agenda.find((i) => i.n === n);
    if (current?.kind === 'propuesta' && current.status === 'pendiente') {
      const p = await getProposalRow(db, current.proposalId!);
      if (p && (p.status !== 'en_curso' || p.stage !== 'conformidad')) {
        throw new ApiError(409, 'conflict', `La propuesta «${p.title}» ya no está en su ronda de conformidad (${p.status}): difiera o retire el punto ${n}.`);
      }
    }
    const whole = await act(id, closeItemUpdate, { actor: actorOf(currentUser(request)), n, summary: (request.body as { summary: string }).summary }, updateIdFor(request, key));
    return { statusCode: 200, body: whole.agenda.find((i) => i.n === n)! };
  }));

  app.post('/sessions/:id/items/:n/defer', post('', {
    operationId: 'deferSessionItem', summary: 'Difiere el punto a la próxima sesión, con su motivo.',
    role: ['secretaria'], body: ReasonBody, params: ItemParams, response: AgendaItemView,
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const { id, n } = request.params as { id: string; n: number };
    const whole = await act(id, deferItemUpdate, { actor: actorOf(currentUser(request)), n, reason: (request.body as { reason: string }).reason }, updateIdFor(request, key));
    return { statusCode: 200, body: whole.agenda.find((i) => i.n === n)! };
  }));

  app.post('/sessions/:id/agenda/order', post('', {
    operationId: 'reorderSessionAgenda', summary: 'Cambia el orden de los puntos pendientes.', role: ['secretaria'], body: OrderBody,
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const { id } = request.params as { id: string };
    return { statusCode: 200, body: await act(id, reorderAgendaUpdate, { actor: actorOf(currentUser(request)), order: (request.body as { order: number[] }).order }, updateIdFor(request, key)) };
  }));

  app.post('/sessions/:id/reschedule', post('', {
    operationId: 'rescheduleSession', summary: 'Reprograma una sesión convocada, o vuelve a convocar una suspendida con la misma agenda (la invitación se actualiza).',
    role: ['secretaria'], body: RescheduleBody,
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const { id } = request.params as { id: string };
    const current = await session(id);
    const { startsAt } = request.body as { startsAt: string };
    const { calendar, earliest } = await earliestFor(current.kind, new Date());
    // The session model refuses a date it cannot read or one before `minimumStart`; the calendar is the API's to check.
    if (!Number.isNaN(Date.parse(startsAt))) onWorkingDay(current.kind, calendar, new Date(startsAt));
    const minimumStart = earliest.toISOString();
    return { statusCode: 200, body: await act(id, rescheduleSessionUpdate, { actor: actorOf(currentUser(request)), startsAt, minimumStart }, updateIdFor(request, key)) };
  }));

  app.post('/sessions/:id/cancel', post('', {
    operationId: 'cancelSession', summary: 'Cancela una sesión convocada o suspendida (la invitación se cancela).', role: ['secretaria'], body: ReasonBody,
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const { id } = request.params as { id: string };
    return { statusCode: 200, body: await act(id, cancelSessionUpdate, { actor: actorOf(currentUser(request)), reason: (request.body as { reason: string }).reason }, updateIdFor(request, key)) };
  }));

  app.post('/sessions/:id/close', post('', {
    operationId: 'closeSession', summary: 'Cierra la sesión: el proyecto de acta circula entre quienes asistieron hasta el plazo de observaciones.',
    role: ['secretaria'], body: CloseSessionBody,
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const { id } = request.params as { id: string };
    const now = new Date();
    const deadline = deadlineOf((request.body as Static<typeof CloseSessionBody>).observationDeadline, now, 'observationDeadline', await calendarFrom(now), deps.closeOfDay);
    return { statusCode: 200, body: await act(id, closeSessionUpdate, { actor: actorOf(currentUser(request)), observationDeadline: deadline.toISOString() }, updateIdFor(request, key)) };
  }));

  app.post('/sessions/:id/acta/observations', post('', {
    operationId: 'observeSessionActa', summary: 'Observación al proyecto de acta de una institución que asistió.',
    role: ['miembro', 'observador', 'apoyo', 'osc'], body: ObservationBody, status: 201,
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const { id } = request.params as { id: string };
    return { statusCode: 201, body: await act(id, observeActaUpdate, { actor: actorOf(currentUser(request)), text: (request.body as { text: string }).text }, updateIdFor(request, key)) };
  }));

  app.post('/sessions/:id/acta/conformity', post('', {
    operationId: 'conformSessionActa', summary: 'Una institución que asistió da su conformidad al proyecto de acta, sin observaciones.',
    role: ['miembro', 'observador', 'apoyo', 'osc'], body: EmptyBody,
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const { id } = request.params as { id: string };
    return { statusCode: 200, body: await act(id, conformActaUpdate, { actor: actorOf(currentUser(request)) }, updateIdFor(request, key)) };
  }));

  app.post('/sessions/:id/acta/corrections', post('', {
    operationId: 'correctSessionActa', summary: 'La Secretaría Técnica publica el proyecto de acta corregido.', role: ['secretaria'], body: CorrectionBody, status: 201,
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const { id } = request.params as { id: string };
    const body = request.body as Static<typeof CorrectionBody>;
    return { statusCode: 201, body: await act(id, correctActaUpdate, { actor: actorOf(currentUser(request)), ...body }, updateIdFor(request, key)) };
  }));

  app.post('/sessions/:id/acta/approval', post('', {
    operationId: 'approveSessionActa', summary: 'Aprueba el acta: al vencer el plazo de observaciones, o antes si todos respondieron.', role: ['secretaria'], body: EmptyBody,
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const { id } = request.params as { id: string };
    return { statusCode: 200, body: await act(id, approveActaUpdate, { actor: actorOf(currentUser(request)) }, updateIdFor(request, key)) };
  }));

  app.get('/sessions/:id/acta.pdf', {
    schema: {
      operationId: 'getSessionActaPdf', tags: ['sesiones'], summary: 'El acta aprobada, en PDF firmado (PAdES); en JSON con Accept: application/json. 404 antes de su firma.',
      params: SessionParams,
      response: {
        200: { description: 'El PDF firmado (PAdES), o su descripción en JSON.', content: { 'application/pdf': { schema: Type.String({ format: 'binary' }) }, 'application/json': { schema: SignedActaView } } },
        ...errorResponses(400, 401, 404, 503),
      },
    },
  }, async (request, reply) => {
    await session(request.params.id);
    const file = await signedActa(db, request.params.id);
    if (!file) throw notFound('El acta de esta sesión aún no está aprobada y firmada.');
    if (request.headers.accept === 'application/json') {
      return { sha256: file.sha256, version: file.version, signer: file.signer, signedAt: file.signedAt.toISOString(), pdf: file.pdf.toString('base64') };
    }
    return reply.type('application/pdf').header('content-disposition', `inline; filename="acta-${request.params.id}.pdf"`).send(file.pdf as unknown as string);
  });

  app.post('/sessions/:id/acta/verification', {
    schema: {
      operationId: 'verifySessionActa', tags: ['sesiones'], summary: 'Comprueba si un archivo es el acta firmada original de la sesión.',
      params: SessionParams, body: ActaUploadBody, response: { 200: ActaVerificationView, ...errorResponses(400, 401, 404, 422, 503) },
    },
  }, async (request) => {
    await session(request.params.id);
    const file = await signedActa(db, request.params.id);
    if (!file) throw notFound('El acta de esta sesión aún no está aprobada y firmada: no hay original con qué comparar.');
    const upload = Buffer.from(request.body.pdf, 'base64');
    if (upload.subarray(0, 5).toString('latin1') !== '%PDF-') {
      throw new ApiError(422, 'not_a_pdf', 'El archivo enviado («pdf») no es un PDF: no empieza con «%PDF-».', { field: 'pdf', in: 'body' });
    }
    const digest = sha256(upload);
    const matches = digest === file.sha256;
    return {
      matches, sha256: digest, original: { sha256: file.sha256, version: file.version, signer: file.signer, signedAt: file.signedAt.toISOString() },
      message: matches ? 'El archivo es el acta firmada original: idéntico byte a byte.' : 'El archivo NO es el acta firmada original: su contenido difiere (SHA-256 distinto).',
    };
  });
};


