// The task board (every task by status, with its progress) and the task page with the forms of
// the responsible institutions and of the secretariat.
import { owedTaskStatuses, taskStatuses } from '../../../domain/tasks';
import { secretariat } from '../../../domain/registry-codes';
import type { Ctx } from '../context';
import { html, type Html } from '../html';
import { label, when } from '../i18n';
import { choices, confirmField, csrfField, field, formMessage, onceField, page, section, stoppedNotice, type FormState } from '../layout';
import type { AttachmentAnswer, AuditAnswer, InstitutionAnswer, TaskAnswer, TaskList } from '../../schemas';
import { attachmentList, fileField } from './documents';

/** A request for a new date or for reassignment, awaiting the secretariat's decision. */
export interface PendingRequest {
  institution: string;
  kind: 'nueva_fecha_solicitada' | 'reasignacion_solicitada';
  reason: string;
  proposedDueDate: string | null;
  at: string;
}

export interface TaskPageData {
  task: TaskAnswer;
  request: PendingRequest | null;
  /** For the secretariat: the member institutions a task may be reassigned to. */
  members: InstitutionAnswer[];
  /** The documents of its progress reports and completions the reader may read. */
  attachments: AttachmentAnswer[];
  /** Whether this Mesa keeps documents (the forms offer a file field only then). */
  documents: boolean;
}

const requestActions = new Set(['nueva_fecha_solicitada', 'reasignacion_solicitada']);
const decisionActions = new Set(['solicitud_concedida', 'solicitud_denegada']);

/** The last request of the trail, unless a decision came after it. */
export function pendingRequest(events: AuditAnswer['events']): PendingRequest | null {
  const last = events.filter((e) => requestActions.has(e.action) || decisionActions.has(e.action)).at(-1);
  if (!last || !requestActions.has(last.action)) return null;
  const data = last.data as { reason?: unknown; proposedDueDate?: unknown };
  return {
    institution: last.institution ?? '', kind: last.action as PendingRequest['kind'], at: last.at,
    reason: typeof data.reason === 'string' ? data.reason : '',
    proposedDueDate: typeof data.proposedDueDate === 'string' ? data.proposedDueDate : null,
  };
}

export type TaskForms = Partial<Record<'aceptar' | 'solicitud' | 'avance' | 'conclusion' | 'verificacion' | 'decision' | 'recuperacion', FormState>>;

// A native progress bar: accessible as it is, and no inline style (the CSP forbids them).
const bar = (percent: number) => html`<progress max="100" value="${Math.max(0, Math.min(100, percent))}">${percent}%</progress>`;

export function taskBoardPage(ctx: Ctx, tasks: TaskList['items'], mine: boolean): Html {
  const t = ctx.t;
  return page(ctx, t('Tablero de tareas'), html`<h1>${t('Tablero de tareas')}</h1>
<p>${mine ? html`<a href="/tareas?todas=1">${t('Ver todas las tareas')}</a>` : ctx.user!.institution.kind === 'miembro' ? html`<a href="/tareas">${t('Ver solo las de')} ${ctx.user!.institution.code}</a>` : ''}</p>
<div class="board">${taskStatuses.map((s) => {
    const here = tasks.filter((x) => x.status === s);
    return html`<section aria-labelledby="col-${s}"><h2 id="col-${s}">${label(ctx.lang, s)} <span class="badge">${here.length}</span></h2>
${here.length === 0 ? html`<p>${t('Sin tareas.')}</p>` : html`<ul class="items">${here.map((x) => html`<li><a href="/tareas/${x.id}">${x.title}</a>
<div class="meta">${x.agreementNumber} · ${x.responsible.join(', ')}</div>${bar(x.percent)}
<div class="meta${x.overdue ? ' late' : ''}">${x.overdue ? t('Plazo vencido') : t('Vence')}: ${when(ctx.lang, x.dueAt)} · ${x.percent}%</div></li>`)}</ul>`}</section>`;
  })}</div>`);
}

