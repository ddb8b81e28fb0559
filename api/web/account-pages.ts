// The account pages (api/web/pages/account.ts), registered inside the web application
// (api/web/routes.ts) so that its CSRF check, error page and form-state helpers apply to them.
// As everywhere in the web application, every read and action goes through the HTTP API.
// Passwords are never kept with a refused form: the form comes back empty, with its errors.
import type { FastifyReply, FastifyRequest, FastifyInstance } from 'fastify';
import { passwordProblem } from '../../domain/accounts';
import { textLimits } from '../../domain/text';
import type { AccountAnswer, AccountEventsAnswer, SessionsList } from '../account-schemas';
import type { InstitutionAnswer } from '../schemas';
import { cookieOptions, sessionCookie, type Ctx } from './context';
import { checker, one, type Form } from './form-checks';
import type { FormState } from './layout';
import { accountPage, forgotPage, resetPage, userPage, usersPage, type UserForms } from './pages/account';
import type { WebKit } from './session-pages';

export interface AccountKit extends WebKit {
  /** The page context of any request, signed in or not. */
  context(request: FastifyRequest, reply: FastifyReply): Promise<Ctx>;
}

const passwordLabels = { currentPassword: 'Contraseña actual', newPassword: 'Nueva contraseña', repeatPassword: 'Repita la nueva contraseña' };
const userLabels = { name: 'Nombre completo', email: 'Correo electrónico', institution: 'Institución', designation: 'Titular o alterno', active: 'Estado' };

