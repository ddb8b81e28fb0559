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
import { actionRows, checker, draftFromForm, type Checker, formFromDraft, launchFromForm, many, one, type Form } from './form-checks';
import { problemSentence } from '../validation';
import { closedDraftPage, draftListPage, draftPreviewPage } from './pages/drafts';
import { textLimits } from '../../domain/text';
import type { FormState } from './layout';
import type {
  AttachmentAnswer, AuditAnswer, DraftAnswer, DraftListAnswer, DraftPreviewAnswer, GroupAnswer, InboxAnswer, InstitutionAnswer, InstitutionsReport, NonWorkingDayAnswer, PnmReport, ProposalAnswer, ProposalList, StoppedProcesses, TaskAnswer, TaskList,
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
import { sessionPages, type Attach, type FormAction } from './session-pages';
import { accountPages } from './account-pages';
import { acceptMultipart, formOfMultipart, passFile, sendUpload, uploadOf, uploadProblem } from './documents';
import { fileFieldName } from './pages/documents';
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

/** What @fastify/csrf-protection answers when a form's token or its secret is missing or wrong. */
const csrfRefusals = new Set(['FST_CSRF_INVALID_TOKEN', 'FST_CSRF_MISSING_SECRET']);

export const webRoutes: FastifyPluginAsync<{ deps: AppDeps; root: FastifyInstance }> = async (app, { deps, root }) => {
  await app.register(formbody, { bodyLimit: deps.bodyLimit });
  const maxBytes = deps.documents?.maxBytes ?? 0;
  // The largest file a form may carry: an attached document, or an acta to verify.
  await acceptMultipart(app, Math.max(maxBytes, actaUploadLimit));
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

  // Forms are sent urlencoded, or as multipart when they carry a file (read into the same plain
  // form); any other body (JSON, none at all) is refused before a route reads it.
  app.addHook('preValidation', async (request) => {
    if (request.method !== 'POST') return;
    const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'multipart/form-data') {
      request.body = await formOfMultipart(request);
      return;
    }
    if (type !== 'application/x-www-form-urlencoded') {
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
    return reply.redirect(`${pagePath}${pagePath.includes('?') ? '&' : '?'}formulario=${id}${anchor ? `#${anchor}` : ''}`, 303);
  }

  /** The refused form a GET shows again, by the id its redirect carries. */
  async function keptForms(ctx: Ctx, id: string | undefined): Promise<Record<string, FormState>> {
    const kept = id ? await keptFormState(deps.db, ctx.user!.id, id) : null;
    return kept ? { [kept.form]: kept.state } : {};
  }

  /**
   * A page's form posted as one API action: the page's own checks, then the action under the
   * form's key (_once), then the page again: with `?hecho=` when recorded, with the errors beside
   * the fields when refused. 403 and 404 are the page's own refusal; a 5xx is shown at this address,
   * so that reloading sends the same action again (its key kept).
   */
  function formAction(spec: FormAction) {
    return async (request: FastifyRequest<{ Params: Record<string, string>; Body: Form }>, reply: FastifyReply) => {
      const ctx = await signedIn(request, reply);
      if (!ctx) return reply;
      const { params, body: f } = request;
      const { labels, attach } = spec;
      const form = typeof spec.form === 'function' ? spec.form(params) : spec.form;
      const page = spec.page(params);
      const back = (state: FormState) => backToForm(ctx, reply, page, form, state, spec.anchor(form));
      const c = checker(ctx);
      spec.check?.(c, f);
      if (attach) checkUpload(ctx, c, request, labels[fileFieldName]!);
      if (Object.keys(c.errors).length) return back({ values: { ...f, _once: undefined }, errors: c.errors });
      const { url, body } = spec.call(f, params, ctx);
      const answer = await ctx.api('POST', `${spec.api(params)}/${url}`, body, { 'idempotency-key': one(f._once) });
      if (answer.status < 300) {
        const kept = attach ? await attachAfter(ctx, request, attach.url(answer.body, params), labels[fileFieldName]!, attach.recorded) : null;
        if (kept) return back(kept);
        return reply.redirect(`${page}?hecho=${spec.done}${spec.doneAnchor ? `#${spec.doneAnchor}` : ''}`, 303);
      }
      if (answer.status === 403 || answer.status === 404) throw new WebError(answer.status, ctx.t(answer.body?.error?.message ?? ''));
      if (answer.status >= 500) return send(reply, await spec.shown(ctx, params, { [form]: refusal(ctx, answer, f, labels) }), answer.status);
      return back(refusal(ctx, answer, f, labels));
    };
  }

  // The stylesheet (api/web/static/), cached for an hour and revalidated by ETag and Last-Modified.
  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('./static/', import.meta.url)), prefix: '/static/', wildcard: false, index: false, maxAge: '1h', decorateReply: false,
  });

  // Browsers ask for /favicon.ico on their own, whatever the page links.
  const favicon = readFileSync(fileURLToPath(new URL('./static/favicon.ico', import.meta.url)));
  app.get('/favicon.ico', async (_request, reply) => reply.type('image/x-icon').header('cache-control', 'public, max-age=86400').send(favicon));

  // ---- session and language ---------------------------------------------------------------

  // With the message of what just ended, when a redirect says (a password set, every session closed).
  app.get<{ Querystring: { hecho?: string } }>('/entrar', async (request, reply) => {
    const ctx = await ctxOf(request, reply);
    if (ctx.user) return reply.redirect('/', 303);
    return send(reply, loginPage(ctx, undefined, request.query.hecho));
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

  /**
   * Whose settings a page or form is about: the secretariat's choice (any institution in the
   * registry), everyone else's own. Another institution's code from anyone else reaches the API,
   * which refuses it: nothing changes.
   */
  const settingsOf = (ctx: Ctx, asked: string | string[] | undefined) => one(asked) || ctx.user!.institution.code;
  const settingsPath = (ctx: Ctx, code: string, done?: string) => {
    const query = [code !== ctx.user!.institution.code ? `institucion=${encodeURIComponent(code)}` : '', done ? `hecho=${done}` : ''].filter(Boolean).join('&');
    return `/ajustes${query ? `?${query}` : ''}`;
  };

  app.get<{ Querystring: { formulario?: string; hecho?: string; institucion?: string } }>('/ajustes', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const secretariat = ctx.user!.institution.kind === 'secretaria';
    // Only the secretariat looks at another institution's settings.
    const target = secretariat ? settingsOf(ctx, request.query.institucion) : ctx.user!.institution.code;
    const code = encodeURIComponent(target);
    type Deliveries = { items: SettingsData['deliveries'] };
    const [contacts, preferences, deliveries, webhookDeliveries, failed, retrying, institutions, kept] = await Promise.all([
      ctx.api('GET', `/api/v1/institutions/${code}/contacts`), read<{ notifications: string }>(ctx, '/api/v1/me/preferences'),
      read<Deliveries>(ctx, `/api/v1/deliveries?institution=${code}&limit=20`),
      read<Deliveries>(ctx, `/api/v1/deliveries?institution=${code}&channel=webhook&limit=10`),
      secretariat ? read<Deliveries>(ctx, '/api/v1/deliveries?status=fallida&limit=50') : { items: [] },
      secretariat ? read<Deliveries>(ctx, '/api/v1/deliveries?status=reintentando&limit=50') : { items: [] },
      secretariat ? read<InstitutionAnswer[]>(ctx, '/api/v1/institutions') : [],
      keptForms(ctx, request.query.formulario),
    ]);
    if (contacts.status === 404) throw new WebError(404, 'No existe esa institución.');
    // The calendar's address and the webhook's key come back once, kept with the redirect like a form's state.
    const shown = (form: string, name: string) => (typeof kept[form]?.values[name] === 'string' ? kept[form]!.values[name] as string : null);
    const calendarUrl = shown('calendario', 'url');
    const webhookSecret = shown('clave', 'secret');
    const registry = institutions.map((i) => ({ code: i.code, name: i.name })).sort((a, b) => a.name.localeCompare(b.name, 'es'));
    const institution = target === ctx.user!.institution.code ? ctx.user!.institution : registry.find((i) => i.code === target) ?? { code: target, name: target };
    return send(reply, settingsPage(ctx, {
      institution: { code: institution.code, name: institution.name }, institutions: registry,
      contacts: contacts.status === 200 ? contacts.body : null, mode: preferences.notifications, calendarUrl, webhookSecret,
      deliveries: deliveries.items, webhookDeliveries: webhookDeliveries.items,
      failed: [...failed.items, ...retrying.items].sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    }, calendarUrl || webhookSecret ? {} : kept, request.query.hecho));
  });

  app.post<{ Body: Form }>('/ajustes/contactos', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const f = request.body;
    const target = settingsOf(ctx, f.institucion);
    const labels = { titular_name: 'Nombre del titular', titular_email: 'Correo del titular', alterno_name: 'Nombre del alterno', alterno_email: 'Correo del alterno' };
    const c = checker(ctx);
    c.text('titular_name', one(f.titular_name), labels.titular_name, textLimits.name);
    c.email('titular_email', one(f.titular_email), labels.titular_email);
    // The alterno is optional, but a half-filled one is a mistake: each half asks for the other.
    const alterno = Boolean(one(f.alterno_name) || one(f.alterno_email));
    if (alterno) {
      c.text('alterno_name', one(f.alterno_name), labels.alterno_name, textLimits.name);
      c.email('alterno_email', one(f.alterno_email), labels.alterno_email);
    }
    const back = (state: FormState) => backToForm(ctx, reply, settingsPath(ctx, target), 'contactos', state, 'contactos-h');
    if (Object.keys(c.errors).length) return back({ values: f, errors: c.errors });
    const answer = await ctx.api('PUT', `/api/v1/institutions/${encodeURIComponent(target)}/contacts/people`, {
      titular: { name: one(f.titular_name), email: one(f.titular_email) },
      alterno: alterno ? { name: one(f.alterno_name), email: one(f.alterno_email) } : null,
    });
    if (answer.status === 200) return reply.redirect(`${settingsPath(ctx, target, 'contactos')}#contactos-h`, 303);
    return back(refusal(ctx, answer, f, labels, (api) => api.replace(/^\/?(titular|alterno)[./](name|email)$/, '$1_$2')));
  });

  app.post<{ Body: Form }>('/ajustes/webhook', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const f = request.body;
    const target = settingsOf(ctx, f.institucion);
    const c = checker(ctx);
    c.text('url', one(f.url), 'Dirección del webhook', textLimits.url);
    const back = (state: FormState) => backToForm(ctx, reply, settingsPath(ctx, target), 'webhook', state, 'webhook-h');
    if (Object.keys(c.errors).length) return back({ values: f, errors: c.errors });
    const answer = await ctx.api('PUT', `/api/v1/institutions/${encodeURIComponent(target)}/webhook`, { url: one(f.url) });
    if (answer.status !== 200) return back(refusal(ctx, answer, f, { url: 'Dirección del webhook' }));
    // A new webhook's key is shown once, on the page the redirect opens.
    if (answer.body.secret) return backToForm(ctx, reply, settingsPath(ctx, target, 'webhook'), 'clave', { values: { secret: String(answer.body.secret) }, errors: {} }, 'webhook-h');
    return reply.redirect(`${settingsPath(ctx, target, 'webhook')}#webhook-h`, 303);
  });

  /** The webhook's buttons: test, renew the key, remove. Each answers on the webhook's section. */
  const webhookAction = (path: string, run: (ctx: Ctx, code: string, f: Form) => Promise<ApiAnswer | FormState>, done: string) => {
    app.post<{ Body: Form }>(`/ajustes/webhook/${path}`, async (request, reply) => {
      const ctx = await signedIn(request, reply);
      if (!ctx) return reply;
      const target = settingsOf(ctx, request.body.institucion);
      const answer = await run(ctx, encodeURIComponent(target), request.body);
      const back = (state: FormState) => backToForm(ctx, reply, settingsPath(ctx, target), 'webhook_accion', state, 'webhook-h');
      if (!('status' in answer)) return back(answer);
      if (answer.status >= 300) return back(refusal(ctx, answer, request.body, {}));
      if (typeof answer.body?.secret === 'string') return backToForm(ctx, reply, settingsPath(ctx, target, done), 'clave', { values: { secret: answer.body.secret }, errors: {} }, 'webhook-h');
      return reply.redirect(`${settingsPath(ctx, target, done)}#webhook-h`, 303);
    });
  };
  webhookAction('prueba', (ctx, code, f) => ctx.api('POST', `/api/v1/institutions/${code}/webhook/test`, undefined, { 'idempotency-key': one(f._once) }), 'prueba_enviada');
  webhookAction('clave', (ctx, code, f) => ctx.api('POST', `/api/v1/institutions/${code}/webhook/secret`, undefined, { 'idempotency-key': one(f._once) }), 'clave_renovada');
  webhookAction('quitar', async (ctx, code, f) => {
    const c = checker(ctx);
    c.rule('confirm', one(f.confirm) !== 'si', 'Marque la confirmación para quitar el webhook.');
    return Object.keys(c.errors).length ? { values: f, errors: c.errors } : ctx.api('DELETE', `/api/v1/institutions/${code}/webhook`);
  }, 'webhook_quitado');

  app.post<{ Body: Form }>('/ajustes/entregas/reintentar', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const target = settingsOf(ctx, request.body.institucion);
    const answer = await ctx.api('POST', `/api/v1/deliveries/${encodeURIComponent(one(request.body.id))}/retry`, undefined, { 'idempotency-key': one(request.body._once) });
    // Sent in the meantime (another click, its own retry): nothing to do, as asked.
    if (answer.status === 202 || answer.status === 409) return reply.redirect(`${settingsPath(ctx, target, 'reintento')}#fallidas-h`, 303);
    return backToForm(ctx, reply, settingsPath(ctx, target), 'reintento', refusal(ctx, answer, request.body, {}), 'fallidas-h');
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
      return passFile(root, ctx, reply, api, fail, 'text/csv');
    });
  }

  // ---- documents and the agreement PDF -------------------------------------------------------

  const fail = (status: number, message: string) => new WebError(status, message);

  app.get<{ Params: { id: string } }>('/documentos/:id', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    return passFile(root, ctx, reply, `/api/v1/attachments/${encodeURIComponent(request.params.id)}`, fail);
  });

  app.get<{ Params: { id: string } }>('/propuestas/:id/acuerdo.pdf', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    return passFile(root, ctx, reply, `/api/v1/proposals/${encodeURIComponent(request.params.id)}/agreement.pdf?lang=${ctx.lang}`, fail);
  });

  /**
   * The file of a form whose action was just recorded, handed to the API: null when there was
   * none or it was kept; otherwise the form's state that says the action stands and the file not.
   */
  async function attachAfter(ctx: Ctx, request: FastifyRequest, url: string, label: string, recorded: string): Promise<FormState | null> {
    const upload = uploadOf(request);
    if (!upload) return null;
    const answer = await sendUpload(ctx, url, upload);
    if (answer.status === 201) return null;
    const state = refusal(ctx, answer, {}, { [fileFieldName]: label });
    return { ...state, message: `${ctx.t(recorded)} ${state.errors[fileFieldName] ?? state.message ?? ''}`.trim() };
  }

  /** The page's own check of a form's file, before the action is recorded. */
  const checkUpload = (ctx: Ctx, c: Checker, request: FastifyRequest, label: string) => {
    const problem = uploadProblem(ctx, uploadOf(request), maxBytes, label);
    c.rule(fileFieldName, problem !== null, problem ?? '');
  };

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
    leadWorkingGroup: 'Grupo de trabajo líder', stages: 'Etapas', decisionRule: 'Regla de decisión', silencePolicy: 'Política de silencio', decisionInSession: 'Decisión en sesión',
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

  /** The working groups and the active member institutions the launch form offers. */
  async function launchChoices(ctx: Ctx) {
    const [wgs, institutions] = await Promise.all([groups(ctx), read<InstitutionAnswer[]>(ctx, '/api/v1/institutions')]);
    return { wgs, members: institutions.filter((i) => i.kind === 'miembro' && i.active).sort((a, b) => a.name.localeCompare(b.name, 'es')) };
  }
  const onlySecretariat = (ctx: Ctx, sentence: string) => {
    if (ctx.user!.institution.kind !== 'secretaria') throw new WebError(403, ctx.t(sentence));
  };

  /**
   * Every problem the API names (details.problems), each beside its field by its label; a refusal
   * without them as refusal() places it.
   */
  function problemsState(ctx: Ctx, answer: ApiAnswer, values: Form, rows: number[]): FormState {
    const problems = (answer.body?.error?.details as { problems?: Array<{ field: string; message: string }> } | undefined)?.problems;
    if (!problems?.length) return refusal(ctx, answer, values, launchLabels, launchField(rows));
    const errors: Record<string, string> = {};
    const messages: string[] = [];
    for (const p of problems) {
      const one = refusal(ctx, { status: answer.status, body: { error: { message: problemSentence(p), details: { field: p.field } } } }, values, launchLabels, launchField(rows));
      for (const [k, v] of Object.entries(one.errors)) errors[k] ??= v;
      if (one.message) messages.push(one.message);
    }
    return { values: { ...values, _once: undefined }, errors, ...(messages.length ? { message: messages.join(' ') } : {}) };
  }

  app.get<{ Querystring: { formulario?: string } }>('/propuestas/nueva', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    onlySecretariat(ctx, 'Solo la Secretaría Técnica lanza propuestas.');
    const [{ wgs, members }, kept] = await Promise.all([launchChoices(ctx), keptForms(ctx, request.query.formulario)]);
    return send(reply, launchPage(ctx, wgs, members, kept.lanzar));
  });

  app.post<{ Body: Form }>('/propuestas/nueva', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const f = request.body;
    if (one(f.intent) === 'borrador') {
      // Saved as it is: a draft is checked only for what it holds.
      const { content, rows } = draftFromForm(ctx, f);
      const saved = await ctx.api('POST', '/api/v1/proposal-drafts', content, { 'idempotency-key': one(f._once) });
      if (saved.status === 201 || saved.status === 200) return reply.redirect(`/propuestas/borradores/${saved.body.id}?hecho=borrador_guardado`, 303);
      if (saved.status === 403) throw new WebError(403, ctx.t(saved.body?.error?.message ?? ''));
      return backToForm(ctx, reply, '/propuestas/nueva', 'lanzar', problemsState(ctx, saved, f, rows));
    }
    const { body, errors, rows } = launchFromForm(ctx, f);
    // Every mistake the page can see is shown at once; the API is asked only about a form without them.
    if (Object.keys(errors).length) return backToForm(ctx, reply, '/propuestas/nueva', 'lanzar', { values: f, errors });
    const answer = await ctx.api('POST', '/api/v1/proposals', body, { 'idempotency-key': one(f._once) });
    if (answer.status === 201 || answer.status === 200) return reply.redirect(`/propuestas/${answer.body.id}?hecho=lanzada`, 303);
    if (answer.status >= 500) {
      const { wgs, members } = await launchChoices(ctx);
      return send(reply, launchPage(ctx, wgs, members, refusal(ctx, answer, f, launchLabels)), answer.status);
    }
    return backToForm(ctx, reply, '/propuestas/nueva', 'lanzar', refusal(ctx, answer, f, launchLabels, launchField(rows)));
  });

  // ---- drafts (the secretariat's alone: the API answers 403 to anyone else) ---------------

  const draftApi = (id: string) => `/api/v1/proposal-drafts/${encodeURIComponent(id)}`;
  const draftPage = (id: string) => `/propuestas/borradores/${encodeURIComponent(id)}`;

  app.get<{ Querystring: { hecho?: string } }>('/propuestas/borradores', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const list = await read<DraftListAnswer>(ctx, '/api/v1/proposal-drafts');
    return send(reply, draftListPage(ctx, list.items, request.query.hecho));
  });

  app.get<{ Params: { id: string }; Querystring: { hecho?: string; formulario?: string } }>('/propuestas/borradores/:id', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const draft = await read<DraftAnswer>(ctx, draftApi(request.params.id));
    if (draft.status !== 'borrador') return send(reply, closedDraftPage(ctx, draft));
    const [{ wgs, members }, kept] = await Promise.all([launchChoices(ctx), keptForms(ctx, request.query.formulario)]);
    const state = kept.borrador ?? { values: formFromDraft(draft.content), errors: {} };
    return send(reply, launchPage(ctx, wgs, members, state, { id: draft.id, discard: kept.descartar }, request.query.hecho));
  });

  /** Launches a saved draft: to its proposal, or back to its form with every problem beside its field. */
  async function launchDraft(ctx: Ctx, reply: FastifyReply, id: string, values: Form, rows: number[]) {
    const answer = await ctx.api('POST', `${draftApi(id)}/launch`, {});
    if (answer.status === 201) return reply.redirect(`/propuestas/${answer.body.id}?hecho=lanzada`, 303);
    if (answer.status === 403 || answer.status === 404) throw new WebError(answer.status, ctx.t(answer.body?.error?.message ?? ''));
    // Launched or discarded meanwhile: its page says which.
    if (answer.status === 409) return reply.redirect(draftPage(id), 303);
    return backToForm(ctx, reply, draftPage(id), 'borrador', problemsState(ctx, answer, values, rows));
  }

  app.post<{ Params: { id: string }; Body: Form }>('/propuestas/borradores/:id', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const { id } = request.params;
    const f = request.body;
    const { content, rows } = draftFromForm(ctx, f);
    const saved = await ctx.api('PUT', draftApi(id), content);
    if (saved.status === 403 || saved.status === 404) throw new WebError(saved.status, ctx.t(saved.body?.error?.message ?? ''));
    if (saved.status === 409) return reply.redirect(draftPage(id), 303);
    if (saved.status !== 200) return backToForm(ctx, reply, draftPage(id), 'borrador', problemsState(ctx, saved, f, rows));
    const intent = one(f.intent);
    if (intent === 'vista') return reply.redirect(`${draftPage(id)}/vista-previa`, 303);
    if (intent === 'lanzar') return launchDraft(ctx, reply, id, f, rows);
    return reply.redirect(`${draftPage(id)}?hecho=borrador_guardado`, 303);
  });

  app.post<{ Params: { id: string }; Body: Form }>('/propuestas/borradores/:id/lanzar', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const draft = await read<DraftAnswer>(ctx, draftApi(request.params.id));
    return launchDraft(ctx, reply, draft.id, formFromDraft(draft.content), (draft.content.actions ?? []).map((_, i) => i + 1));
  });

  app.post<{ Params: { id: string }; Body: Form }>('/propuestas/borradores/:id/descartar', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const { id } = request.params;
    onlySecretariat(ctx, 'Solo la Secretaría Técnica maneja los borradores.');
    if (one(request.body.confirm) !== 'si') {
      return backToForm(ctx, reply, draftPage(id), 'descartar', { values: {}, errors: { confirm: ctx.t('Marque la confirmación para descartar el borrador.') } }, 'f-descartar-h');
    }
    const answer = await ctx.api('DELETE', draftApi(id));
    if (answer.status === 200) return reply.redirect('/propuestas/borradores?hecho=borrador_descartado', 303);
    if (answer.status === 409) return reply.redirect(draftPage(id), 303);
    throw new WebError(answer.status, ctx.t(answer.body?.error?.message ?? 'No se pudo completar la acción.'));
  });

  app.get<{ Params: { id: string } }>('/propuestas/borradores/:id/vista-previa', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const path = draftApi(request.params.id);
    const [draft, preview, wgs, institutions] = await Promise.all([
      read<DraftAnswer>(ctx, path), read<DraftPreviewAnswer>(ctx, `${path}/preview`), groups(ctx), read<InstitutionAnswer[]>(ctx, '/api/v1/institutions'),
    ]);
    const rows = (draft.content.actions ?? []).map((_, i) => i + 1);
    const told = problemsState(ctx, { status: 422, body: { error: { message: '', details: { problems: preview.launchProblems } } } }, formFromDraft(draft.content), rows);
    const problems = preview.launchProblems.length ? [...Object.values(told.errors), ...(told.message ? [told.message] : [])] : [];
    return send(reply, draftPreviewPage(ctx, { draft, preview, groups: wgs, institutions, problems }));
  });

  /** The documents of a proposal or a task the person may read. */
  async function documentsOf(ctx: Ctx, path: string): Promise<AttachmentAnswer[]> {
    const answer = await ctx.api('GET', `${path}/attachments`);
    return answer.status === 200 ? answer.body.items : [];
  }

  async function proposalData(ctx: Ctx, id: string): Promise<ProposalPageData> {
    const path = `/api/v1/proposals/${encodeURIComponent(id)}`;
    const [proposal, audit, institutions, wgs, tasks, attachments] = await Promise.all([
      read<ProposalAnswer>(ctx, path), read<AuditAnswer>(ctx, `${path}/audit`),
      read<InstitutionAnswer[]>(ctx, '/api/v1/institutions'), groups(ctx),
      ctx.api('GET', `/api/v1/tasks?proposal=${encodeURIComponent(id)}&limit=200`), documentsOf(ctx, path),
    ]);
    const lead = wgs.find((g) => g.code === proposal.leadWorkingGroup);
    return {
      proposal, audit, institutions, groups: wgs, coordinators: lead?.coordinator ? [lead.coordinator] : [],
      tasks: tasks.status === 200 ? (tasks.body as TaskList).items : [], attachments, documents: Boolean(deps.documents),
    };
  }

  app.get<{ Params: { id: string }; Querystring: { hecho?: string; formulario?: string } }>('/propuestas/:id', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const forms = await keptForms(ctx, request.query.formulario);
    return send(reply, proposalPage(ctx, await proposalData(ctx, request.params.id), forms, request.query.hecho));
  });

  const base = (id: string) => `/api/v1/proposals/${encodeURIComponent(id)}`;

  /** One form of the proposal page: its checks, its API call (under the proposal), and the page again with the errors if refused. */
  const proposalAction = (
    path: string, form: keyof ProposalForms | ((params: Record<string, string>) => keyof ProposalForms), done: string,
    call: (f: Form, params: Record<string, string>) => { url: string; body: object }, labels: Record<string, string>,
    check?: (c: Checker, f: Form) => void, attach?: Attach,
  ) => app.post<{ Params: Record<string, string>; Body: Form }>(`/propuestas/:id/${path}`, formAction({
    page: (p) => `/propuestas/${encodeURIComponent(p.id!)}`, api: (p) => base(p.id!), form,
    anchor: (name) => (name.startsWith('respuesta-') ? 'aportes' : `f-${name}-h`), done, doneAnchor: 'contenido', call, labels, check, attach,
    shown: async (ctx, p, forms) => proposalPage(ctx, await proposalData(ctx, p.id!), forms),
  }));

  // The secretariat's documents of a proposal or of one of its versions.
  app.post<{ Params: { id: string }; Body: Form }>('/propuestas/:id/documentos', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const { id } = request.params;
    const labels = { [fileFieldName]: 'Documento', version: 'Adjuntar a' };
    const back = (state: FormState) => backToForm(ctx, reply, `/propuestas/${encodeURIComponent(id)}`, 'documento', state, 'f-documento-h');
    const c = checker(ctx);
    const upload = uploadOf(request);
    c.rule(fileFieldName, !upload, ctx.t('Elija el archivo que adjunta.'));
    checkUpload(ctx, c, request, labels[fileFieldName]);
    if (Object.keys(c.errors).length || !upload) return back({ values: request.body, errors: c.errors });
    const version = one(request.body.version);
    const answer = await sendUpload(ctx, `${base(id)}/attachments${/^\d+$/.test(version) ? `?version=${version}` : ''}`, upload);
    if (answer.status === 201) return reply.redirect(`/propuestas/${encodeURIComponent(id)}?hecho=documento#documentos`, 303);
    if (answer.status === 403 || answer.status === 404) throw new WebError(answer.status, ctx.t(answer.body?.error?.message ?? ''));
    return back(refusal(ctx, answer, request.body, labels));
  });
  const commentRequired = ['objeta', 'aprueba_con_observaciones'];
  proposalAction('conformidad', 'conformidad', 'conformidad', (f) => ({ url: 'signoffs', body: { position: one(f.position), ...optional('comment', one(f.comment)) } }),
    { position: 'Posición', comment: 'Comentario (obligatorio si observa u objeta)' }, (c, f) => {
      c.atLeastOne('position', many(f.position), 'Posición');
      c.rule('comment', commentRequired.includes(one(f.position)) && !one(f.comment), 'Una objeción o una conformidad con observaciones requiere un comentario.');
      c.optionalText('comment', one(f.comment), 'Comentario', textLimits.comment);
    });
  proposalAction('aportes', 'aporte', 'aporte', (f) => ({
    url: 'inputs',
    body: { kind: one(f.kind), text: one(f.text), ...(one(f.paragraph) ? { paragraph: Number(one(f.paragraph)) } : {}) },
  }), { kind: 'Tipo de aporte', text: 'Aporte', paragraph: 'Párrafo (obligatorio para un cambio)', [fileFieldName]: 'Documento (opcional)' }, (c, f) => {
    c.text('text', one(f.text), 'Aporte', textLimits.comment);
    c.wholeNumber('paragraph', one(f.paragraph), 'Párrafo (obligatorio para un cambio)');
    c.rule('paragraph', one(f.kind) === 'cambio' && !one(f.paragraph), 'Un cambio propuesto debe indicar el párrafo que cambia.');
  }, { url: (input: { id: string }, p) => `${base(p.id!)}/attachments?input=${encodeURIComponent(input.id)}`, recorded: 'El aporte se envió, pero el documento no se guardó:' });
  proposalAction('comentarios', 'comentario', 'comentario', (f) => ({ url: 'comments', body: { text: one(f.text) } }), { text: 'Comentario' },
    (c, f) => c.text('text', one(f.text), 'Comentario', textLimits.comment));
  proposalAction('avanzar', 'avanzar', 'avance_etapa', () => ({ url: 'advance', body: {} }), {});
  proposalAction('retirar', 'retirar', 'retiro', (f) => ({ url: 'withdraw', body: { reason: one(f.reason) } }), { reason: 'Motivo' },
    (c, f) => {
      c.text('reason', one(f.reason), 'Motivo', textLimits.reason);
      c.rule('confirm', one(f.confirm) !== 'si', 'Marque la confirmación para retirar la propuesta.');
    });
  proposalAction('versiones', 'version', 'version', (f) => ({ url: 'versions', body: { text: one(f.text), changeSummary: one(f.changeSummary) } }),
    { text: 'Texto', changeSummary: 'Resumen de cambios' }, (c, f) => {
      c.text('text', one(f.text), 'Texto', textLimits.document);
      c.text('changeSummary', one(f.changeSummary), 'Resumen de cambios', textLimits.reason);
    });
  proposalAction('decision-grupo', 'decision', 'decision', (f) => ({ url: 'working-group-decision', body: { decision: one(f.decision), ...optional('reason', one(f.reason)) } }),
    { decision: 'Decisión', reason: 'Motivo' }, (c, f) => {
      c.rule('reason', ['devolver', 'rechazar'].includes(one(f.decision)) && !one(f.reason), 'Devolver o rechazar una propuesta requiere un motivo.');
      c.optionalText('reason', one(f.reason), 'Motivo', textLimits.reason);
    });
  proposalAction('correccion', 'correccion', 'datos_corregidos', (f) => ({
    url: 'corrections',
    body: { title: one(f.title), summary: one(f.summary), objectives: many(f.objectives), populations: many(f.populations), reason: one(f.reason) },
  }), { title: 'Título', summary: 'Resumen', objectives: 'Objetivos de la PNM', populations: 'Poblaciones', reason: 'Motivo de la corrección' }, (c, f) => {
    c.text('title', one(f.title), 'Título', textLimits.title);
    c.text('summary', one(f.summary), 'Resumen', textLimits.summary);
    c.atLeastOne('objectives', many(f.objectives), 'Objetivos de la PNM');
    c.atLeastOne('populations', many(f.populations), 'Poblaciones');
    c.text('reason', one(f.reason), 'Motivo de la corrección', textLimits.reason);
  });
  proposalAction('recuperacion', 'recuperacion', 'recuperacion', (f) => ({ url: 'recovery', body: { action: one(f.action), reason: one(f.reason) } }),
    { action: 'Acción', reason: 'Motivo' }, (c, f) => c.text('reason', one(f.reason), 'Motivo', textLimits.reason));
  proposalAction('aportes/:inputId/respuesta', (p) => `respuesta-${p.inputId}`, 'respuesta',
    (f, p) => ({ url: `inputs/${encodeURIComponent(p.inputId!)}/answer`, body: { decision: one(f.decision), reason: one(f.reason) } }),
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
    const [task, audit, institutions, attachments] = await Promise.all([
      read<TaskAnswer>(ctx, path), ctx.api('GET', `${path}/audit`),
      ctx.user!.institution.kind === 'secretaria' ? read<InstitutionAnswer[]>(ctx, '/api/v1/institutions') : [], documentsOf(ctx, path),
    ]);
    const events = audit.status === 200 ? (audit.body as AuditAnswer).events : [];
    return { task, request: pendingRequest(events), members: institutions.filter((i) => i.kind === 'miembro'), attachments, documents: Boolean(deps.documents) };
  }

  /** One form of the task page: its checks, its API call (under the task), and the page again with the errors if refused. */
  const taskAction = (path: string, form: keyof TaskForms, done: string, call: (f: Form) => { url: string; body: object }, labels: Record<string, string>,
    check?: (c: Checker, f: Form) => void, attach?: Attach) =>
    app.post<{ Params: Record<string, string>; Body: Form }>(`/tareas/:id/${path}`, formAction({
      page: (p) => `/tareas/${encodeURIComponent(p.id!)}`, api: (p) => `/api/v1/tasks/${encodeURIComponent(p.id!)}`, form, anchor: () => `t-${form}-h`,
      done, call, labels, check, attach, shown: async (ctx, p, forms) => taskPage(ctx, await taskData(ctx, p.id!), forms),
    }));

  taskAction('recuperacion', 'recuperacion', 'recuperacion', (f) => ({ url: 'recovery', body: { action: one(f.action), reason: one(f.reason) } }),
    { action: 'Acción', reason: 'Motivo' }, (c, f) => c.text('reason', one(f.reason), 'Motivo', textLimits.reason));
  taskAction('aceptar', 'aceptar', 'aceptada', () => ({ url: 'accept', body: {} }), {});
  taskAction('solicitud', 'solicitud', 'solicitud', (f) => ({ url: 'reassignment-request', body: { reason: one(f.reason), ...optional('proposedDueDate', limaToIso(one(f.proposedDueDate))) } }),
    { reason: 'Motivo', proposedDueDate: 'Nueva fecha propuesta (opcional)' }, (c, f) => c.text('reason', one(f.reason), 'Motivo', textLimits.reason));
  taskAction('avance', 'avance', 'avance', (f) => ({
    url: 'progress',
    body: { percent: one(f.percent) === '' ? undefined : Number(one(f.percent)), ...optional('note', one(f.note)), ...optional('evidenceUrl', one(f.evidenceUrl)) },
  }), { percent: 'Porcentaje (0–100)', note: 'Nota', evidenceUrl: 'Enlace a la evidencia (opcional)', [fileFieldName]: 'Documento (opcional)' }, (c, f) => {
    c.wholeNumber('percent', one(f.percent), 'Porcentaje (0–100)', { max: 100, required: true });
    c.optionalText('note', one(f.note), 'Nota', textLimits.reason);
  }, { url: (_task, p) => `/api/v1/tasks/${encodeURIComponent(p.id!)}/attachments?on=avance`, recorded: 'El avance se registró, pero el documento no se guardó:' });
  taskAction('conclusion', 'conclusion', 'conclusion', (f) => ({ url: 'completion', body: { summary: one(f.summary), ...optional('evidenceUrl', one(f.evidenceUrl)) } }),
    { summary: 'Resultado', evidenceUrl: 'Enlace a la evidencia (opcional)', [fileFieldName]: 'Documento (opcional)' }, (c, f) => {
      c.text('summary', one(f.summary), 'Resultado', textLimits.reason);
      c.rule('confirm', one(f.confirm) !== 'si', 'Marque la confirmación para registrar la conclusión.');
    }, { url: (_task, p) => `/api/v1/tasks/${encodeURIComponent(p.id!)}/attachments?on=entrega`, recorded: 'La conclusión se registró, pero el documento no se guardó:' });
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

  const kit = { send, signedIn, read, backToForm, keptForms, refusal, limaToIso, formAction, fail: (status: number, message: string) => new WebError(status, message) };
  sessionPages(app, kit);
  accountPages(app, { ...kit, context: ctxOf });

  // The address of a form's action, opened as a page (a bookmark, a reload, a shared link): the
  // page the form is on, never the API's bare 404.
  const formPage: Array<[string, (params: Record<string, string>) => string]> = [
    ['/propuestas/:id/:accion', (p) => `/propuestas/${encodeURIComponent(p.id!)}`],
    ['/propuestas/:id/aportes/:inputId/respuesta', (p) => `/propuestas/${encodeURIComponent(p.id!)}#aportes`],
    ['/tareas/:id/:accion', (p) => `/tareas/${encodeURIComponent(p.id!)}`],
    ['/bandeja/leido', () => '/bandeja'], ['/ajustes/:accion', () => '/ajustes'], ['/ajustes/:parte/:accion', () => '/ajustes'], ['/salir', () => '/'], ['/idioma', () => '/'],
  ];
  for (const [path, to] of formPage) {
    app.get<{ Params: Record<string, string> }>(path, async (request, reply) => reply.redirect(to(request.params), 303));
  }
};
