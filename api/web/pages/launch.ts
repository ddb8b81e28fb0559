// The launch form of the secretariat: the fields of POST /api/v1/proposals, with their defaults.
import { deadlineUnits, isCalendarDays, isWorkingDays, type DeadlineExpression } from '../../../domain/calendar';
import { deadlineUnitWords, pnmObjectiveWords } from '../../../domain/catalogue';
import { launchDefaults } from '../../../domain/proposal';
import { decisionRules, pnmObjectives, populations, processStages, silencePolicies } from '../../../domain/vocabulary';
import type { Ctx } from '../context';
import { actionRows, many } from '../form-checks';
import { html, type Html } from '../html';
import { label } from '../i18n';
import { choices, confirmField, csrfField, field, formMessage, onceField, page, select, type FormState } from '../layout';

/**
 * A deadline as people give it: a number of working or calendar days, or a date
 * (docs/domain.md#calendario-y-plazos). An ISO 8601 duration typed as the number (PT30S) is sent as
 * it is, for demos. The route turns the three fields into the API's expression (deadlineFromForm).
 */
function deadlineFields(ctx: Ctx, name: string, legend: string, initial: DeadlineExpression, state?: FormState): Html {
  const fresh = state === undefined;
  const amount = isWorkingDays(initial) ? initial.workingDays : isCalendarDays(initial) ? initial.days : '';
  const unit = isCalendarDays(initial) ? 'days' : 'workingDays';
  const unitState = fresh ? { values: { [`${name}_unit`]: unit }, errors: {} } : state;
  return html`<div class="deadline">
${field(ctx, { name, label: legend, state, value: fresh ? String(amount) : undefined, attrs: html` inputmode="numeric"`, hint: 'Un número de días; o deje la fecha abajo.' })}
${select(ctx, { name: `${name}_unit`, label: `${ctx.t('Unidad')} — ${legend}`, state: unitState, options: deadlineUnits.map((u): [string, string] => [u, deadlineUnitWords[u][ctx.lang]]) })}
${field(ctx, { name: `${name}_until`, label: `${ctx.t('O hasta la fecha')} — ${legend}`, type: 'date', state })}
</div>`;
}

/** A draft being edited: its id, and its discard form if it was refused. */
export interface DraftForm { id: string; discard?: FormState }

/**
 * The launch form: new (launch at once, or save as a draft) or a draft's (save, preview, launch).
 * Both send the same fields; the button pressed (`intent`) says what to do with them.
 */
