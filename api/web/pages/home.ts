// Login, the error page, and the home page of each role: what the institution must do next.
import { pageUrl } from '../../../domain/notices';
import { processStages } from '../../../domain/vocabulary';
import type { Ctx } from '../context';
import { html, type Html } from '../html';
import { label, when } from '../i18n';
import { csrfField, dueText, field, formMessage, noticeTitle, page, section, type FormState } from '../layout';

export function loginPage(ctx: Ctx, state?: FormState, done?: string): Html {
  const t = ctx.t;
  return page(ctx, t('Entrar'), html`<h1>${t('Iniciar sesión')}</h1>
<section class="card" aria-label="${t('Iniciar sesión')}">
<form method="post" action="/entrar">${csrfField(ctx)}${formMessage(ctx, state)}
${field(ctx, { name: 'email', label: 'Correo electrónico', type: 'email', required: true, state, attrs: html` autocomplete="username"` })}
${field(ctx, { name: 'password', label: 'Contraseña', type: 'password', required: true, value: '', attrs: html` autocomplete="current-password"` })}
<button type="submit">${t('Entrar')}</button></form>
<p><a href="/entrar/olvido">${t('¿Olvidó su contraseña?')}</a></p></section>`, done);
}

export function errorPage(ctx: Ctx, status: number, message: string): Html {
  const t = ctx.t;
  const title = status === 404 ? t('No encontrado') : status === 403 ? t('No permitido') : `Error ${status}`;
  return page(ctx, title, html`<h1>${title}</h1><p class="error" role="alert">${message}</p><p><a href="/">${t('Volver al inicio')}</a></p>`);
}

function itemList(ctx: Ctx, items: Array<{ title: string; kind?: string; proposalId?: string; taskId?: string; dueAt?: string | null; at?: string }>, empty = 'Nada pendiente.'): Html {
  if (items.length === 0) return html`<p>${ctx.t(empty)}</p>`;
  return html`<ul class="items">${items.map((i) => html`<li><a href="${pageUrl('', i)}">${'kind' in i && typeof i.kind === 'string' ? noticeTitle(ctx, { kind: i.kind, title: i.title }) : i.title}</a>${dueText(ctx, i.dueAt)}${i.at && !i.dueAt ? html` · <span class="meta">${when(ctx.lang, i.at)}</span>` : ''}</li>`)}</ul>`;
}

export interface HomeData {
  inbox: Array<{ id: string; kind: string; title: string; proposalId?: string; taskId?: string; dueAt?: string; at: string; read: boolean }>;
  /** Secretariat: open proposals; observers and support bodies: what they follow; OSC: open consultations. */
  proposals: Array<{ id: string; title: string; stage: string; status: string; deadlines: Record<string, string>; pendingFor: string[] }>;
  /** Secretariat: tasks overdue or due within 14 days. */
  tasksAtRisk: Array<{ id: string; title: string; dueAt: string; status: string; responsible: string[]; percent: number }>;
  /** Secretariat: proposals and tasks whose workflow no longer runs, to resume or close. */
  stopped?: Array<{ kind: 'propuesta' | 'tarea'; id: string; title: string; detectedAt: string }>;
}

