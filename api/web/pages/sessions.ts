// Plenary sessions (docs/domain.md#sesiones): the calendar of sessions with the convocation form,
// the session page used during the meeting (it must work on a phone), and the register of actas.
import type { Ctx } from '../context';
import { html, type Html } from '../html';
import { label, when } from '../i18n';
import { choices, csrfField, field, formMessage, onceField, page, section, select, type FormState } from '../layout';
import type { ActaRegisterAnswer, SessionAnswer, SessionListAnswer } from '../../session-schemas';
import { fileFieldName } from './documents';

export type SessionForms = Partial<Record<'convocar' | 'confirmar' | 'abrir' | 'posicion' | 'cerrar-punto' | 'diferir' | 'cerrar' | 'observar' | 'conformidad' | 'aprobar', FormState>>;

/** A proposal the convocation form may put on the agenda. */
export interface AgendaCandidate { id: string; title: string }

const form = (ctx: Ctx, id: string, name: keyof SessionForms, forms: SessionForms, heading: string, body: Html | string, button: string) => html`<section class="card" aria-labelledby="s-${name}-h"><h2 id="s-${name}-h">${ctx.t(heading)}</h2>
<form method="post" action="/sesiones/${id}/${name}">${csrfField(ctx)}${onceField(forms[name])}${formMessage(ctx, forms[name])}${body}<button type="submit">${ctx.t(button)}</button></form></section>`;

export function sessionsPage(ctx: Ctx, sessions: SessionListAnswer['items'], candidates: AgendaCandidate[], forms: SessionForms = {}, done?: string): Html {
  const t = ctx.t;
  const state = forms.convocar;
  const convene = ctx.user!.institution.kind === 'secretaria' ? html`<section class="card" aria-labelledby="s-convocar-h"><h2 id="s-convocar-h">${t('Convocar sesión')}</h2>
<form method="post" action="/sesiones">${csrfField(ctx)}${onceField(state)}${formMessage(ctx, state)}
${select(ctx, { name: 'kind', form: 'convocar', label: 'Tipo de sesión', state, options: [['ordinaria', label(ctx.lang, 'ordinaria')], ['extraordinaria', label(ctx.lang, 'extraordinaria')]] })}
${field(ctx, { name: 'startsAt', form: 'convocar', label: 'Fecha y hora (Lima)', type: 'datetime-local', required: true, state })}
${field(ctx, { name: 'place', form: 'convocar', label: 'Lugar', state })}
${field(ctx, { name: 'videoUrl', form: 'convocar', label: 'Enlace de la videollamada (opcional)', type: 'url', state })}
${candidates.length ? choices(ctx, { name: 'proposals', form: 'convocar', legend: 'Propuestas por decidir en sesión', state, options: candidates.map((c) => [c.id, c.title]) }) : ''}
${field(ctx, { name: 'others', form: 'convocar', label: 'Otros puntos (uno por línea)', textarea: 3, state })}
<button type="submit">${t('Convocar')}</button></form></section>` : '';
  return page(ctx, t('Sesiones'), html`<h1>${t('Sesiones')}</h1>
<p><a href="/actas">${t('Registro de actas')}</a></p>
${section(t('Calendario de sesiones'), sessions.length === 0 ? html`<p>${t('Sin sesiones.')}</p>` : html`<ul class="items">${sessions.map((s) => html`<li><a href="/sesiones/${s.id}">${label(ctx.lang, s.kind)} · ${when(ctx.lang, s.startsAt)}</a>
<div class="meta"><span class="badge">${label(ctx.lang, s.status)}</span> · ${s.place ?? ''} · ${s.items} ${t('puntos')}</div></li>`)}</ul>`, 'calendario-sesiones')}
${convene}`, done);
}

const quorumText = (ctx: Ctx, s: SessionAnswer) => html`<p class="${s.quorum.met ? 'done' : 'late'}" id="quorum"><strong>${ctx.t('Quórum')}:</strong> ${s.quorum.present} ${ctx.t('presentes')}, ${ctx.t('se requieren')} ${s.quorum.required} · ${s.quorum.met ? ctx.t('Con quórum') : ctx.t('Sin quórum')}${s.quorum.call === 2 ? html` · ${ctx.t('Segunda convocatoria')}` : ''}</p>`;