export function accountPages(app: FastifyInstance, kit: AccountKit) {
  const { send, signedIn, read, backToForm, keptForms, refusal } = kit;

  /** The new password's rule and its repetition, checked on the page before the API is asked. */
  function newPasswordChecks(ctx: Ctx, f: Form, email: string) {
    const c = checker(ctx);
    const password = one(f.newPassword);
    const problem = password ? passwordProblem(password, email) : null;
    c.text('newPassword', password, 'Nueva contraseña', 1000);
    if (problem) c.rule('newPassword', true, `La nueva contraseña ${problem}.`);
    c.rule('repeatPassword', password !== one(f.repeatPassword), 'Las dos contraseñas no coinciden.');
    return c;
  }

  /** A refused form without what was typed in it: passwords are never stored. */
  const withoutValues = (state: FormState): FormState => ({ ...state, values: {} });

  // ---- one's own account ----------------------------------------------------------------------

  app.get<{ Querystring: { hecho?: string; formulario?: string } }>('/cuenta', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const [sessions, forms] = await Promise.all([read<SessionsList>(ctx, '/api/v1/me/sessions'), keptForms(ctx, request.query.formulario)]);
    return send(reply, accountPage(ctx, sessions.items, forms, request.query.hecho));
  });

  app.post<{ Body: Form }>('/cuenta/contrasena', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const f = request.body;
    const back = (state: FormState) => backToForm(ctx, reply, '/cuenta', 'contrasena', withoutValues(state), 'contrasena-h');
    const c = newPasswordChecks(ctx, f, ctx.user!.email);
    c.text('currentPassword', one(f.currentPassword), 'Contraseña actual', 1000);
    if (Object.keys(c.errors).length) return back({ values: {}, errors: c.errors });
    const answer = await ctx.api('PUT', '/api/v1/me/password', { currentPassword: one(f.currentPassword), newPassword: one(f.newPassword) });
    if (answer.status === 204) return reply.redirect('/cuenta?hecho=contrasena#contenido', 303);
    return back(refusal(ctx, answer, {}, passwordLabels));
  });

  app.post<{ Params: { id: string }; Body: Form }>('/cuenta/sesiones/:id/cerrar', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const answer = await ctx.api('DELETE', `/api/v1/me/sessions/${encodeURIComponent(request.params.id)}`);
    if (answer.status === 204) return reply.redirect('/cuenta?hecho=sesion_terminada#sesiones-h', 303);
    throw kit.fail(answer.status, ctx.t(answer.body?.error?.message ?? 'No se pudo completar la acción.'));
  });

  app.post<{ Body: Form }>('/cuenta/sesiones/cerrar-todas', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const answer = await ctx.api('DELETE', '/api/v1/me/sessions');
    if (answer.status !== 204) throw kit.fail(answer.status, ctx.t(answer.body?.error?.message ?? 'No se pudo completar la acción.'));
    reply.clearCookie(sessionCookie, cookieOptions);
    return reply.redirect('/entrar?hecho=sesiones_cerradas', 303);
  });

  // ---- a forgotten password (no session) --------------------------------------------------------

  app.get<{ Querystring: { enviado?: string } }>('/entrar/olvido', async (request, reply) => {
    const ctx = await kit.context(request, reply);
    return send(reply, forgotPage(ctx, { sent: request.query.enviado === '1' }));
  });

  app.post<{ Body: Form }>('/entrar/olvido', async (request, reply) => {
    const ctx = await kit.context(request, reply);
    const email = one(request.body.email);
    const c = checker(ctx);
    c.text('email', email, 'Correo electrónico', 320);
    if (Object.keys(c.errors).length) return send(reply, forgotPage(ctx, { state: { values: { email }, errors: c.errors } }), 400);
    const answer = await ctx.api('POST', '/api/v1/auth/password-reset', { email });
    if (answer.status === 202) return reply.redirect('/entrar/olvido?enviado=1', 303);
    const retryAfter = answer.body?.error?.details?.retryAfterSeconds;
    if (answer.status === 429 && retryAfter) reply.header('retry-after', String(retryAfter));
    return send(reply, forgotPage(ctx, { state: refusal(ctx, answer, { email }, { email: 'Correo electrónico' }) }), answer.status);
  });

  app.get<{ Querystring: { token?: string } }>('/entrar/restablecer', async (request, reply) => {
    const ctx = await kit.context(request, reply);
    return send(reply, resetPage(ctx, request.query.token ?? ''));
  });

  app.post<{ Body: Form }>('/entrar/restablecer', async (request, reply) => {
    const ctx = await kit.context(request, reply);
    const f = request.body;
    const token = one(f.token);
    // The email rule is the API's to check: the page does not know whose link this is.
    const c = newPasswordChecks(ctx, f, '');
    if (!token) c.rule('newPassword', true, 'El enlace no es válido: ya se usó, venció o se pidió otro más reciente. Pida un enlace nuevo.');
    if (Object.keys(c.errors).length) return send(reply, resetPage(ctx, token, { values: {}, errors: c.errors }), 400);
    const answer = await ctx.api('POST', '/api/v1/auth/password-reset/complete', { token, newPassword: one(f.newPassword) });
    if (answer.status === 204) {
      // Every session of the account ended, this browser's too if it had one.
      reply.clearCookie(sessionCookie, cookieOptions);
      return reply.redirect('/entrar?hecho=contrasena_restablecida', 303);
    }
    return send(reply, resetPage(ctx, token, withoutValues(refusal(ctx, answer, {}, passwordLabels))), answer.status);
  });

  // ---- the secretariat's users --------------------------------------------------------------------

  app.get<{ Querystring: { hecho?: string; formulario?: string } }>('/usuarios', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const accounts = await read<{ items: AccountAnswer[] }>(ctx, '/api/v1/users');
    const [institutions, events, forms] = await Promise.all([
      read<InstitutionAnswer[]>(ctx, '/api/v1/institutions'), read<AccountEventsAnswer>(ctx, '/api/v1/account-events?limit=50'), keptForms(ctx, request.query.formulario),
    ]);
    return send(reply, usersPage(ctx, { accounts: accounts.items, institutions, events: events.items }, forms, request.query.hecho));
  });

  app.post<{ Body: Form }>('/usuarios', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const f = request.body;
    const back = (state: FormState) => backToForm(ctx, reply, '/usuarios', 'crear', state, 'crear-h');
    const c = checker(ctx);
    c.text('name', one(f.name), 'Nombre completo', textLimits.name);
    c.text('email', one(f.email), 'Correo electrónico', 254);
    c.text('institution', one(f.institution), 'Institución', textLimits.code);
    c.rule('email', one(f.email) !== '' && !/^[^\s@]+@[^\s@]+$/.test(one(f.email)), 'Escriba un correo electrónico válido, como nombre@institucion.gob.pe.');
    if (Object.keys(c.errors).length) return back({ values: { ...f, _once: undefined }, errors: c.errors });
    const answer = await ctx.api('POST', '/api/v1/users', { name: one(f.name), email: one(f.email), institution: one(f.institution), designation: one(f.designation) || 'titular' });
    if (answer.status === 201) return reply.redirect(`/usuarios/${encodeURIComponent((answer.body as AccountAnswer).id)}?hecho=usuario_creado`, 303);
    if (answer.status === 403) throw kit.fail(403, ctx.t(answer.body?.error?.message ?? ''));
    return back(refusal(ctx, answer, f, userLabels));
  });

  async function showUser(ctx: Ctx, reply: FastifyReply, id: string, forms: UserForms, done?: string) {
    const path = encodeURIComponent(id);
    const account = await read<AccountAnswer>(ctx, `/api/v1/users/${path}`);
    const [institutions, events] = await Promise.all([read<InstitutionAnswer[]>(ctx, '/api/v1/institutions'), read<AccountEventsAnswer>(ctx, `/api/v1/account-events?user=${path}&limit=50`)]);
    return send(reply, userPage(ctx, { account, institutions, events: events.items }, forms, done));
  }

  app.get<{ Params: { id: string }; Querystring: { hecho?: string; formulario?: string } }>('/usuarios/:id', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    return showUser(ctx, reply, request.params.id, await keptForms(ctx, request.query.formulario), request.query.hecho);
  });

  /** One form of a user's page: its checks, its API call, and the page again with the errors if refused. */
  const userAction = (path: string, form: keyof UserForms, done: string, call: (f: Form) => { method: 'PATCH' | 'POST'; url: string; body: object },
    check: (c: ReturnType<typeof checker>, f: Form) => void = () => {}) =>
    app.post<{ Params: { id: string }; Body: Form }>(`/usuarios/:id/${path}`, async (request, reply) => {
      const ctx = await signedIn(request, reply);
      if (!ctx) return reply;
      const id = encodeURIComponent(request.params.id);
      const back = (state: FormState) => backToForm(ctx, reply, `/usuarios/${id}`, form, state, `${form}-h`);
      const c = checker(ctx);
      check(c, request.body);
      if (Object.keys(c.errors).length) return back({ values: { ...request.body, _once: undefined }, errors: c.errors });
      const { method, url, body } = call(request.body);
      const answer = await ctx.api(method, `/api/v1/users/${id}${url}`, body);
      if (answer.status < 300) return reply.redirect(`/usuarios/${id}?hecho=${done}`, 303);
      if (answer.status === 403 || answer.status === 404) throw kit.fail(answer.status, ctx.t(answer.body?.error?.message ?? ''));
      return back(refusal(ctx, answer, request.body, userLabels));
    });

  userAction('editar', 'editar', 'usuario_cambiado', (f) => ({
    method: 'PATCH', url: '', body: { name: one(f.name), institution: one(f.institution), designation: one(f.designation) },
  }), (c, f) => {
    c.text('name', one(f.name), 'Nombre completo', textLimits.name);
    c.text('institution', one(f.institution), 'Institución', textLimits.code);
    c.text('designation', one(f.designation), 'Titular o alterno', 20);
  });
  userAction('desactivar', 'estado', 'usuario_desactivado', () => ({ method: 'PATCH', url: '', body: { active: false } }),
    (c, f) => c.rule('confirm', one(f.confirm) !== 'si', 'Marque la confirmación para desactivar la cuenta.'));
  userAction('reactivar', 'estado', 'usuario_reactivado', () => ({ method: 'PATCH', url: '', body: { active: true } }));
  userAction('enlace', 'estado', 'enlace_enviado', () => ({ method: 'POST', url: '/password-link', body: {} }));

  // A form's address opened as a page returns to the page the form is on.
  app.get<{ Params: { id: string } }>('/usuarios/:id/:accion', async (request, reply) => reply.redirect(`/usuarios/${encodeURIComponent(request.params.id)}`, 303));
  for (const path of ['/cuenta/contrasena', '/cuenta/sesiones/:id/cerrar', '/cuenta/sesiones/cerrar-todas']) {
    app.get(path, async (_request, reply) => reply.redirect('/cuenta', 303));
  }
}
