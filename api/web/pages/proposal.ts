// The proposal page: its text with numbered paragraphs, what changed since the last version,
// the stages so far, the sign-off matrix, inputs and their answers, comments, the audit trail
// and its verification, and the forms of the actions the user may take now.
import { correctableFieldWords, eventLabel, pnmObjectiveWords } from '../../../domain/catalogue';
import type { CorrectableField } from '../../../domain/proposal';
import { inputKinds } from '../../../domain/events';
import { readsDeliberation } from '../../../domain/visibility';
import { isOpenProposal, pnmObjectives, populations } from '../../../domain/vocabulary';
import type { Ctx } from '../context';
import { html, type Html } from '../html';
import { decisionReason, label, period, when } from '../i18n';
import { choices, confirmField, csrfField, field, formMessage, onceField, page, section, select, stoppedNotice, type FormState } from '../layout';
import { comparisonTable, numberedText, paragraphsOf } from '../text';
import type { AttachmentAnswer, AuditAnswer, GroupAnswer, InstitutionAnswer, ProposalAnswer, TaskList } from '../../schemas';
import { agreementPdfLink, attachmentList, fileField } from './documents';

export type ProposalForms = Partial<Record<'conformidad' | 'aporte' | 'comentario' | 'avanzar' | 'retirar' | 'version' | 'decision' | 'recuperacion' | 'correccion' | 'documento' | `respuesta-${string}`, FormState>>;

export interface ProposalPageData {
  proposal: ProposalAnswer;
  audit: AuditAnswer;
  institutions: InstitutionAnswer[];
  groups: GroupAnswer[];
  coordinators: string[];
  /** The agreement's tasks, once it is adopted. */
  tasks: TaskList['items'];
  /** The documents of the proposal, its versions and inputs the reader may read. */
  attachments: AttachmentAnswer[];
  /** Whether this Mesa keeps documents (the forms offer a file field only then). */
  documents: boolean;
}

/** A planned action; in a draft's preview any part may still be missing. */
interface PlannedAction { title?: string; responsible?: string[]; dueIn?: string; deliverable?: string }
interface Rules { stages?: string[]; decisionRule?: string; quorum?: number; silencePolicy?: string; decisionInSession?: boolean }

/** The reason the trail recorded with the last of these acts (a group's decision, a withdrawal). */
const reasonOf = (audit: AuditAnswer, actions: string[]) => {
  const e = audit.events.filter((x) => actions.includes(x.action)).at(-1);
  const reason = (e?.data as { reason?: unknown } | undefined)?.reason;
  return e && typeof reason === 'string' && reason.trim() ? { action: e.action, reason, at: e.at } : null;
};

/** What factsOf and plannedActions read: a proposal, or a draft's preview of one. */
export interface ProposalFacts {
  proposal: Pick<ProposalAnswer, 'leadWorkingGroup' | 'workingGroups' | 'objectives' | 'populations' | 'rules' | 'actions'>;
  groups: GroupAnswer[];
  institutions: InstitutionAnswer[];
}

/** Who leads, what it serves, and the rules it is decided by: what people decide on. */
export function factsOf(ctx: Ctx, d: ProposalFacts): Html {
  const { t, lang } = ctx;
  const p = d.proposal;
  const rules = p.rules as Rules;
  const group = (code: string) => {
    const g = d.groups.find((x) => x.code === code);
    return g ? `${g.code} — ${g.name}` : code;
  };
  const list = (items: string[]) => (items.length ? html`<ul class="plain">${items.map((i) => html`<li>${i}</li>`)}</ul>` : '—');
  const row = (name: string, value: Html | string) => html`<dt>${t(name)}</dt><dd>${value}</dd>`;
  return html`<dl class="facts">
${row('Grupo de trabajo líder', group(p.leadWorkingGroup))}
${row('Otros grupos de trabajo', list(p.workingGroups.filter((g) => g !== p.leadWorkingGroup).map(group)))}
${row('Objetivos de la PNM', list(p.objectives.map((o) => `${o} — ${pnmObjectiveWords[o as keyof typeof pnmObjectiveWords]?.[lang] ?? o}`)))}
${row('Poblaciones', list(p.populations.map((x) => label(lang, x))))}
${row('Etapas del proceso', (rules.stages ?? []).map((x) => label(lang, x)).join(' → ') || '—')}
${row('Regla de decisión', rules.decisionRule ? label(lang, rules.decisionRule) : '—')}
${row('Quórum', typeof rules.quorum === 'number' ? `${Math.round(rules.quorum * 100)} % ${t('de los miembros')}` : '—')}
${row('Política de silencio', rules.silencePolicy ? label(lang, rules.silencePolicy) : '—')}
${rules.decisionInSession ? row('Decisión', t('Se decide en sesión plenaria')) : ''}
</dl>`;
}