function agendaList(ctx: Ctx, s: SessionAnswer): Html {
  const t = ctx.t;
  return html`<ol class="items">${s.agenda.map((i) => html`<li id="punto-${i.n}"><strong>${i.proposalId ? html`<a href="/propuestas/${i.proposalId}">${i.title}</a>` : i.title}</strong>
<div class="meta">${label(ctx.lang, i.kind)} · <span class="badge">${label(ctx.lang, i.status)}</span>${i.outcome ? html` · <strong>${label(ctx.lang, i.outcome)}</strong>` : ''}${i.number ? html` · ${i.number}` : ''}</div>
${i.counts ? html`<p class="meta">${label(ctx.lang, 'aprueba')}: ${i.counts.aprueba} · ${label(ctx.lang, 'aprueba_con_observaciones')}: ${i.counts.aprueba_con_observaciones} · ${label(ctx.lang, 'objeta')}: ${i.counts.objeta} · ${label(ctx.lang, 'se_abstiene')}: ${i.counts.se_abstiene} · ${t('Ausentes')}: ${i.absent.length}</p>` : ''}
${i.status === 'pendiente' && i.positions.length ? html`<p class="meta">${t('Posiciones')} (${i.positions.length}/${s.present.filter((p) => s.members.includes(p)).length}): ${i.positions.map((p, k) => html`${k ? ' · ' : ''}${p.institution}: ${label(ctx.lang, p.position)}${p.onBehalf ? '*' : ''}`)}</p>
${i.positions.some((p) => p.onBehalf) ? html`<p class="meta">* ${t('registrada por la Secretaría Técnica')}</p>` : ''}` : ''}
${i.summary ? html`<p>${i.summary}</p>` : ''}${i.reason ? html`<p>${t('Motivo')}: ${i.reason}</p>` : ''}</li>`)}</ol>`;
}