/** The pending request as both sides read it: who asked, when, why, and for what. */
function requestCard(ctx: Ctx, task: TaskAnswer, r: PendingRequest, mine: boolean): Html {
  const t = ctx.t;
  return html`<section class="card notice" aria-labelledby="solicitud-h" id="solicitud"><h2 id="solicitud-h">${mine ? t('Su solicitud, pendiente de decisión') : t('Solicitud pendiente de decisión')}</h2>
<dl class="facts">
<dt>${t('Solicitada por')}</dt><dd>${r.institution} · <span class="meta">${when(ctx.lang, r.at)}</span></dd>
<dt>${t('Qué pide')}</dt><dd>${r.proposedDueDate
    ? html`${t('Nueva fecha')}: <strong>${when(ctx.lang, r.proposedDueDate)}</strong> (${t('hoy vence')}: ${when(ctx.lang, task.dueAt)})`
    : html`${t('Reasignar su parte de la tarea a otras instituciones')}`}</dd>
<dt>${t('Motivo')}</dt><dd>${r.reason}</dd>
</dl>
${mine ? html`<p class="meta">${t('La Secretaría Técnica la decidirá; recibirá un aviso.')}</p>` : ''}</section>`;
}

export function taskPage(ctx: Ctx, d: TaskPageData, forms: TaskForms = {}, done?: string): Html {
  const t = ctx.t;
  const task = d.task;
  const code = ctx.user!.institution.code;
  const kind = ctx.user!.institution.kind;
  // A stopped task offers no action but the secretariat's recovery (stoppedNotice).
  const responsible = task.responsible.includes(code) && !task.stopped;
  const myLine = task.lines.find((l) => l.institution === code);
  const actions: Html[] = [];
  // A form with a file field is sent as multipart/form-data.
  const form = (name: keyof TaskForms, action: string, heading: string, body: Html | string, button: string, upload = false) => html`<section class="card" aria-labelledby="t-${name}-h"><h2 id="t-${name}-h">${t(heading)}</h2>
<form method="post" action="/tareas/${task.id}/${action}"${upload ? html` enctype="multipart/form-data"` : ''}>${csrfField(ctx)}${onceField(forms[name])}${formMessage(ctx, forms[name])}${body}<button type="submit">${t(button)}</button></form></section>`;

  if (responsible && task.status === 'asignada' && !task.accepted.includes(code)) {
    actions.push(form('aceptar', 'aceptar', 'Aceptar la tarea', '', 'Aceptar'));
    actions.push(form('solicitud', 'solicitud', 'Solicitar reasignación o nueva fecha', html`
${field(ctx, { name: 'reason', form: 'solicitud', label: 'Motivo', textarea: 2, required: true, state: forms.solicitud })}
${field(ctx, { name: 'proposedDueDate', form: 'solicitud', label: 'Nueva fecha propuesta (opcional)', type: 'datetime-local', state: forms.solicitud })}`, 'Solicitar'));
  }
  if (responsible && task.accepted.includes(code) && (owedTaskStatuses as readonly string[]).includes(task.status) && myLine && !myLine.completed) {
    actions.push(form('avance', 'avance', 'Informar avance', html`
${field(ctx, { name: 'percent', form: 'avance', label: 'Porcentaje (0–100)', type: 'number', required: true, state: forms.avance, attrs: html` min="0" max="100"` })}
${field(ctx, { name: 'note', form: 'avance', label: 'Nota', textarea: 2, state: forms.avance })}
${field(ctx, { name: 'evidenceUrl', form: 'avance', label: 'Enlace a la evidencia (opcional)', type: 'url', state: forms.avance })}
${d.documents ? fileField(ctx, { form: 'avance', label: 'Documento (opcional)', state: forms.avance }) : ''}`, 'Informar avance', d.documents));
    actions.push(form('conclusion', 'conclusion', 'Registrar conclusión', html`
${field(ctx, { name: 'summary', form: 'conclusion', label: 'Resultado', textarea: 3, required: true, state: forms.conclusion })}
${field(ctx, { name: 'evidenceUrl', form: 'conclusion', label: 'Enlace a la evidencia (opcional)', type: 'url', state: forms.conclusion })}
${d.documents ? fileField(ctx, { form: 'conclusion', label: 'Documento (opcional)', state: forms.conclusion }) : ''}
${confirmField(ctx, { form: 'conclusion', label: 'Confirmo que nuestra parte de la tarea está concluida: pasa a verificación.', state: forms.conclusion })}`, 'Registrar conclusión', d.documents));
  }
  if (kind === 'secretaria' && !task.stopped && d.request && task.pendingFor.includes(secretariat)) {
    const reassignment = !d.request.proposedDueDate;
    const candidates = d.members.filter((m) => m.code !== d.request!.institution).sort((a, b) => a.name.localeCompare(b.name, 'es'));
    actions.push(form('decision', 'decision', 'Decidir la solicitud', html`
${requestCard(ctx, task, d.request, false)}
${choices(ctx, { name: 'granted', form: 'decision', legend: 'Decisión', type: 'radio', state: forms.decision, options: [['true', t('Conceder')], ['false', t('Denegar')]] })}
${field(ctx, { name: 'comment', form: 'decision', label: 'Motivo', textarea: 2, required: true, state: forms.decision })}
${confirmField(ctx, { form: 'decision', label: 'Confirmo la decisión (al denegar, la solicitud se cierra sin cambios).', state: forms.decision })}
${reassignment ? choices(ctx, { name: 'responsible', form: 'decision', legend: 'Nuevas instituciones responsables', state: forms.decision, hint: 'Solo si concede la reasignación.',
    options: candidates.map((m) => [m.code, `${m.name} (${m.code})`]) }) : ''}`, 'Registrar'));
  }
  if (kind === 'secretaria' && !task.stopped && task.status === 'completada') {
    actions.push(form('verificacion', 'verificacion', 'Verificar', html`
${choices(ctx, { name: 'accepted', form: 'verificacion', legend: 'Decisión', type: 'radio', state: forms.verificacion, options: [['true', t('Aceptar el resultado')], ['false', t('Devolver con observaciones')]] })}
${field(ctx, { name: 'comment', form: 'verificacion', label: 'Observaciones', textarea: 3, state: forms.verificacion })}`, 'Verificar'));
  }

  return page(ctx, task.title, html`<h1>${task.title}</h1>
<p class="meta"><a href="/propuestas/${task.proposalId}">${task.agreementNumber}</a> · ${t('Estado')}: <span class="badge">${label(ctx.lang, task.stopped ? 'detenida' : task.status)}</span>
 · <span class="${task.overdue ? 'late' : ''}">${task.overdue ? t('Plazo vencido') : t('Vence')}: ${when(ctx.lang, task.dueAt)}</span></p>
<p><strong>${t('Entregable')}:</strong> ${task.deliverable}</p>
${stoppedNotice(ctx, task, { action: `/tareas/${task.id}/recuperacion`, closable: false, state: forms.recuperacion })}
${d.request && kind !== 'secretaria' ? requestCard(ctx, task, d.request, d.request.institution === code) : ''}
${actions.length ? html`<div class="actions">${actions}</div>` : ''}
${section(t('Avance'), html`<table><thead><tr><th scope="col">${t('Institución')}</th><th scope="col">${t('Estado')}</th><th scope="col">${t('Avance')}</th></tr></thead><tbody>
${task.lines.map((l) => html`<tr><th scope="row">${l.institution}</th><td>${l.completed ? label(ctx.lang, 'completada') : l.accepted ? label(ctx.lang, 'en_ejecucion') : t('Pendiente')}</td><td>${bar(l.percent)} ${l.percent}%</td></tr>`)}
</tbody></table>
${task.progress.length ? html`<h3>${t('Informes de avance')}</h3><ul class="items">${task.progress.map((p) => html`<li><strong>${p.institution}</strong> · ${p.percent}% · <span class="meta">${when(ctx.lang, p.at)}</span>${p.note ? html`<p>${p.note}</p>` : ''}${/^https?:\/\//i.test(p.evidenceUrl ?? '') ? html`<p><a href="${p.evidenceUrl}" rel="noopener noreferrer">${t('Evidencia')}</a></p>` : ''}</li>`)}</ul>` : ''}`)}
${d.attachments.length || d.documents ? section(t('Documentos'), attachmentList(ctx, d.attachments), 'documentos') : ''}`, done);
}