/**
 * The planned actions: what becomes a task when the agreement is adopted, by whom and in how long;
 * a draft's preview adds the date each would be due (`dueAt`).
 */
export function plannedActions(ctx: Ctx, d: ProposalFacts, dueAt?: Array<string | null>): Html {
  const { t, lang } = ctx;
  const actions = d.proposal.actions as unknown as PlannedAction[];
  if (actions.length === 0) return html`<p>${t('Sin acciones previstas.')}</p>`;
  const nameOf = (c: string) => d.institutions.find((i) => i.code === c)?.name ?? c;
  return html`<div class="table-scroll"><table class="cards"><caption class="visually-hidden">${t('Acciones previstas')}</caption>
<thead><tr><th scope="col">${t('Acción')}</th><th scope="col">${t('Responsables')}</th><th scope="col">${t('Plazo')}</th><th scope="col">${t('Entregable')}</th></tr></thead><tbody>
${actions.map((a, i) => html`<tr><th scope="row" data-label="${t('Acción')}">${a.title ?? '—'}</th><td data-label="${t('Responsables')}">${(a.responsible ?? []).map((c) => html`<abbr title="${nameOf(c)}">${c}</abbr>`).reduce<Array<Html | string>>((all, x, i) => (i ? [...all, ', ', x] : [x]), [])}</td>
<td data-label="${t('Plazo')}">${a.dueIn === undefined ? '—' : html`${period(lang, a.dueIn)} ${t('desde la adopción')}`}${dueAt?.[i] ? html`<br><span class="meta">${t('Vencería')}: ${when(lang, dueAt[i]!)}</span>` : ''}</td><td data-label="${t('Entregable')}">${a.deliverable ?? '—'}</td></tr>`)}
</tbody></table></div>`;
}

/** How the round ended: the outcome, the rule's reason with its figures, and the agreement's tasks. */
function decisionOf(ctx: Ctx, d: ProposalPageData): Html | string {
  const { t, lang } = ctx;
  const p = d.proposal;
  const parts: Html[] = [];
  if (p.decision) {
    const c = p.decision.counts;
    parts.push(html`<p><span class="badge">${label(lang, p.decision.outcome)}</span> ${decisionReason(lang, p.decision.reason)}</p>
<p class="meta">${t('Ronda')} ${p.decision.round} · ${t('Versión')} ${p.decision.version} · ${label(lang, p.decision.rule)} · ${when(lang, p.decision.at)}</p>
<p class="meta">${t('Respondieron')}: ${c.answered} ${t('de')} ${c.members} · ${label(lang, 'aprueba')}: ${c.aprueba} · ${label(lang, 'aprueba_con_observaciones')}: ${c.aprueba_con_observaciones} · ${label(lang, 'objeta')}: ${c.objeta} · ${label(lang, 'se_abstiene')}: ${c.se_abstiene} · ${label(lang, 'conformidad_tacita')}: ${c.tacit} · ${p.decision.quorumMet ? t('Con quórum') : t('Sin quórum')}</p>`);
  }
  const group = reasonOf(d.audit, ['grupo_avanza', 'grupo_devuelve', 'grupo_rechaza']);
  if (group) parts.push(html`<p><strong>${t('Decisión del grupo de trabajo')}:</strong> ${eventLabel(group.action, lang)} — ${group.reason} <span class="meta">(${when(lang, group.at)})</span></p>`);
  const withdrawn = p.status === 'retirada' ? reasonOf(d.audit, ['retirada']) : null;
  if (withdrawn) parts.push(html`<p><strong>${t('Motivo del retiro')}:</strong> ${withdrawn.reason} <span class="meta">(${when(lang, withdrawn.at)})</span></p>`);
  if (d.tasks.length) {
    parts.push(html`<h3>${t('Tareas del acuerdo')}</h3><ul class="items">${d.tasks.map((x) => html`<li><a href="/tareas/${x.id}">${x.title}</a> · ${label(lang, x.status)} · ${x.percent}%
<span class="${x.overdue ? 'late' : 'meta'}"> · ${x.overdue ? t('Plazo vencido') : t('Vence')}: ${when(lang, x.dueAt)}</span></li>`)}</ul>`);
  }
  return parts.length ? section(t('Decisión'), html`${parts}`, 'decision') : '';
}