export function homePage(ctx: Ctx, d: HomeData): Html {
  const t = ctx.t;
  const kind = ctx.user!.institution.kind;
  const pending = d.inbox.filter((i) => i.kind === 'pendiente');
  const told = d.inbox.filter((i) => i.kind !== 'pendiente').slice(0, 8);
  const recent = section(t('Avisos recientes'), itemList(ctx, told, 'Sin elementos.'));
  const proposalItem = (p: HomeData['proposals'][number]) => ({ title: p.title, proposalId: p.id, dueAt: p.deadlines[p.stage] ?? null });

  if (kind === 'secretaria') {
    const stages = processStages;
    const overdueRounds = d.proposals.filter((p) => p.stage === 'conformidad' && p.pendingFor.length > 0 && Date.parse(p.deadlines.conformidad ?? '') < Date.now());
    return page(ctx, t('Inicio'), html`<h1>${t('Propuestas por etapa')}</h1>
<p><a class="button" href="/propuestas/nueva">${t('Nueva propuesta')}</a> <a href="/propuestas/borradores">${t('Borradores')}</a></p>
${d.stopped?.length ? section(t('Procesos detenidos'), itemList(ctx, d.stopped.map((s) => ({
    title: `${s.title} (${label(ctx.lang, 'detenida').toLowerCase()})`, at: s.detectedAt, ...(s.kind === 'propuesta' ? { proposalId: s.id } : { taskId: s.id }),
  })))) : ''}
<div class="grid">${stages.map((s) => {
      const here = d.proposals.filter((p) => p.stage === s);
      return html`<div><h2>${label(ctx.lang, s)} <span class="badge">${here.length}</span></h2>${itemList(ctx, here.map(proposalItem), 'Sin propuestas.')}</div>`;
    })}</div>
${section(t('Conformidades vencidas'), itemList(ctx, overdueRounds.map((p) => ({ ...proposalItem(p), title: `${p.title} (${p.pendingFor.length} ${t('Pendientes').toLowerCase()})` })), 'Sin elementos.'))}
${section(t('Tareas en riesgo'), d.tasksAtRisk.length === 0 ? html`<p>${t('Sin tareas.')}</p>` : html`<ul class="items">${d.tasksAtRisk.map((task) => html`<li><a href="/tareas/${task.id}">${task.title}</a> · ${task.responsible.join(', ')} · ${task.percent}%${dueText(ctx, task.dueAt)}</li>`)}</ul>`)}
${section(t('Lo que espera a su institución'), itemList(ctx, pending))}
${recent}`);
  }
  if (kind === 'osc') {
    const answers = d.inbox.filter((i) => i.kind === 'aporte_respondido');
    return page(ctx, t('Inicio'), html`<h1>${t('Consultas abiertas')}</h1>
${itemList(ctx, d.proposals.map(proposalItem), 'Sin elementos.')}
${section(t('Respuestas a sus aportes'), itemList(ctx, answers, 'Sin elementos.'))}
${recent}`);
  }
  if (kind === 'observador' || kind === 'apoyo') {
    return page(ctx, t('Inicio'), html`<h1>${t('Lo que sigue su institución')}</h1>
${itemList(ctx, d.proposals.map(proposalItem), 'Sin propuestas.')}
${pending.length ? section(t('Lo que espera a su institución'), itemList(ctx, pending)) : ''}
${recent}`);
  }
  return page(ctx, t('Inicio'), html`<h1>${t('Lo que espera a su institución')}</h1>
${itemList(ctx, pending)}
${recent}`);
}

export function proposalListPage(ctx: Ctx, items: Array<HomeData['proposals'][number] & { number: string | null }>, q: { stage?: string; status?: string; q?: string }, next: string | null): Html {
  const t = ctx.t;
  const options = (values: string[], current?: string) => html`<option value="">${t('Todas')}</option>${values.map((v) => html`<option value="${v}"${v === current ? html` selected` : ''}>${label(ctx.lang, v)}</option>`)}`;
  return page(ctx, t('Propuestas'), html`<h1>${t('Propuestas')}</h1>
<form method="get" action="/propuestas" class="card" role="search">
<div class="grid">
<div class="field"><label for="q">${t('Buscar')}</label><input id="q" name="q" value="${q.q ?? ''}"></div>
<div class="field"><label for="stage">${t('Etapa')}</label><select id="stage" name="stage">${options(['grupo_de_trabajo', 'consulta', 'revision', 'conformidad', 'cerrada'], q.stage)}</select></div>
<div class="field"><label for="status">${t('Estado')}</label><select id="status" name="status">${options(['en_curso', 'adoptada', 'observada', 'rechazada', 'retirada'], q.status)}</select></div>
</div><button type="submit">${t('Filtrar')}</button></form>
${items.length === 0 ? html`<p>${t('Sin propuestas.')}</p>` : html`<table><thead><tr><th scope="col">${t('Título')}</th><th scope="col">${t('Etapa')}</th><th scope="col">${t('Estado')}</th><th scope="col">${t('Vence')}</th></tr></thead><tbody>
${items.map((p) => html`<tr><td><a href="/propuestas/${p.id}">${p.title}</a>${p.number ? html` <span class="meta">${p.number}</span>` : ''}</td><td data-label="${t('Etapa')}">${label(ctx.lang, p.stage)}</td><td data-label="${t('Estado')}">${label(ctx.lang, p.status)}</td><td data-label="${t('Vence')}">${when(ctx.lang, p.deadlines[p.stage])}</td></tr>`)}
</tbody></table>`}
${next ? html`<p><a href="/propuestas?${new URLSearchParams({ ...Object.fromEntries(Object.entries(q).filter(([, v]) => v)), cursor: next }).toString()}">${t('Siguiente')} →</a></p>` : ''}`);
}