export function sessionPage(ctx: Ctx, s: SessionAnswer, forms: SessionForms = {}, done?: string): Html {
  const t = ctx.t;
  const code = ctx.user!.institution.code;
  const secretariat = ctx.user!.institution.kind === 'secretaria';
  const current = s.status === 'en_curso' ? s.agenda.find((i) => i.status === 'pendiente') : undefined;
  const actions: Html[] = [];
  const positionOptions: Array<[string, string]> = ['aprueba', 'aprueba_con_observaciones', 'objeta', 'se_abstiene'].map((p) => [p, label(ctx.lang, p)]);

  if (s.status === 'convocada' && s.invited.includes(code)) {
    actions.push(form(ctx, s.id, 'confirmar', forms, 'Confirmar asistencia', html`
${choices(ctx, { name: 'attends', form: 'confirmar', legend: '¿Asiste su institución?', type: 'radio', state: forms.confirmar, options: [['true', t('Asistirá')], ['false', t('No asistirá')]] })}
${field(ctx, { name: 'name', form: 'confirmar', label: 'Representante (opcional; por defecto, el titular)', state: forms.confirmar })}
${field(ctx, { name: 'email', form: 'confirmar', label: 'Correo del representante', type: 'email', state: forms.confirmar })}`, 'Confirmar'));
  }
  if (secretariat && s.status === 'convocada') {
    const confirmed = s.confirmations.filter((c) => c.attends).map((c) => c.institution);
    actions.push(form(ctx, s.id, 'abrir', forms, 'Abrir la sesión', choices(ctx, { name: 'present', form: 'abrir', legend: 'Miembros presentes', state: forms.abrir,
      checked: forms.abrir ? undefined : confirmed.filter((c) => s.members.includes(c)), options: s.members.map((m) => [m, m]) }), 'Abrir la sesión'));
  }
  if (current && current.kind === 'propuesta' && (secretariat || s.present.includes(code))) {
    actions.push(form(ctx, s.id, 'posicion', forms, `${t('Posición sobre el punto')} ${current.n}`, html`
<input type="hidden" name="n" value="${current.n}">
${secretariat ? select(ctx, { name: 'institution', form: 'posicion', label: 'Miembro presente', state: forms.posicion, options: s.present.filter((p) => s.members.includes(p)).map((p) => [p, p]) }) : ''}
${choices(ctx, { name: 'position', form: 'posicion', legend: 'Posición', type: 'radio', state: forms.posicion, options: positionOptions })}
${field(ctx, { name: 'comment', form: 'posicion', label: 'Comentario (obligatorio si observa u objeta)', textarea: 2, state: forms.posicion })}`, 'Registrar posición'));
  }
  if (current && secretariat) {
    actions.push(form(ctx, s.id, 'cerrar-punto', forms, `${t('Cerrar el punto')} ${current.n}`, html`<input type="hidden" name="n" value="${current.n}">
${field(ctx, { name: 'summary', form: 'cerrar-punto', label: 'Resumen de la deliberación', textarea: 3, required: true, state: forms['cerrar-punto'] })}`, 'Cerrar el punto'));
    actions.push(form(ctx, s.id, 'diferir', forms, `${t('Diferir el punto')} ${current.n}`, html`<input type="hidden" name="n" value="${current.n}">
${field(ctx, { name: 'reason', form: 'diferir', label: 'Motivo', textarea: 2, required: true, state: forms.diferir })}`, 'Diferir'));
  }
  if (secretariat && s.status === 'en_curso' && !current) {
    actions.push(form(ctx, s.id, 'cerrar', forms, 'Cerrar la sesión', field(ctx, { name: 'days', form: 'cerrar', label: 'Plazo de observaciones al acta (días)', type: 'number', required: true, value: forms.cerrar ? undefined : '5', state: forms.cerrar, attrs: html` min="1" max="365"` }), 'Cerrar la sesión'));
  }
  const acta = s.acta;
  if (acta && acta.status === 'en_observacion' && s.present.includes(code) && !secretariat) {
    actions.push(form(ctx, s.id, 'observar', forms, 'Observar el acta', field(ctx, { name: 'text', form: 'observar', label: 'Observación', textarea: 3, required: true, state: forms.observar }), 'Enviar observación'));
    actions.push(form(ctx, s.id, 'conformidad', forms, 'Conformidad con el acta', '', 'Dar conformidad'));
  }
  if (acta && acta.status === 'en_observacion' && secretariat) {
    actions.push(form(ctx, s.id, 'aprobar', forms, 'Aprobar el acta', html`<p class="meta">${t('Vence')}: ${when(ctx.lang, acta.deadline)}</p>`, 'Aprobar el acta'));
  }

  const title = t(s.kind === 'ordinaria' ? 'Sesión ordinaria' : 'Sesión extraordinaria');
  return page(ctx, title, html`<h1>${title}</h1>
<p class="meta">${when(ctx.lang, s.startsAt)} · <span class="badge">${label(ctx.lang, s.status)}</span>${s.place ? html` · ${s.place}` : ''}${s.videoUrl && /^https?:\/\//i.test(s.videoUrl) ? html` · <a href="${s.videoUrl}" rel="noopener noreferrer">${t('Videollamada')}</a>` : ''}</p>
${quorumText(ctx, s)}
${actions.length ? html`<div class="actions">${actions}</div>` : ''}
${section(t('Agenda'), agendaList(ctx, s), 'agenda')}
${section(t('Asistencia'), html`<ul class="items">${s.invited.map((i) => {
    const c = s.confirmations.find((x) => x.institution === i);
    const confirmation = c ? html`${c.attends ? t('Asistirá') : t('No asistirá')}${c.representative ? html` (${c.representative.name})` : ''}` : t('Sin confirmar');
    return html`<li><strong>${i}</strong> · ${confirmation}${s.openedAt ? html` · <strong>${s.present.includes(i) ? t('Presente') : t('Ausente')}</strong>` : ''}</li>`;
  })}</ul>`, 'asistencia')}
${acta ? section(t('Acta'), html`<p><span class="badge">${label(ctx.lang, acta.status)}</span> · ${t('Versión')} ${acta.version} · ${t('Plazo de observaciones')}: ${when(ctx.lang, acta.deadline)}</p>
${acta.sha256 ? html`<p><a href="/sesiones/${s.id}/acta.pdf">${t('Acta firmada (PDF)')}</a> · <span class="meta">SHA-256 <code class="hash">${acta.sha256}</code></span></p>` : ''}
<pre class="acta">${acta.text}</pre>
${acta.observations.length ? html`<h3>${t('Observaciones')}</h3><ul class="items">${acta.observations.map((o) => html`<li><strong>${o.institution}</strong> · <span class="meta">${when(ctx.lang, o.at)}</span><p>${o.text}</p></li>`)}</ul>` : ''}`, 'acta') : ''}`, done);
}