export function proposalPage(ctx: Ctx, d: ProposalPageData, forms: ProposalForms = {}, done?: string): Html {
  const { t, lang } = ctx;
  const p = d.proposal;
  const user = ctx.user!;
  const kind = user.institution.kind;
  const code = user.institution.code;
  // A stopped proposal offers no action but the secretariat's recovery (stoppedNotice).
  const open = isOpenProposal(p.status) && !p.stopped;
  const current = p.versions.find((v) => v.number === p.currentVersion) ?? p.versions.at(-1);
  const previous = p.versions.find((v) => v.number === p.currentVersion - 1);
  const nameOf = (c: string) => d.institutions.find((i) => i.code === c)?.name ?? c;
  const isSecretariat = kind === 'secretaria';

  const header = html`<h1>${p.title}</h1>
<p class="meta">${p.number ? html`<strong>${p.number}</strong> · ` : ''}${t('Estado')}: <span class="badge">${label(lang, p.stopped ? 'detenida' : p.status)}</span>
 · ${t('Etapa')}: <span class="badge">${label(lang, p.stage)}</span>${p.deadlines[p.stage] ? html` · ${t('Vence')}: ${when(lang, p.deadlines[p.stage])}` : ''}
 · ${t('Versión')} ${p.currentVersion}</p>
${p.number && p.status === 'adoptada' ? html`<p>${agreementPdfLink(ctx, p)}</p>` : ''}
<p>${p.summary}</p>
${factsOf(ctx, d)}`;

  const text = section(`${t('Texto vigente')} (${t('Versión')} ${p.currentVersion})`, current ? numberedText(current.text) : '', 'texto');
  const changes = section(t('Cambios respecto de la versión anterior'), previous && current
    ? html`<p class="meta">${t('Versión')} ${previous.number} → ${t('Versión')} ${current.number}: ${current.changeSummary}</p>${comparisonTable(previous.text, current.text, {
      paragraph: t('Párrafo'), before: `${t('Versión')} ${previous.number}`, after: `${t('Versión')} ${current.number}`,
      removed: t('Texto anterior'), added: t('Texto nuevo'), unchanged: t('El texto no cambió.'), caption: t('Cambios respecto de la versión anterior'),
    })}`
    : html`<p>${t('Es la primera versión.')}</p>`, 'cambios');

  const timeline = section(t('Etapas recorridas'), html`<table><thead><tr><th scope="col">${t('Fecha')}</th><th scope="col">${t('Etapa')}</th><th scope="col">${t('Evento')}</th></tr></thead><tbody>
${p.timeline.map((e) => html`<tr><td data-label="${t('Fecha')}">${when(lang, e.at)}</td><td data-label="${t('Etapa')}">${label(lang, e.stage)}</td><td data-label="${t('Evento')}">${eventLabel(e.event, lang)}</td></tr>`)}
</tbody></table>`, 'etapas');

  // Civil society reads the round in figures (the API gives it no member's position).
  const deliberation = readsDeliberation({ institution: ctx.user!.institution.code, kind: ctx.user!.institution.kind });
  const members = d.institutions.filter((i) => i.kind === 'miembro');
  const signoffOf = new Map((p.signoffs ?? []).map((s) => [s.institution, s]));
  const pending = new Set<string>(p.pendingSignoffs);
  const roundLine = p.round ? html`<p class="meta">${t('Ronda')} ${p.round}${p.decision ? html` · ${t('Decisión')}: ${label(lang, p.decision.outcome ?? p.status)}` : ''}</p>` : '';
  const matrix = deliberation ? section(t('Conformidades'), html`${roundLine}
<table><caption class="visually-hidden">${t('Conformidades')}</caption>
<thead><tr><th scope="col">${t('Institución')}</th><th scope="col">${t('Posición')}</th><th scope="col">${t('Comentario')}</th><th scope="col">${t('Fecha')}</th></tr></thead><tbody>
${members.map((m) => {
    const s = signoffOf.get(m.code);
    return html`<tr><th scope="row"><abbr title="${m.name}">${m.code}</abbr></th>
<td data-label="${t('Posición')}">${s ? html`${label(lang, s.position)}${s.tacit ? html` <span class="badge">${t('tácita')}</span>` : ''}` : pending.has(m.code) ? html`<span class="late">${t('Pendiente')}</span>` : '—'}</td>
${s?.comment ? html`<td data-label="${t('Comentario')}">${s.comment}</td>` : html`<td></td>`}${s ? html`<td data-label="${t('Fecha')}">${when(lang, s.at)}</td>` : html`<td></td>`}</tr>`;
  })}
</tbody></table>`, 'conformidades') : p.tally ? section(t('Conformidades'), html`${roundLine}${tallyTable(ctx, p.tally)}`, 'conformidades') : '';

  const inputs = section(t('Aportes'), p.inputs.length === 0 ? html`<p>${t('Sin aportes.')}</p>` : html`<ul class="items">${p.inputs.map((i) => html`<li>
<p><strong>${nameOf(i.institution)}</strong> · ${label(lang, i.kind)}${i.paragraph ? html` · ${t('Párrafo')} ${i.paragraph}` : ''} · <span class="meta">${when(lang, i.at)}</span></p>
<p>${i.text}</p>
${i.answer ? html`<p><strong>${t('Respuesta')}:</strong> ${label(lang, i.answer.decision)} — ${i.answer.reason}</p>`
    : isSecretariat && open ? answerForm(ctx, p.id, i.id, forms[`respuesta-${i.id}`]) : html`<p class="meta">${t('Pendiente')}</p>`}
</li>`)}</ul>`, 'aportes');

  const comments = !deliberation ? '' : section(t('Comentarios'), html`${!p.comments?.length ? html`<p>${t('Sin comentarios.')}</p>` : html`<ul class="items">${p.comments.map((c) => html`<li><p><strong>${nameOf(c.institution)}</strong> <span class="meta">${when(lang, c.at)} · ${t('Versión')} ${c.version}</span></p><p>${c.text}</p></li>`)}</ul>`}`, 'comentarios');

  const audit = section(t('Auditoría'), html`<p class="${d.audit.verified ? 'done' : 'error'}">${d.audit.verified ? t('La cadena de auditoría se verificó: ningún registro fue alterado.') : t('La cadena de auditoría NO se verifica: un registro fue alterado.')}</p>
${d.audit.problems?.length ? html`<ul class="error">${d.audit.problems.map((x) => html`<li>${x.message}</li>`)}</ul>` : ''}
${d.audit.events.length === 0 ? '' : html`<details><summary>${d.audit.events.length} ${t('registros')}</summary><table><thead><tr><th scope="col">#</th><th scope="col">${t('Fecha')}</th><th scope="col">${t('Institución')}</th><th scope="col">${t('Evento')}</th></tr></thead><tbody>
${d.audit.events.map((e) => html`<tr><td>${e.seq}</td><td>${when(lang, e.at)}</td><td>${e.institution ?? '—'}</td><td>${eventLabel(e.action, lang)}</td></tr>`)}
</tbody></table></details>`}`, 'auditoria');

  // The forms: only those the user's role and the proposal's stage allow (the API decides anyway).
  const actions: Html[] = [];
  // Decided in session, the positions are taken in the session, not here.
  if (open && kind === 'miembro' && p.stage === 'conformidad' && !(p.rules as Rules).decisionInSession) actions.push(signoffForm(ctx, p, forms.conformidad));
  if (open && ((kind === 'osc' && p.consultationOpen) || (kind === 'apoyo' && p.stage !== 'cerrada'))) actions.push(inputForm(ctx, p, current ? paragraphsOf(current.text).length : 0, d.documents, forms.aporte));
  if (open && kind !== 'osc') actions.push(commentForm(ctx, p.id, forms.comentario));
  if (open && p.stage === 'grupo_de_trabajo' && (isSecretariat || d.coordinators.includes(code))) actions.push(groupDecisionForm(ctx, p.id, forms.decision));
  const secretariat = isSecretariat && open ? secretariatForms(ctx, p, current?.text ?? '', forms) : '';

  return page(ctx, p.title, html`${header}
${stoppedNotice(ctx, p, { action: `/propuestas/${p.id}/recuperacion`, closable: true, state: forms.recuperacion })}
${actions.length ? html`<div class="actions">${actions}</div>` : ''}
${decisionOf(ctx, d)}${text}${changes}${section(t('Acciones previstas'), plannedActions(ctx, d), 'acciones')}${matrix}${inputs}${documentsOf(ctx, d, forms.documento)}${comments}${timeline}${correctionsOf(ctx, p)}${secretariat}${audit}`, done);
}

