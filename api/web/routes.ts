// The web application: server-rendered pages in Spanish (English on request) for people who
// never call the API. Every read and every action goes through the HTTP API in-process, with
// the user's own token: the same rules, checks and messages as any other client. Forms are
// plain HTML (no script needed), protected by a CSRF token, and submitted once (`_once` is the
// action's Idempotency-Key).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { keepFormState, keptFormState } from '../../db/form-states';
import { deleteToken } from '../../db/users';
import { limaDate } from '../../domain/calendar';
import { isOverdue } from '../../domain/tasks';
import type { AppDeps } from '../deps';
import { toCsv } from '../csv';
import { tokenHash } from '../auth';
import { contextOf, cookieOptions, csrfCookie, langCookie, sessionCookie, type ApiAnswer, type Ctx } from './context';
import type { Html } from './html';
import { label, t } from './i18n';
import { actionRows, checker, launchFromForm, many, one, type Form } from './form-checks';
import { textLimits } from '../../domain/text';
import type { FormState } from './layout';
import type {
  AuditAnswer, GroupAnswer, InboxAnswer, InstitutionAnswer, InstitutionsReport, NonWorkingDayAnswer, PnmReport, ProposalAnswer, ProposalList, StoppedProcesses, TaskAnswer, TaskList,
} from '../schemas';
import { errorPage, homePage, loginPage, proposalListPage } from './pages/home';
import { agreementsPage } from './pages/agreements';
import { inboxPage } from './pages/inbox';
import { settingsPage, type SettingsData } from './pages/settings';
import { calendarPage, type CalendarForms } from './pages/calendar';
import { launchPage } from './pages/launch';
import { proposalPage, type ProposalForms, type ProposalPageData } from './pages/proposal';
import { reportsPage } from './pages/reports';
import { pendingRequest, taskBoardPage, taskPage, type TaskForms, type TaskPageData } from './pages/tasks';
import { sessionPages } from './session-pages';
import { actaUploadLimit } from '../session-schemas';


class WebError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Optional fields: left empty, they are not sent at all. */
const optional = <K extends string>(key: K, value: string) => (value ? { [key]: value } : {}) as Partial<Record<K, string>>;

/**
 * A `datetime-local` value is Lima time (UTC−5, no daylight saving). One that is not a date is
 * passed on as typed, so the API refuses it beside its field.
 */
function limaToIso(local: string): string {
  if (!local) return '';
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local) ? new Date(`${local.length === 16 ? `${local}:00` : local}-05:00`) : null;
  return at && !Number.isNaN(at.getTime()) ? at.toISOString() : local;
}

/**
 * An API refusal as a form state: an error about one field goes beside it (named by its label, not
 * by its JSON name); any other (403, 409, 422…) goes on top of the form.
 */
function refusal(ctx: Ctx, answer: ApiAnswer, values: Form, fields: Record<string, string>, fieldOf: (apiField: string) => string = (f) => f): FormState {
  const error = answer.body?.error as { message?: string; details?: { field?: string } } | undefined;
  if (answer.status >= 500) {
    // The action may have been recorded: the form keeps its key (_once), so sending it again is safe.
    return { values, errors: {}, message: ctx.t('Es posible que la acción se haya registrado, pero no se pudo confirmar. Puede enviar el formulario de nuevo: se registrará una sola vez.') };
  }
  // Anything else was not recorded: the corrected form is a new action, with a new key.
  values = { ...values, _once: undefined };
  // The API's sentence in the page's language, every field it names by the label of its form field.
  const named = new Map<string, string>();
  const message = ctx.t(error?.message ?? 'No se pudo completar la acción.').replace(/«([\w.[\]]+)»/g, (whole, apiField: string) => {
    const formField = fieldOf(apiField);
    const labelText = fields[formField];
    if (!labelText) return whole;
    named.set(formField, apiField);
    return `«${ctx.t(labelText)}»`;
  });
  // Beside the field the API named (details.field), or else the one its sentence names.
  const apiField = error?.details?.field;
  const formField = apiField && fields[fieldOf(apiField)] ? fieldOf(apiField) : [...named.keys()][0];
  return formField ? { values, errors: { [formField]: message } } : { values, errors: {}, message };
}

type Checker = ReturnType<typeof checker>;

/** What @fastify/csrf-protection answers when a form's token or its secret is missing or wrong. */
const csrfRefusals = new Set(['FST_CSRF_INVALID_TOKEN', 'FST_CSRF_MISSING_SECRET']);