export function launchPage(ctx: Ctx, groups: Array<{ code: string; name: string }>, members: Array<{ code: string; name: string }>, state?: FormState, draft?: DraftForm, done?: string): Html {
  const t = ctx.t;
  const checkedStages = state ? undefined : ['grupo_de_trabajo', 'consulta', 'conformidad'];
  const v = state?.values ?? {};
  const title = draft ? t('Borrador de propuesta') : t('Nueva propuesta');
  // A draft may be incomplete: saving and previewing skip the browser's required-field checks.
  const buttons = draft
    ? html`<div class="buttons"><button type="submit" name="intent" value="guardar" formnovalidate>${t('Guardar cambios')}</button>
<button type="submit" name="intent" value="vista" class="secondary" formnovalidate>${t('Vista previa')}</button>
<button type="submit" name="intent" value="lanzar">${t('Lanzar propuesta')}</button></div>`
    : html`<div class="buttons"><button type="submit" name="intent" value="lanzar">${t('Lanzar propuesta')}</button>
<button type="submit" name="intent" value="borrador" class="secondary" formnovalidate>${t('Guardar borrador')}</button></div>
<p class="hint">${t('Un borrador guarda lo que tenga hasta ahora, aunque esté incompleto; se revisa y se lanza después.')}</p>`;
  return page(ctx, title, html`<h1>${title}</h1>
${draft ? html`<p><a href="/propuestas/borradores">${t('Todos los borradores')}</a> · <a href="/propuestas/borradores/${draft.id}/vista-previa">${t('Vista previa')}</a></p>` : html`<p><a href="/propuestas/borradores">${t('Borradores guardados')}</a></p>`}
<form method="post" action="${draft ? `/propuestas/borradores/${draft.id}` : '/propuestas/nueva'}" class="card">${csrfField(ctx)}${onceField(state)}${formMessage(ctx, state)}
${field(ctx, { name: 'title', label: 'Título', required: true, state })}
${field(ctx, { name: 'summary', label: 'Resumen', textarea: 3, required: true, state })}
${field(ctx, { name: 'text', label: 'Texto', textarea: 10, required: true, state, hint: 'Párrafos separados por una línea en blanco; se numeran en ese orden.' })}
${choices(ctx, { name: 'objectives', legend: 'Objetivos de la PNM', state, options: pnmObjectives.map((o) => [o, `${o} — ${pnmObjectiveWords[o][ctx.lang]}`]) })}
${choices(ctx, { name: 'populations', legend: 'Poblaciones', state, options: populations.map((p) => [p, label(ctx.lang, p)]) })}
${select(ctx, { name: 'leadWorkingGroup', label: 'Grupo de trabajo líder', state, options: groups.map((g) => [g.code, `${g.code} — ${g.name}`]) })}
${choices(ctx, { name: 'stages', legend: 'Etapas', state, checked: checkedStages, options: processStages.filter((s) => s !== 'revision').map((s) => [s, label(ctx.lang, s)]) })}
<fieldset><legend>${t('Plazos')}</legend>
${(['grupo_de_trabajo', 'consulta', 'conformidad'] as const).map((s) => deadlineFields(ctx, `deadline_${s}`, `${t('Plazo')}: ${label(ctx.lang, s)}`, launchDefaults.deadlines[s], state))}
</fieldset>
${select(ctx, { name: 'decisionRule', label: 'Regla de decisión', state, options: decisionRules.map((r) => [r, label(ctx.lang, r)]) })}
${select(ctx, { name: 'silencePolicy', label: 'Política de silencio', state, options: silencePolicies.map((r) => [r, label(ctx.lang, r)]) })}
${choices(ctx, { name: 'decisionInSession', legend: 'Decisión en sesión', state, options: [['si', t('Se decide en sesión plenaria')]],
    hint: 'Sin ronda escrita de conformidad: en esa etapa espera que la Secretaría Técnica la incluya en la agenda de una sesión.' })}
<fieldset class="actions-planned"><legend>${t('Acciones previstas (opcionales)')}</legend>
<p class="hint">${t('Cada acción será una tarea al adoptarse el acuerdo. Deje vacías las que no necesite; si completa una, indique todas sus partes.')}</p>
${Array.from({ length: actionRows }, (_, i) => i + 1).map((n) => {
    const row = html`<fieldset class="action"><legend>${t('Acción')} ${n}</legend>
${field(ctx, { name: `action${n}_title`, label: 'Nombre de la acción', state })}
${choices(ctx, { name: `action${n}_responsible`, legend: 'Instituciones responsables', state, columns: true,
    options: members.map((m) => [m.code, `${m.name} (${m.code})`]) })}
${deadlineFields(ctx, `action${n}_dueIn`, t('Plazo de la acción'), { days: 90 }, state)}
${field(ctx, { name: `action${n}_deliverable`, label: 'Entregable', state })}
</fieldset>`;
    // The first action is shown; the others open on request, or by themselves once they hold something.
    const used = ['title', 'responsible', 'deliverable'].some((part) => many(v[`action${n}_${part}`]).length > 0);
    return n === 1 ? row : html`<details class="action"${used ? html` open` : ''}><summary>${t('Agregar otra acción')} (${n})</summary>${row}</details>`;
  })}
</fieldset>
${buttons}
</form>${draft ? discardForm(ctx, draft) : ''}`, done);
}

/** Discarding a draft: confirmed first, since it cannot be undone. */
function discardForm(ctx: Ctx, draft: DraftForm): Html {
  return html`<form method="post" action="/propuestas/borradores/${draft.id}/descartar" class="card">${csrfField(ctx)}
<h2 id="f-descartar-h">${ctx.t('Descartar el borrador')}</h2>
${confirmField(ctx, { form: 'descartar', label: 'Confirmo que el borrador se descarta: no podrá lanzarse.', state: draft.discard })}
<button type="submit" class="danger">${ctx.t('Descartar borrador')}</button></form>`;
}