/** The round in figures: how many members were asked, answered, and with which position. */
function tallyTable(ctx: Ctx, tally: NonNullable<ProposalAnswer['tally']>): Html {
  const t = ctx.t;
  const rows: Array<[string, number]> = [
    [t('Miembros consultados'), tally.members], [t('Respondieron'), tally.answered], [label(ctx.lang, 'aprueba'), tally.aprueba],
    [label(ctx.lang, 'aprueba_con_observaciones'), tally.aprueba_con_observaciones], [label(ctx.lang, 'objeta'), tally.objeta],
    [label(ctx.lang, 'se_abstiene'), tally.se_abstiene], [label(ctx.lang, 'conformidad_tacita'), tally.tacit],
  ];
  return html`<table><caption class="visually-hidden">${t('Conformidades')}</caption><tbody>
${rows.map(([name, n]) => html`<tr><th scope="row">${name}</th><td>${n}</td></tr>`)}
</tbody></table>`;
}

function signoffForm(ctx: Ctx, p: ProposalAnswer, state?: FormState): Html {
  const t = ctx.t;
  const mine = p.signoffs?.find((s) => s.institution === ctx.user!.institution.code);
  return html`<section aria-labelledby="f-conformidad-h" class="card"><h2 id="f-conformidad-h">${t('Su conformidad')}</h2>
<form method="post" action="/propuestas/${p.id}/conformidad">${csrfField(ctx)}${onceField(state)}${formMessage(ctx, state)}
${choices(ctx, { name: 'position', form: 'conformidad', legend: 'Posición', type: 'radio', state, checked: state ? undefined : mine ? [mine.position] : [],
    options: ['aprueba', 'aprueba_con_observaciones', 'objeta', 'se_abstiene'].map((v) => [v, label(ctx.lang, v)]) })}
${field(ctx, { name: 'comment', form: 'conformidad', label: 'Comentario (obligatorio si observa u objeta)', textarea: 3, state })}
<button type="submit">${t('Registrar conformidad')}</button></form></section>`;
}

