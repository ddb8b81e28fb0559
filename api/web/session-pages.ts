// The pages of plenary sessions (docs/domain.md#sesiones), registered inside the web application
// (api/web/routes.ts) so that its CSRF check, error page and form-state helpers apply to them.
// As everywhere in the web application, every read and action goes through the HTTP API.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx, ApiAnswer } from './context';
import type { Html } from './html';
import type { FormState } from './layout';
import { checker, many, one, type Checker, type Form } from './form-checks';
import { textLimits } from '../../domain/text';
import type { ProposalList } from '../schemas';
import type { ActaRegisterAnswer, SessionAnswer, SessionListAnswer } from '../session-schemas';
import { actasPage, sessionPage, sessionsPage, type SessionForms } from './pages/sessions';
import { uploadOf } from './documents';
import { fileFieldName } from './pages/documents';

/** A form that may carry a document: where it is attached once the action is recorded, and what to say if only the action stands. */
export interface Attach { url: (answer: any, params: Record<string, string>) => string; recorded: string }

/** One form of a page whose action is a POST to the API (api/web/routes.ts, formAction): only what differs from form to form. */
export interface FormAction {
  /** The page the form is on, and the API resource the action is posted under. */
  page(params: Record<string, string>): string;
  api(params: Record<string, string>): string;
  /** The form's name (its kept state), and the anchor its page is shown at when it is refused. */
  form: string | ((params: Record<string, string>) => string);
  anchor(form: string): string;
  /** What `?hecho=` says when it is recorded, and where that page opens. */
  done: string;
  doneAnchor?: string;
  /** The action: its address under `api` and its body. */
  call(f: Form, params: Record<string, string>, ctx: Ctx): { url: string; body: object };
  labels: Record<string, string>;
  check?: ((c: Checker, f: Form) => void) | undefined;
  attach?: Attach | undefined;
  /** The page with this form's state, shown where it was posted when the action is not confirmed (5xx). */
  shown(ctx: Ctx, params: Record<string, string>, forms: Record<string, FormState>): Promise<Html>;
}

type FormHandler = (request: FastifyRequest<{ Params: Record<string, string>; Body: Form }>, reply: FastifyReply) => Promise<unknown>;

export interface WebKit {
  send(reply: FastifyReply, html: Html, status?: number): FastifyReply;
  signedIn(request: FastifyRequest, reply: FastifyReply): Promise<Ctx | null>;
  read<Answer>(ctx: Ctx, url: string): Promise<Answer>;
  backToForm(ctx: Ctx, reply: FastifyReply, pagePath: string, form: string, state: FormState, anchor?: string): Promise<FastifyReply>;
  keptForms(ctx: Ctx, id: string | undefined): Promise<Record<string, FormState>>;
  refusal(ctx: Ctx, answer: ApiAnswer, values: Form, fields: Record<string, string>, fieldOf?: (apiField: string) => string): FormState;
  fail(status: number, message: string): Error;
  limaToIso(local: string): string;
  formAction(spec: FormAction): FormHandler;
}

type Action = keyof SessionForms;