/** What the verification form found: the file's SHA-256 against the signed original of a session's acta. */
export interface ActaCheck { sessionId: string; sha256: string }

/** How an acta was approved, in words: who agreed, who observed, whose silence counted as approval. */
function approvalText(ctx: Ctx, a: ActaRegisterAnswer['items'][number]['approval']): Html {
  const t = ctx.t;
  const part = (label: string, codes: string[]) => (codes.length ? html`<div>${t(label)}: ${codes.join(', ')}</div>` : '');
  return html`${a.bySilence ? html`<strong>${t('Aprobada por silencio')}</strong>` : html`<strong>${t('Aprobada expresamente')}</strong>`}
${part('Conformidad', a.conforme)}${part('Con observaciones', a.observaciones)}${part('Silencio (aprobación)', a.silencio)}`;
}

/** The register of actas, and a form where anyone checks whether a PDF is a signed original. */
export function actasPage(ctx: Ctx, actas: ActaRegisterAnswer['items'], state?: FormState, check?: ActaCheck): Html {
  const t = ctx.t;
  const signed = actas.filter((a) => a.sha256);
  const checked = check ? signed.find((a) => a.sessionId === check.sessionId) : undefined;
  const verdict = checked && check ? (checked.sha256 === check.sha256
    ? html`<p class="done" role="status" id="verificacion">${t('El archivo es el acta firmada original: idéntico byte a byte.')} <span class="meta">SHA-256 <code class="hash">${check.sha256}</code></span></p>`
    : html`<p class="late" role="status" id="verificacion">${t('El archivo NO es el acta firmada original: su contenido difiere (SHA-256 distinto).')} <span class="meta">SHA-256 <code class="hash">${check.sha256}</code></span></p>`) : '';
  const verify = signed.length ? html`<section class="card" aria-labelledby="verificar-h"><h2 id="verificar-h">${t('Verificar un acta')}</h2>
<p>${t('Suba un archivo PDF para saber si es el acta firmada original de una sesión.')}</p>
${verdict}
<form method="post" action="/actas/verificar" enctype="multipart/form-data">${csrfField(ctx)}${formMessage(ctx, state)}
${select(ctx, { name: 'session', form: 'verificar', label: 'Sesión', state, options: signed.map((a) => [a.sessionId, `${label(ctx.lang, a.kind)} · ${when(ctx.lang, a.startsAt)}`]) })}
${field(ctx, { name: fileFieldName, form: 'verificar', label: 'Archivo PDF del acta', type: 'file', required: true, state, value: '', attrs: html` accept="application/pdf,.pdf"` })}
<button type="submit">${t('Verificar')}</button></form></section>` : '';
  return page(ctx, t('Registro de actas'), html`<h1>${t('Registro de actas')}</h1>
${actas.length === 0 ? html`<p>${t('Aún no hay actas aprobadas.')}</p>` : html`<table><thead><tr><th scope="col">${t('Fecha')}</th><th scope="col">${t('Tipo de sesión')}</th><th scope="col">${t('Aprobada')}</th><th scope="col">${t('Cómo se aprobó')}</th><th scope="col">SHA-256</th><th scope="col">${t('Acta')}</th></tr></thead><tbody>
${actas.map((a) => html`<tr><td>${when(ctx.lang, a.startsAt)}</td><td>${label(ctx.lang, a.kind)}</td><td>${when(ctx.lang, a.approvedAt)}</td><td>${approvalText(ctx, a.approval)}</td><td>${a.sha256 ? html`<code class="hash">${a.sha256}</code>` : t('En firma')}</td><td>${a.sha256 ? html`<a href="/sesiones/${a.sessionId}/acta.pdf">PDF</a> · ` : ''}<a href="/sesiones/${a.sessionId}">${t('Sesión')}</a></td></tr>`)}
</tbody></table>`}
${verify}`);
}