/** The proposal's documents, and the secretariat's form to attach one to it or to a version. */
function documentsOf(ctx: Ctx, d: ProposalPageData, state?: FormState): Html | string {
  const t = ctx.t;
  const p = d.proposal;
  const form = d.documents && ctx.user!.institution.kind === 'secretaria'
    ? html`<form method="post" action="/propuestas/${p.id}/documentos" enctype="multipart/form-data" class="card" aria-labelledby="f-documento-h"><h3 id="f-documento-h">${t('Adjuntar documento')}</h3>
${csrfField(ctx)}${formMessage(ctx, state)}
${select(ctx, { name: 'version', form: 'documento', label: 'Adjuntar a', state, options: [['', t('La propuesta')], ...[...p.versions].reverse().map((v): [string, string] => [String(v.number), `${t('Versión')} ${v.number}`])] })}
${fileField(ctx, { form: 'documento', label: 'Documento', state, required: true })}
<button type="submit">${t('Adjuntar')}</button></form>`
    : '';
  if (!d.attachments.length && !form) return '';
  return section(t('Documentos'), html`${attachmentList(ctx, d.attachments)}${form}`, 'documentos');
}

function inputForm(ctx: Ctx, p: ProposalAnswer, paragraphs: number, documents: boolean, state?: FormState): Html {
  const t = ctx.t;
  return html`<section aria-labelledby="f-aporte-h" class="card"><h2 id="f-aporte-h">${t('Enviar aporte')}</h2>
<form method="post" action="/propuestas/${p.id}/aportes"${documents ? html` enctype="multipart/form-data"` : ''}>${csrfField(ctx)}${onceField(state)}${formMessage(ctx, state)}
${select(ctx, { name: 'kind', form: 'aporte', label: 'Tipo de aporte', state, options: inputKinds.map((v) => [v, label(ctx.lang, v)]) })}
${field(ctx, { name: 'paragraph', form: 'aporte', label: 'Párrafo (obligatorio para un cambio)', type: 'number', state, attrs: html` min="1" max="${paragraphs}"` })}
${field(ctx, { name: 'text', form: 'aporte', label: 'Aporte', textarea: 4, required: true, state })}
${documents ? fileField(ctx, { form: 'aporte', label: 'Documento (opcional)', state }) : ''}
<button type="submit">${t('Enviar aporte')}</button></form></section>`;
}