export function sessionPages(app: FastifyInstance, kit: WebKit) {
  const { send, signedIn, read, backToForm, keptForms, refusal } = kit;

  /** Proposals in their sign-off round: what a session may decide (the API checks it again). */
  async function candidates(ctx: Ctx) {
    if (ctx.user!.institution.kind !== 'secretaria') return [];
    const list = await read<ProposalList>(ctx, '/api/v1/proposals?status=en_curso&stage=conformidad&limit=200');
    return list.items.map((p) => ({ id: p.id, title: p.title }));
  }

  app.get<{ Querystring: { hecho?: string; formulario?: string } }>('/sesiones', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const [list, proposals, forms] = await Promise.all([read<SessionListAnswer>(ctx, '/api/v1/sessions'), candidates(ctx), keptForms(ctx, request.query.formulario)]);
    return send(reply, sessionsPage(ctx, list.items, proposals, forms, request.query.hecho));
  });

  const conveneLabels = { kind: 'Tipo de sesión', startsAt: 'Fecha y hora (Lima)', place: 'Lugar', videoUrl: 'Enlace de la videollamada (opcional)', agenda: 'Propuestas por decidir en sesión' };

  app.post<{ Body: Form }>('/sesiones', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const f = request.body;
    const others = one(f.others).split('\n').map((l) => l.trim()).filter(Boolean);
    const agenda = [...many(f.proposals).map((proposalId) => ({ kind: 'propuesta', proposalId })), ...others.map((title) => ({ kind: 'otro', title }))];
    const c = checker(ctx);
    c.text('startsAt', one(f.startsAt), 'Fecha y hora (Lima)', 40);
    c.optionalText('place', one(f.place), 'Lugar', textLimits.title);
    c.rule('proposals', agenda.length === 0, 'La agenda necesita al menos un punto: elija una propuesta o escriba otro punto.');
    const back = (state: FormState) => backToForm(ctx, reply, '/sesiones', 'convocar', state, 's-convocar-h');
    if (Object.keys(c.errors).length) return back({ values: { ...f, _once: undefined }, errors: c.errors });
    const body = {
      kind: one(f.kind), startsAt: kit.limaToIso(one(f.startsAt)), agenda,
      ...(one(f.place) ? { place: one(f.place) } : {}), ...(one(f.videoUrl) ? { videoUrl: one(f.videoUrl) } : {}),
    };
    const answer = await ctx.api('POST', '/api/v1/sessions', body, { 'idempotency-key': one(f._once) });
    if (answer.status < 300) return reply.redirect(`/sesiones/${encodeURIComponent((answer.body as SessionAnswer).id)}?hecho=sesion_convocada`, 303);
    if (answer.status === 403) throw kit.fail(403, ctx.t(answer.body?.error?.message ?? ''));
    return back(refusal(ctx, answer, f, conveneLabels));
  });

  app.get<{ Querystring: { formulario?: string; sesion?: string; sha256?: string } }>('/actas', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const [register, forms] = await Promise.all([read<ActaRegisterAnswer>(ctx, '/api/v1/actas'), keptForms(ctx, request.query.formulario)]);
    const { sesion, sha256 } = request.query;
    const check = sesion && sha256 && /^[0-9a-f]{64}$/.test(sha256) ? { sessionId: sesion, sha256 } : undefined;
    return send(reply, actasPage(ctx, register.items, forms.verificar, check));
  });

  // A PDF uploaded to be compared with a signed acta: the API answers, the register shows the verdict.
  app.post<{ Body: Form }>('/actas/verificar', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const sessionId = one(request.body.session);
    const file = uploadOf(request)?.bytes ?? Buffer.alloc(0);
    const back = (state: FormState) => backToForm(ctx, reply, '/actas', 'verificar', state, 'verificar-h');
    const values = { session: sessionId };
    if (file.length === 0) return back({ values, errors: { [fileFieldName]: ctx.t('Elija el archivo PDF que quiere verificar.') } });
    const answer = await ctx.api('POST', `/api/v1/sessions/${encodeURIComponent(sessionId)}/acta/verification`, { pdf: file.toString('base64') });
    if (answer.status < 300) {
      return reply.redirect(`/actas?sesion=${encodeURIComponent(sessionId)}&sha256=${(answer.body as { sha256: string }).sha256}#verificacion`, 303);
    }
    // The API names the file «pdf»; the form's file field is the one every upload uses.
    return back(refusal(ctx, answer, values, { [fileFieldName]: 'Archivo PDF del acta', session: 'Sesión' }, (f) => (f === 'pdf' ? fileFieldName : f)));
  });

  app.get<{ Params: { id: string }; Querystring: { hecho?: string; formulario?: string } }>('/sesiones/:id', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const [s, forms] = await Promise.all([read<SessionAnswer>(ctx, `/api/v1/sessions/${encodeURIComponent(request.params.id)}`), keptForms(ctx, request.query.formulario)]);
    return send(reply, sessionPage(ctx, s, forms, request.query.hecho));
  });

  // The signed acta, read through the API as JSON (its PDF in base64) and served as the file.
  app.get<{ Params: { id: string } }>('/sesiones/:id/acta.pdf', async (request, reply) => {
    const ctx = await signedIn(request, reply);
    if (!ctx) return reply;
    const answer = await ctx.api('GET', `/api/v1/sessions/${encodeURIComponent(request.params.id)}/acta.pdf`, undefined, { accept: 'application/json' });
    if (answer.status >= 400) throw kit.fail(answer.status, ctx.t(answer.body?.error?.message ?? 'No encontrado'));
    return reply.type('application/pdf').header('content-disposition', `inline; filename="acta-${request.params.id}.pdf"`)
      .send(Buffer.from((answer.body as { pdf: string }).pdf, 'base64'));
  });

  /** One form of the session page: its checks, its API call (under the session), and the page again with the errors if refused. */
  const action = (name: Action, done: string, call: (f: Form, ctx: Ctx) => { url: string; body: object }, labels: Record<string, string>,
    check?: (c: Checker, f: Form) => void) =>
    app.post<{ Params: Record<string, string>; Body: Form }>(`/sesiones/:id/${name}`, kit.formAction({
      page: (p) => `/sesiones/${encodeURIComponent(p.id!)}`, api: (p) => `/api/v1/sessions/${encodeURIComponent(p.id!)}`, form: name, anchor: () => `s-${name}-h`,
      done, call: (f, _p, ctx) => call(f, ctx), labels, check,
      shown: async (ctx, p, forms) => sessionPage(ctx, await read<SessionAnswer>(ctx, `/api/v1/sessions/${encodeURIComponent(p.id!)}`), forms),
    }));
  const item = (f: Form) => Number(one(f.n));

  action('confirmar', 'asistencia_confirmada', (f) => ({
    url: 'confirmations',
    body: { attends: one(f.attends) === 'true', ...(one(f.name) || one(f.email) ? { representative: { name: one(f.name), email: one(f.email) } } : {}) },
  }), { attends: '¿Asiste su institución?', 'representative.name': 'Representante (opcional; por defecto, el titular)', 'representative.email': 'Correo del representante' }, (c, f) => {
    c.atLeastOne('attends', many(f.attends), '¿Asiste su institución?');
    c.rule('email', !!one(f.name) && !one(f.email), 'Indique el correo del representante.');
  });
  action('abrir', 'sesion_abierta', (f) => ({ url: 'open', body: { present: many(f.present) } }), { present: 'Miembros presentes' });
  action('posicion', 'posicion_registrada', (f, ctx) => ({
    url: `items/${item(f)}/positions`,
    body: { position: one(f.position), ...(one(f.comment) ? { comment: one(f.comment) } : {}), ...(ctx.user!.institution.kind === 'secretaria' ? { institution: one(f.institution) } : {}) },
  }), { position: 'Posición', comment: 'Comentario (obligatorio si observa u objeta)', institution: 'Miembro presente' }, (c, f) => {
    c.atLeastOne('position', many(f.position), 'Posición');
    c.optionalText('comment', one(f.comment), 'Comentario (obligatorio si observa u objeta)', textLimits.comment);
  });
  action('cerrar-punto', 'punto_cerrado', (f) => ({ url: `items/${item(f)}/close`, body: { summary: one(f.summary) } }), { summary: 'Resumen de la deliberación' },
    (c, f) => c.text('summary', one(f.summary), 'Resumen de la deliberación', textLimits.comment));
  action('diferir', 'punto_diferido', (f) => ({ url: `items/${item(f)}/defer`, body: { reason: one(f.reason) } }), { reason: 'Motivo' },
    (c, f) => c.text('reason', one(f.reason), 'Motivo', textLimits.reason));
  action('cerrar', 'sesion_cerrada', (f) => ({ url: 'close', body: { observationDeadline: { days: Number(one(f.days)) } } }), { observationDeadline: 'Plazo de observaciones al acta (días)' },
    (c, f) => {
      c.wholeNumber('days', one(f.days), 'Plazo de observaciones al acta (días)', { max: 365, required: true });
      c.rule('days', one(f.days) === '0', 'El plazo de observaciones debe ser de al menos un día.');
    });
  action('observar', 'acta_observada', (f) => ({ url: 'acta/observations', body: { text: one(f.text) } }), { text: 'Observación' },
    (c, f) => c.text('text', one(f.text), 'Observación', textLimits.comment));
  action('conformidad', 'acta_conforme', () => ({ url: 'acta/conformity', body: {} }), {});
  action('aprobar', 'acta_aprobada', () => ({ url: 'acta/approval', body: {} }), {});

  // A form's address opened as a page returns to the session.
  app.get<{ Params: { id: string } }>('/sesiones/:id/:accion', async (request, reply) => reply.redirect(`/sesiones/${encodeURIComponent(request.params.id)}`, 303));
}