export const webRoutes: FastifyPluginAsync<{ deps: AppDeps; root: FastifyInstance }> = async (app, { deps, root }) => {
  await app.register(formbody, { bodyLimit: deps.bodyLimit });
  // One form uploads a file (the acta to verify): its fields and file come as the body, the file as a Buffer.
  await app.register(multipart, { attachFieldsToBody: 'keyValues', limits: { files: 1, fields: 10, fileSize: actaUploadLimit } });
  await app.register(cookie);
  await app.register(csrfProtection, { sessionPlugin: '@fastify/cookie', cookieKey: csrfCookie, cookieOpts: cookieOptions });

  // The strictest policy the pages allow: no script at all, styles from our own file, nothing
  // framed. HSTS is left to api/http-guards.ts, which sends it only over TLS.
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: false,
  });

  // Forms are sent urlencoded; any other body (JSON, none at all) is refused before a route reads it.
  app.addHook('preValidation', async (request) => {
    if (request.method !== 'POST') return;
    const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded' && !(type === 'multipart/form-data' && request.routeOptions.url === '/actas/verificar')) {
      throw new WebError(415, 'El formulario debe enviarse como application/x-www-form-urlencoded.');
    }
    if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) request.body = {};
  });

  // Every form is checked against the CSRF secret's cookie before its route runs; only signing
  // out without a session (which changes nothing) needs no token.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method !== 'POST' || (request.routeOptions.url === '/salir' && !request.cookies[sessionCookie])) {
      done();
      return;
    }
    app.csrfProtection(request, reply, done);
  });

  const ctxOf = (request: FastifyRequest, reply: FastifyReply) => contextOf(root, deps.db, request, reply);
  const send = (reply: FastifyReply, html: Html, status = 200) => reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html.toString());

  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const ctx = await ctxOf(request, reply).catch(() => null);
    const status = error instanceof WebError ? error.status : error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'web page failed');
    const message = error instanceof WebError ? error.message : csrfRefusals.has(error.code ?? '') ? t(ctx?.lang ?? 'es', 'Su sesión expiró o el formulario caducó. Vuelva a intentarlo.') : status === 413 ? 'El formulario es demasiado grande.' : status < 500 ? 'La petición no es válida.' : `Error interno. Referencia: ${request.id}.`;
    if (!ctx) return reply.code(status).type('text/plain; charset=utf-8').send(message);
    return send(reply, errorPage(ctx, status, message), status);
  });

  /** The signed-in user's context, or a redirect to the login page. */
  async function signedIn(request: FastifyRequest, reply: FastifyReply): Promise<Ctx | null> {
    const ctx = await ctxOf(request, reply);
    if (!ctx.user) {
      await reply.redirect('/entrar', 303);
      return null;
    }
    return ctx;
  }

  /** The API's answer to a page read, in the shape its route declares (api/schemas.ts); its refusals become the page's. */
  async function read<Answer>(ctx: Ctx, url: string): Promise<Answer> {
    const answer = await ctx.api('GET', url);
    if (answer.status >= 400) throw new WebError(answer.status, answer.body?.error?.message ?? ctx.t('No encontrado'));
    return answer.body as Answer;
  }

  /**
   * Post/redirect/get for a refused form: what was typed and the errors are kept (db/form-states.ts)
   * and the browser goes back to the page's own address, which shows them beside their fields. A
   * 5xx is not a refusal: that page is shown where it was posted, so reloading sends it again.
   */
  async function backToForm(ctx: Ctx, reply: FastifyReply, pagePath: string, form: string, state: FormState, anchor = '') {
    const id = await keepFormState(deps.db, ctx.user!.id, form, state);
    return reply.redirect(`${pagePath}?formulario=${id}${anchor ? `#${anchor}` : ''}`, 303);
  }

  /** The refused form a GET shows again, by the id its redirect carries. */
  async function keptForms(ctx: Ctx, id: string | undefined): Promise<Record<string, FormState>> {
    const kept = id ? await keptFormState(deps.db, ctx.user!.id, id) : null;
    return kept ? { [kept.form]: kept.state } : {};
  }

  // The stylesheet (api/web/static/), cached for an hour and revalidated by ETag and Last-Modified.
  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('./static/', import.meta.url)), prefix: '/static/', wildcard: false, index: false, maxAge: '1h', decorateReply: false,
  });

  // Browsers ask for /favicon.ico on their own, whatever the page links.
  const favicon = readFileSync(fileURLToPath(new URL('./static/favicon.ico', import.meta.url)));
  app.get('/favicon.ico', async (_request, reply) => reply.type('image/x-icon').header('cache-control', 'public, max-age=86400').send(favicon));

  // ---- session and language ---------------------------------------------------------------

  app.get('/entrar', async (request, reply) => {
    const ctx = await ctxOf(request, reply);
    if (ctx.user) return reply.redirect('/', 303);
    return send(reply, loginPage(ctx));
  });

  app.post<{ Body: Form }>('/entrar', async (request, reply) => {
    const ctx = await ctxOf(request, reply);
    const email = one(request.body.email);
    const answer = await ctx.api('POST', '/api/v1/auth/token', { email, password: one(request.body.password) });
    if (answer.status !== 200) {
      const message = answer.status === 401 ? ctx.t('Correo o contraseña incorrectos.') : answer.body?.error?.message ?? ctx.t('Correo o contraseña incorrectos.');
      const retryAfter = answer.body?.error?.details?.retryAfterSeconds;
      if (answer.status === 429 && retryAfter) reply.header('retry-after', String(retryAfter));
      return send(reply, loginPage(ctx, { values: { email }, errors: {}, message }), [400, 429].includes(answer.status) ? answer.status : 401);
    }
    const expires = Math.max(60, Math.floor((Date.parse(answer.body.expiresAt) - Date.now()) / 1000));
    reply.setCookie(sessionCookie, answer.body.token, { ...cookieOptions, maxAge: expires });
    // Signing in starts a new CSRF secret: the next page sets it.
    reply.clearCookie(csrfCookie, cookieOptions);
    return reply.redirect('/', 303);
  });

  app.post<{ Body: Form }>('/salir', async (request, reply) => {
    const ctx = await ctxOf(request, reply);
    if (ctx.token) {
      await deleteToken(deps.db, tokenHash(ctx.token));
    }
    reply.clearCookie(sessionCookie, cookieOptions);
    return reply.redirect('/entrar', 303);
  });

  app.post<{ Body: Form }>('/idioma', async (request, reply) => {
    reply.setCookie(langCookie, one(request.body.lang) === 'en' ? 'en' : 'es', { ...cookieOptions, maxAge: 365 * 24 * 3600 });
    const back = one(request.body.back);
    // Only a path on this site: never an open redirect.
    return reply.redirect(back.startsWith('/') && !back.startsWith('//') ? back : '/', 303);
  });

  // ---- home, lists, inbox, reports ---------------------------------------------------------

  app.get('/', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const kind = ctx.user!.institution.kind;
    const proposalsUrl = kind === 'osc' ? '/api/v1/proposals?stage=consulta&limit=100' : kind === 'miembro' ? null : '/api/v1/proposals?status=en_curso&limit=200';
    const [inbox, proposals, tasks, stopped] = await Promise.all([
      read<InboxAnswer>(ctx, '/api/v1/inbox'),
      proposalsUrl ? read<ProposalList>(ctx, proposalsUrl) : { items: [] },
      kind === 'secretaria' ? read<TaskList>(ctx, '/api/v1/tasks?limit=200') : { items: [] },
      kind === 'secretaria' ? read<StoppedProcesses>(ctx, '/api/v1/processes/stopped') : { items: [] },
    ]);
    const soon = Date.now() + 14 * 24 * 3600 * 1000;
    // At risk: overdue now or by then.
    const atRisk = tasks.items.filter((task) => isOverdue(task, soon))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    const open = kind === 'osc' ? proposals.items.filter((p) => p.consultationOpen) : proposals.items;
    return send(reply, homePage(ctx, { inbox: inbox.items, proposals: open, tasksAtRisk: atRisk, stopped: stopped.items }));
  });

  app.get<{ Querystring: Record<string, string> }>('/propuestas', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const q = { stage: request.query.stage || undefined, status: request.query.status || undefined, q: request.query.q || undefined };
    const params = new URLSearchParams({ limit: '50', ...Object.fromEntries(Object.entries({ ...q, cursor: request.query.cursor }).filter(([, v]) => v)) as Record<string, string> });
    const answer = await ctx.api('GET', `/api/v1/proposals?${params.toString()}`);
    if (answer.status === 400) throw new WebError(400, answer.body.error.message);
    const list = answer.body as ProposalList;
    return send(reply, proposalListPage(ctx, list.items, q, list.nextCursor));
  });

  app.get('/acuerdos', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const [adopted, tasks] = await Promise.all([
      read<ProposalList>(ctx, '/api/v1/proposals?status=adoptada&limit=100'), ctx.api('GET', '/api/v1/tasks?limit=200'),
    ]);
    // The vote and its date are in each agreement's whole record.
    const agreements = await Promise.all(adopted.items.map((p) => read<ProposalAnswer>(ctx, `/api/v1/proposals/${encodeURIComponent(p.id)}`)));
    agreements.sort((a, b) => (b.number ?? '').localeCompare(a.number ?? ''));
    return send(reply, agreementsPage(ctx, agreements, tasks.status === 200 ? (tasks.body as TaskList).items : []));
  });

  app.get<{ Querystring: { formulario?: string; hecho?: string } }>('/ajustes', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const code = encodeURIComponent(ctx.user!.institution.code);
    const secretariat = ctx.user!.institution.kind === 'secretaria';
    const [contacts, preferences, deliveries, failed, kept] = await Promise.all([
      ctx.api('GET', `/api/v1/institutions/${code}/contacts`), read<{ notifications: string }>(ctx, '/api/v1/me/preferences'),
      read<{ items: SettingsData['deliveries'] }>(ctx, `/api/v1/deliveries?institution=${code}&limit=20`),
      secretariat ? read<{ items: SettingsData['deliveries'] }>(ctx, '/api/v1/deliveries?status=fallida&limit=50') : { items: [] },
      keptForms(ctx, request.query.formulario),
    ]);
    // The calendar's address comes back once, kept with the redirect like a form's state.
    const calendarUrl = typeof kept.calendario?.values.url === 'string' ? kept.calendario.values.url : null;
    return send(reply, settingsPage(ctx, {
      contacts: contacts.status === 200 ? contacts.body : null, mode: preferences.notifications, calendarUrl, deliveries: deliveries.items, failed: failed.items,
    }, calendarUrl ? {} : kept, request.query.hecho));
  });

  app.post<{ Body: Form }>('/ajustes/preferencia', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const c = checker(ctx);
    c.atLeastOne('notifications', many(request.body.notifications), 'Correo');
    if (Object.keys(c.errors).length) return backToForm(ctx, reply, '/ajustes', 'preferencia', { values: request.body, errors: c.errors }, 'preferencia-h');
    const answer = await ctx.api('PUT', '/api/v1/me/preferences', { notifications: one(request.body.notifications) });
    if (answer.status === 200) return reply.redirect('/ajustes?hecho=preferencia', 303);
    return backToForm(ctx, reply, '/ajustes', 'preferencia', refusal(ctx, answer, request.body, { notifications: 'Correo' }), 'preferencia-h');
  });

  app.post<{ Body: Form }>('/ajustes/calendario', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const answer = await ctx.api('POST', '/api/v1/calendar/token', {});
    if (answer.status === 201) return backToForm(ctx, reply, '/ajustes', 'calendario', { values: { url: String(answer.body.url) }, errors: {} }, 'calendario-h');
    return backToForm(ctx, reply, '/ajustes', 'calendario', refusal(ctx, answer, request.body, {}), 'calendario-h');
  });

  app.get('/bandeja', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    return send(reply, inboxPage(ctx, (await read<InboxAnswer>(ctx, '/api/v1/inbox')).items));
  });

  app.post<{ Body: Form }>('/bandeja/leido', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    await ctx.api('POST', `/api/v1/inbox/${encodeURIComponent(one(request.body.id))}/read`, {});
    return reply.redirect('/bandeja', 303);
  });

  app.get('/informes', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const [pnm, institutions] = await Promise.all([read<PnmReport>(ctx, '/api/v1/reports/pnm'), read<InstitutionsReport>(ctx, '/api/v1/reports/institutions')]);
    return send(reply, reportsPage(ctx, pnm, institutions));
  });

  // The chart of proposals by stage has its own CSV: the same figures, stages named in the page's language.
  app.get('/informes/propuestas-por-etapa.csv', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const pnm = await read<PnmReport>(ctx, '/api/v1/reports/pnm');
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="mesa-propuestas-por-etapa.csv"')
      .send(toCsv([ctx.t('Etapa'), ctx.t('Propuestas en curso')], pnm.pipeline.map((p) => [label(ctx.lang, p.stage), p.proposals])));
  });

  // The CSV beside each chart: the API's own CSV, as a download a browser can follow.
  for (const [path, api] of [['/informes/avance-pnm.csv', '/api/v1/reports/pnm'], ['/informes/instituciones.csv', '/api/v1/reports/institutions']] as const) {
    app.get(path, async (request, reply) => {
      const ctx = await signedIn(request, reply);
      if (!ctx) return reply;
      const answer = await root.inject({ method: 'GET', url: api, headers: { authorization: `Bearer ${ctx.token}`, accept: 'text/csv' } });
      return reply.code(answer.statusCode).type(answer.headers['content-type'] as string)
        .header('content-disposition', answer.headers['content-disposition'] as string).send(answer.rawPayload);
    });
  }

  // ---- the calendar of working days ----------------------------------------------------------

  const calendarLabels: Record<string, string> = { date: 'Fecha', reason: 'Motivo', reference: 'Norma que lo declara', kind: 'Clase', ics: 'Contenido del archivo .ics' };
  const yearOf = (text: string | undefined) => (/^\d{4}$/.test(text ?? '') ? Number(text) : Number(limaDate(new Date()).slice(0, 4)));
  const showCalendar = async (ctx: Ctx, reply: FastifyReply, year: number, forms: CalendarForms = {}, status = 200, done?: string) =>
    send(reply, calendarPage(ctx, year, await read<NonWorkingDayAnswer[]>(ctx, `/api/v1/calendar/non-working-days?year=${year}`), forms, done), status);

  app.get<{ Querystring: { anio?: string; hecho?: string } }>('/calendario', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    return showCalendar(ctx, reply, yearOf(request.query.anio), {}, 200, request.query.hecho);
  });

  app.post<{ Body: Form }>('/calendario', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const f = request.body;
    const body = { date: one(f.date), reason: one(f.reason), ...optional('reference', one(f.reference)), ...optional('kind', one(f.kind)) };
    const answer = await ctx.api('POST', '/api/v1/calendar/non-working-days', body, { 'idempotency-key': one(f._once) });
    if (answer.status === 201) return reply.redirect(`/calendario?anio=${body.date.slice(0, 4)}&hecho=dia_agregado`, 303);
    return showCalendar(ctx, reply, yearOf(body.date.slice(0, 4)), { agregar: refusal(ctx, answer, f, calendarLabels) }, answer.status);
  });

  app.post<{ Body: Form }>('/calendario/importar', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const f = request.body;
    const answer = await ctx.api('POST', '/api/v1/calendar/non-working-days/import', { ics: one(f.ics), ...optional('reference', one(f.reference)) }, { 'idempotency-key': one(f._once) });
    const first = (answer.body?.added as NonWorkingDayAnswer[] | undefined)?.[0]?.date;
    if (answer.status === 201) return reply.redirect(`/calendario?anio=${first?.slice(0, 4) ?? ''}&hecho=calendario_importado`, 303);
    return showCalendar(ctx, reply, yearOf(undefined), { importar: refusal(ctx, answer, f, calendarLabels) }, answer.status);
  });

  app.post<{ Params: { date: string }; Body: Form }>('/calendario/:date/editar', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const f = request.body;
    const { date } = request.params;
    const answer = await ctx.api('PUT', `/api/v1/calendar/non-working-days/${encodeURIComponent(date)}`, { reason: one(f.reason), ...optional('reference', one(f.reference)) });
    if (answer.status === 200) return reply.redirect(`/calendario?anio=${date.slice(0, 4)}&hecho=dia_corregido`, 303);
    if (answer.status === 403 || answer.status === 404) throw new WebError(answer.status, answer.body?.error?.message ?? '');
    return showCalendar(ctx, reply, yearOf(date.slice(0, 4)), { editar: { ...refusal(ctx, answer, f, calendarLabels), date } }, answer.status);
  });

  app.post<{ Params: { date: string }; Body: Form }>('/calendario/:date/quitar', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const { date } = request.params;
    const answer = await ctx.api('DELETE', `/api/v1/calendar/non-working-days/${encodeURIComponent(date)}`);
    if (answer.status === 204) return reply.redirect(`/calendario?anio=${date.slice(0, 4)}&hecho=dia_quitado`, 303);
    throw new WebError(answer.status, answer.body?.error?.message ?? ctx.t('No se pudo completar la acción.'));
  });

  // ---- proposals ------------------------------------------------------------------------

  const launchLabels: Record<string, string> = {
    title: 'Título', summary: 'Resumen', text: 'Texto', objectives: 'Objetivos de la PNM', populations: 'Poblaciones',
    leadWorkingGroup: 'Grupo de trabajo líder', stages: 'Etapas', decisionRule: 'Regla de decisión', silencePolicy: 'Política de silencio',
    deadline_grupo_de_trabajo: 'Plazo', deadline_consulta: 'Plazo', deadline_conformidad: 'Plazo',
    ...Object.fromEntries(Array.from({ length: actionRows }, (_, i) => [
      [`action${i + 1}_title`, 'Nombre de la acción'], [`action${i + 1}_responsible`, 'Instituciones responsables'],
      [`action${i + 1}_dueIn`, 'Plazo de la acción'], [`action${i + 1}_deliverable`, 'Entregable'],
    ]).flat()),
  };
  const launchField = (rows: number[]) => (f: string) => {
    const deadline = /^deadlines\.(\w+)/.exec(f);
    if (deadline) return `deadline_${deadline[1]}`;
    // The API numbers the actions it was sent; the form's rows, left empty, were not sent.
    const action = /^actions\[(\d+)\]\.(\w+)/.exec(f);
    if (action) return `action${rows[Number(action[1])] ?? 1}_${action[2]}`;
    return f.replace(/\[\d+\]$/, '');
  };

  async function groups(ctx: Ctx) {
    return read<GroupAnswer[]>(ctx, '/api/v1/working-groups');
  }

  app.get<{ Querystring: { formulario?: string } }>('/propuestas/nueva', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    if (ctx.user!.institution.kind !== 'secretaria') throw new WebError(403, ctx.t('Solo la Secretaría Técnica lanza propuestas.'));
    const [wgs, institutions, kept] = await Promise.all([groups(ctx), read<InstitutionAnswer[]>(ctx, '/api/v1/institutions'), keptForms(ctx, request.query.formulario)]);
    const members = institutions.filter((i) => i.kind === 'miembro' && i.active).sort((a, b) => a.name.localeCompare(b.name, 'es'));
    return send(reply, launchPage(ctx, wgs, members, kept.lanzar));
  });

  app.post<{ Body: Form }>('/propuestas/nueva', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const f = request.body;
    const { body, errors, rows } = launchFromForm(ctx, f);
    // Every mistake the page can see is shown at once; the API is asked only about a form without them.
    if (Object.keys(errors).length) return backToForm(ctx, reply, '/propuestas/nueva', 'lanzar', { values: f, errors });
    const answer = await ctx.api('POST', '/api/v1/proposals', body, { 'idempotency-key': one(f._once) });
    if (answer.status === 201 || answer.status === 200) return reply.redirect(`/propuestas/${answer.body.id}?hecho=lanzada`, 303);
    if (answer.status >= 500) {
      const [wgs, institutions] = await Promise.all([groups(ctx), read<InstitutionAnswer[]>(ctx, '/api/v1/institutions')]);
      const members = institutions.filter((i) => i.kind === 'miembro' && i.active).sort((a, b) => a.name.localeCompare(b.name, 'es'));
      return send(reply, launchPage(ctx, wgs, members, refusal(ctx, answer, f, launchLabels)), answer.status);
    }
    return backToForm(ctx, reply, '/propuestas/nueva', 'lanzar', refusal(ctx, answer, f, launchLabels, launchField(rows)));
  });

  async function proposalData(ctx: Ctx, id: string): Promise<ProposalPageData> {
    const path = `/api/v1/proposals/${encodeURIComponent(id)}`;
    const [proposal, audit, institutions, wgs, tasks] = await Promise.all([
      read<ProposalAnswer>(ctx, path), read<AuditAnswer>(ctx, `${path}/audit`),
      read<InstitutionAnswer[]>(ctx, '/api/v1/institutions'), groups(ctx),
      ctx.api('GET', `/api/v1/tasks?proposal=${encodeURIComponent(id)}&limit=200`),
    ]);
    const lead = wgs.find((g) => g.code === proposal.leadWorkingGroup);
    return {
      proposal, audit, institutions, groups: wgs, coordinators: lead?.coordinator ? [lead.coordinator] : [],
      tasks: tasks.status === 200 ? (tasks.body as TaskList).items : [],
    };
  }

  app.get<{ Params: { id: string }; Querystring: { hecho?: string; formulario?: string } }>('/propuestas/:id', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const forms = await keptForms(ctx, request.query.formulario);
    return send(reply, proposalPage(ctx, await proposalData(ctx, request.params.id), forms, request.query.hecho));
  });

  /** One form of the proposal page: its checks, its API call, and the page again with the errors if refused. */
  const proposalAction = (
    path: string, form: keyof ProposalForms | ((params: Record<string, string>) => keyof ProposalForms), done: string,
    call: (f: Form, params: Record<string, string>) => { url: string; body: object }, labels: Record<string, string>,
    check: (c: Checker, f: Form) => void = () => {},
  ) => app.post<{ Params: Record<string, string>; Body: Form }>(`/propuestas/:id/${path}`, async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const { id } = request.params as { id: string };
    const name = typeof form === 'function' ? form(request.params) : form;
    const back = (state: FormState) => backToForm(ctx, reply, `/propuestas/${encodeURIComponent(id)}`, name, state, name.startsWith('respuesta-') ? 'aportes' : `f-${name}-h`);
    const c = checker(ctx);
    check(c, request.body);
    if (Object.keys(c.errors).length) return back({ values: { ...request.body, _once: undefined }, errors: c.errors });
    const { url, body } = call(request.body, request.params);
    const answer = await ctx.api('POST', url, body, { 'idempotency-key': one(request.body._once) });
    if (answer.status < 300) return reply.redirect(`/propuestas/${encodeURIComponent(id)}?hecho=${done}#contenido`, 303);
    if (answer.status === 403 || answer.status === 404) throw new WebError(answer.status, ctx.t(answer.body?.error?.message ?? ''));
    // Not confirmed (5xx): shown at this address, so that reloading sends the same action again (its key kept).
    if (answer.status >= 500) return send(reply, proposalPage(ctx, await proposalData(ctx, id), { [name]: refusal(ctx, answer, request.body, labels) }), answer.status);
    return back(refusal(ctx, answer, request.body, labels));
  });

  const base = (id: string) => `/api/v1/proposals/${encodeURIComponent(id)}`;
  const commentRequired = ['objeta', 'aprueba_con_observaciones'];
  proposalAction('conformidad', 'conformidad', 'conformidad', (f, p) => ({ url: `${base(p.id!)}/signoffs`, body: { position: one(f.position), ...optional('comment', one(f.comment)) } }),
    { position: 'Posición', comment: 'Comentario (obligatorio si observa u objeta)' }, (c, f) => {
      c.atLeastOne('position', many(f.position), 'Posición');
      c.rule('comment', commentRequired.includes(one(f.position)) && !one(f.comment), 'Una objeción o una conformidad con observaciones requiere un comentario.');
      c.optionalText('comment', one(f.comment), 'Comentario', textLimits.comment);
    });
  proposalAction('aportes', 'aporte', 'aporte', (f, p) => ({
    url: `${base(p.id!)}/inputs`,
    body: { kind: one(f.kind), text: one(f.text), ...(one(f.paragraph) ? { paragraph: Number(one(f.paragraph)) } : {}) },
  }), { kind: 'Tipo de aporte', text: 'Aporte', paragraph: 'Párrafo (obligatorio para un cambio)' }, (c, f) => {
    c.text('text', one(f.text), 'Aporte', textLimits.comment);
    c.wholeNumber('paragraph', one(f.paragraph), 'Párrafo (obligatorio para un cambio)');
    c.rule('paragraph', one(f.kind) === 'cambio' && !one(f.paragraph), 'Un cambio propuesto debe indicar el párrafo que cambia.');
  });
  proposalAction('comentarios', 'comentario', 'comentario', (f, p) => ({ url: `${base(p.id!)}/comments`, body: { text: one(f.text) } }), { text: 'Comentario' },
    (c, f) => c.text('text', one(f.text), 'Comentario', textLimits.comment));
  proposalAction('avanzar', 'avanzar', 'avance_etapa', (_f, p) => ({ url: `${base(p.id!)}/advance`, body: {} }), {});
  proposalAction('retirar', 'retirar', 'retiro', (f, p) => ({ url: `${base(p.id!)}/withdraw`, body: { reason: one(f.reason) } }), { reason: 'Motivo' },
    (c, f) => {
      c.text('reason', one(f.reason), 'Motivo', textLimits.reason);
      c.rule('confirm', one(f.confirm) !== 'si', 'Marque la confirmación para retirar la propuesta.');
    });
  proposalAction('versiones', 'version', 'version', (f, p) => ({ url: `${base(p.id!)}/versions`, body: { text: one(f.text), changeSummary: one(f.changeSummary) } }),
    { text: 'Texto', changeSummary: 'Resumen de cambios' }, (c, f) => {
      c.text('text', one(f.text), 'Texto', textLimits.document);
      c.text('changeSummary', one(f.changeSummary), 'Resumen de cambios', textLimits.reason);
    });
  proposalAction('decision-grupo', 'decision', 'decision', (f, p) => ({ url: `${base(p.id!)}/working-group-decision`, body: { decision: one(f.decision), ...optional('reason', one(f.reason)) } }),
    { decision: 'Decisión', reason: 'Motivo' }, (c, f) => {
      c.rule('reason', ['devolver', 'rechazar'].includes(one(f.decision)) && !one(f.reason), 'Devolver o rechazar una propuesta requiere un motivo.');
      c.optionalText('reason', one(f.reason), 'Motivo', textLimits.reason);
    });
  proposalAction('recuperacion', 'recuperacion', 'recuperacion', (f, p) => ({ url: `${base(p.id!)}/recovery`, body: { action: one(f.action), reason: one(f.reason) } }),
    { action: 'Acción', reason: 'Motivo' }, (c, f) => c.text('reason', one(f.reason), 'Motivo', textLimits.reason));
  proposalAction('aportes/:inputId/respuesta', (p) => `respuesta-${p.inputId}`, 'respuesta',
    (f, p) => ({ url: `${base(p.id!)}/inputs/${encodeURIComponent(p.inputId!)}/answer`, body: { decision: one(f.decision), reason: one(f.reason) } }),
    { decision: 'Decisión', reason: 'Motivo' }, (c, f) => c.text('reason', one(f.reason), 'Motivo', textLimits.reason));

  // ---- tasks ----------------------------------------------------------------------------

  app.get<{ Querystring: { todas?: string } }>('/tareas', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    // A ministry sees its own tasks first; everyone else (and "Todas") the whole board.
    const mine = ctx.user!.institution.kind === 'miembro' && !request.query.todas;
    const page = await read<TaskList>(ctx, `/api/v1/tasks?limit=200${mine ? `&institution=${ctx.user!.institution.code}` : ''}`);
    return send(reply, taskBoardPage(ctx, page.items, mine));
  });

  app.get<{ Params: { id: string }; Querystring: { hecho?: string; formulario?: string } }>('/tareas/:id', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const forms = await keptForms(ctx, request.query.formulario);
    return send(reply, taskPage(ctx, await taskData(ctx, request.params.id), forms, request.query.hecho));
  });

  /**
   * A task with what its page shows beside it: the request awaiting the secretariat's decision
   * (who asked, why, and for what), read from the task's audit trail, where the workflow recorded
   * it; and, for the secretariat, the member institutions it may reassign the task to.
   */
  async function taskData(ctx: Ctx, id: string): Promise<TaskPageData> {
    const path = `/api/v1/tasks/${encodeURIComponent(id)}`;
    const [task, audit, institutions] = await Promise.all([
      read<TaskAnswer>(ctx, path), ctx.api('GET', `${path}/audit`),
      ctx.user!.institution.kind === 'secretaria' ? read<InstitutionAnswer[]>(ctx, '/api/v1/institutions') : [],
    ]);
    const events = audit.status === 200 ? (audit.body as AuditAnswer).events : [];
    return { task, request: pendingRequest(events), members: institutions.filter((i) => i.kind === 'miembro') };
  }

  const taskAction = (path: string, form: keyof TaskForms, done: string, call: (f: Form) => { url: string; body: object }, labels: Record<string, string>,
    check: (c: Checker, f: Form) => void = () => {}) =>
    app.post<{ Params: { id: string }; Body: Form }>(`/tareas/:id/${path}`, async (request, reply) => {
      const ctx = await signedIn(request, reply);
      if (!ctx) return reply;
      const id = encodeURIComponent(request.params.id);
      const back = (state: FormState) => backToForm(ctx, reply, `/tareas/${id}`, form, state, `t-${form}-h`);
      const c = checker(ctx);
      check(c, request.body);
      if (Object.keys(c.errors).length) return back({ values: { ...request.body, _once: undefined }, errors: c.errors });
      const { url, body } = call(request.body);
      const answer = await ctx.api('POST', `/api/v1/tasks/${id}/${url}`, body, { 'idempotency-key': one(request.body._once) });
      if (answer.status < 300) return reply.redirect(`/tareas/${id}?hecho=${done}`, 303);
      if (answer.status === 403 || answer.status === 404) throw new WebError(answer.status, ctx.t(answer.body?.error?.message ?? ''));
      // Not confirmed (5xx): shown at this address, so that reloading sends the same action again (its key kept).
      if (answer.status >= 500) return send(reply, taskPage(ctx, await taskData(ctx, request.params.id), { [form]: refusal(ctx, answer, request.body, labels) }), answer.status);
      return back(refusal(ctx, answer, request.body, labels));
    });

  taskAction('recuperacion', 'recuperacion', 'recuperacion', (f) => ({ url: 'recovery', body: { action: one(f.action), reason: one(f.reason) } }),
    { action: 'Acción', reason: 'Motivo' }, (c, f) => c.text('reason', one(f.reason), 'Motivo', textLimits.reason));
  taskAction('aceptar', 'aceptar', 'aceptada', () => ({ url: 'accept', body: {} }), {});
  taskAction('solicitud', 'solicitud', 'solicitud', (f) => ({ url: 'reassignment-request', body: { reason: one(f.reason), ...optional('proposedDueDate', limaToIso(one(f.proposedDueDate))) } }),
    { reason: 'Motivo', proposedDueDate: 'Nueva fecha propuesta (opcional)' }, (c, f) => c.text('reason', one(f.reason), 'Motivo', textLimits.reason));
  taskAction('avance', 'avance', 'avance', (f) => ({
    url: 'progress',
    body: { percent: one(f.percent) === '' ? undefined : Number(one(f.percent)), ...optional('note', one(f.note)), ...optional('evidenceUrl', one(f.evidenceUrl)) },
  }), { percent: 'Porcentaje (0–100)', note: 'Nota', evidenceUrl: 'Enlace a la evidencia (opcional)' }, (c, f) => {
    c.wholeNumber('percent', one(f.percent), 'Porcentaje (0–100)', { max: 100, required: true });
    c.optionalText('note', one(f.note), 'Nota', textLimits.reason);
  });
  taskAction('conclusion', 'conclusion', 'conclusion', (f) => ({ url: 'completion', body: { summary: one(f.summary), ...optional('evidenceUrl', one(f.evidenceUrl)) } }),
    { summary: 'Resultado', evidenceUrl: 'Enlace a la evidencia (opcional)' }, (c, f) => {
      c.text('summary', one(f.summary), 'Resultado', textLimits.reason);
      c.rule('confirm', one(f.confirm) !== 'si', 'Marque la confirmación para registrar la conclusión.');
    });
  taskAction('verificacion', 'verificacion', 'verificacion', (f) => ({ url: 'verification', body: { accepted: one(f.accepted) === 'true', comment: one(f.comment) } }),
    { accepted: 'Decisión', comment: 'Observaciones' }, (c, f) => {
      c.atLeastOne('accepted', many(f.accepted), 'Decisión');
      c.rule('comment', one(f.accepted) === 'false' && !one(f.comment), 'Una tarea devuelta requiere las observaciones.');
    });
  taskAction('decision', 'decision', 'solicitud_decidida', (f) => ({
    url: 'reassignment-decision',
    body: { granted: one(f.granted) === 'true', comment: one(f.comment), ...(many(f.responsible).length ? { responsible: many(f.responsible) } : {}) },
  }), { granted: 'Decisión', comment: 'Motivo', responsible: 'Nuevas instituciones responsables' }, (c, f) => {
    c.atLeastOne('granted', many(f.granted), 'Decisión');
    c.text('comment', one(f.comment), 'Motivo', textLimits.reason);
    c.rule('confirm', one(f.confirm) !== 'si', 'Marque la confirmación para registrar la decisión.');
  });

  sessionPages(app, { send, signedIn, read, backToForm, keptForms, refusal, limaToIso, fail: (status, message) => new WebError(status, message) });

  // The address of a form's action, opened as a page (a bookmark, a reload, a shared link): the
  // page the form is on, never the API's bare 404.
  const formPage: Array<[string, (params: Record<string, string>) => string]> = [
    ['/propuestas/:id/:accion', (p) => `/propuestas/${encodeURIComponent(p.id!)}`],
    ['/propuestas/:id/aportes/:inputId/respuesta', (p) => `/propuestas/${encodeURIComponent(p.id!)}#aportes`],
    ['/tareas/:id/:accion', (p) => `/tareas/${encodeURIComponent(p.id!)}`],
    ['/bandeja/leido', () => '/bandeja'], ['/ajustes/:accion', () => '/ajustes'], ['/salir', () => '/'], ['/idioma', () => '/'],
  ];
  for (const [path, to] of formPage) {
    app.get<{ Params: Record<string, string> }>(path, async (request, reply) => reply.redirect(to(request.params), 303));
  }
};