function commentForm(ctx: Ctx, id: string, state?: FormState): Html {
  return html`<section aria-labelledby="f-comentario-h" class="card"><h2 id="f-comentario-h">${ctx.t('Comentar')}</h2>
<form method="post" action="/propuestas/${id}/comentarios">${csrfField(ctx)}${onceField(state)}${formMessage(ctx, state)}
${field(ctx, { name: 'text', form: 'comentario', label: 'Comentario', textarea: 3, required: true, state })}
<button type="submit">${ctx.t('Comentar')}</button></form></section>`;
}

function groupDecisionForm(ctx: Ctx, id: string, state?: FormState): Html {
  return html`<section aria-labelledby="f-decision-h" class="card"><h2 id="f-decision-h">${ctx.t('Decisión del grupo de trabajo')}</h2>
<form method="post" action="/propuestas/${id}/decision-grupo">${csrfField(ctx)}${onceField(state)}${formMessage(ctx, state)}
${select(ctx, { name: 'decision', form: 'grupo', label: 'Decisión', state, options: ['avanzar', 'devolver', 'rechazar'].map((v) => [v, label(ctx.lang, v)]) })}
${field(ctx, { name: 'reason', form: 'grupo', label: 'Motivo', textarea: 2, state })}
<button type="submit">${ctx.t('Registrar')}</button></form></section>`;
}

function answerForm(ctx: Ctx, id: string, inputId: string, state?: FormState): Html {
  const t = ctx.t;
  return html`<form method="post" action="/propuestas/${id}/aportes/${inputId}/respuesta" class="card" aria-label="${t('Responder aporte')}">${csrfField(ctx)}${onceField(state)}${formMessage(ctx, state)}
${select(ctx, { name: 'decision', form: `r-${inputId}`, label: 'Decisión', state, options: ['acogida', 'parcialmente_acogida', 'no_acogida'].map((v) => [v, label(ctx.lang, v)]) })}
${field(ctx, { name: 'reason', form: `r-${inputId}`, label: 'Motivo', textarea: 2, required: true, state })}
<button type="submit">${t('Responder')}</button></form>`;
}

function secretariatForms(ctx: Ctx, p: ProposalAnswer, text: string, forms: ProposalForms): Html {
  const t = ctx.t;
  return section(t('Acciones de la Secretaría Técnica'), html`<div class="actions">
${p.stage !== 'conformidad' ? html`<form method="post" action="/propuestas/${p.id}/avanzar">${csrfField(ctx)}${onceField(forms.avanzar)}${formMessage(ctx, forms.avanzar)}
<p class="meta">${t('Cierra la etapa actual y abre la siguiente.')}</p><button type="submit">${t('Avanzar etapa')}</button></form>` : ''}
${p.stage !== 'conformidad' ? html`<form method="post" action="/propuestas/${p.id}/versiones">${csrfField(ctx)}${onceField(forms.version)}${formMessage(ctx, forms.version)}
<h3>${t('Publicar nueva versión')}</h3>
${field(ctx, { name: 'text', form: 'version', label: 'Texto', textarea: 8, required: true, state: forms.version, value: forms.version ? undefined : text })}
${field(ctx, { name: 'changeSummary', form: 'version', label: 'Resumen de cambios', textarea: 2, required: true, state: forms.version })}
<button type="submit">${t('Publicar')}</button></form>` : ''}
${correctionForm(ctx, p, forms.correccion)}
<form method="post" action="/propuestas/${p.id}/retirar">${csrfField(ctx)}${onceField(forms.retirar)}${formMessage(ctx, forms.retirar)}
<h3>${t('Retirar propuesta')}</h3>
${field(ctx, { name: 'reason', form: 'retirar', label: 'Motivo', textarea: 2, required: true, state: forms.retirar })}
${confirmField(ctx, { form: 'retirar', label: 'Confirmo que la propuesta se retira: su proceso termina y no puede reabrirse.', state: forms.retirar })}
<button type="submit" class="danger">${t('Retirar propuesta')}</button></form>
</div>`, 'secretaria');
}

type Correction = NonNullable<ProposalAnswer['corrections']>[number];

/** A corrected value as people read it: labels for codes, lists joined. */
function correctedValue(ctx: Ctx, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? label(ctx.lang, v) : String(v))).join(', ') || '—';
  return typeof value === 'string' ? (value.length > 0 ? label(ctx.lang, value) : '—') : '—';
}

/** Every correction of the description: when, why, and each field before and after. */
function correctionsOf(ctx: Ctx, p: ProposalAnswer): Html | string {
  const { t, lang } = ctx;
  const corrections: Correction[] = p.corrections ?? [];
  if (corrections.length === 0) return '';
  return section(t('Datos corregidos'), html`<ul class="items">${corrections.map((c) => html`<li>
<p><strong>${eventLabel(`datos_corregidos:${c.fields.join(',')}`, lang)}</strong> · <span class="meta">${when(lang, c.at)}</span></p>
<p>${t('Motivo')}: ${c.reason}</p>
<div class="table-scroll"><table class="cards"><caption class="visually-hidden">${t('Datos corregidos')}</caption>
<thead><tr><th scope="col">${t('Dato')}</th><th scope="col">${t('Antes')}</th><th scope="col">${t('Después')}</th></tr></thead><tbody>
${c.fields.map((f) => html`<tr><th scope="row" data-label="${t('Dato')}">${correctableFieldWords[f as CorrectableField]?.[lang] ?? f}</th>
<td data-label="${t('Antes')}"><del>${correctedValue(ctx, (c.before as Record<string, unknown>)[f])}</del></td>
<td data-label="${t('Después')}"><ins>${correctedValue(ctx, (c.after as Record<string, unknown>)[f])}</ins></td></tr>`)}
</tbody></table></div></li>`)}</ul>`, 'correcciones');
}

/** The secretariat corrects how the proposal is described; the text changes only with a new version. */
function correctionForm(ctx: Ctx, p: ProposalAnswer, state?: FormState): Html {
  const { t, lang } = ctx;
  const values = state ?? { values: { title: p.title, summary: p.summary, objectives: p.objectives, populations: p.populations }, errors: {} };
  return html`<form method="post" action="/propuestas/${p.id}/correccion">${csrfField(ctx)}${onceField(state)}${formMessage(ctx, state)}
<h3>${t('Corregir datos de la propuesta')}</h3>
<p class="meta">${t('Corrige cómo se describe la propuesta, no lo que se decide: el texto cambia solo con una nueva versión. Queda en la auditoría con su motivo.')}</p>
${field(ctx, { name: 'title', form: 'correccion', label: 'Título', required: true, state: values })}
${field(ctx, { name: 'summary', form: 'correccion', label: 'Resumen', textarea: 3, required: true, state: values })}
${choices(ctx, { name: 'objectives', form: 'correccion', legend: 'Objetivos de la PNM', state: values, options: pnmObjectives.map((o) => [o, `${o} — ${pnmObjectiveWords[o][lang]}`]) })}
${choices(ctx, { name: 'populations', form: 'correccion', legend: 'Poblaciones', state: values, options: populations.map((x) => [x, label(lang, x)]) })}
${field(ctx, { name: 'reason', form: 'correccion', label: 'Motivo de la corrección', textarea: 2, required: true, state, value: state ? undefined : '' })}
<button type="submit">${t('Corregir datos')}</button></form>`;
}
