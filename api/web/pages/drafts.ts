// The secretariat's drafts of proposals: the list, a launched draft (read-only, pointing at its
// proposal), and the preview of the proposal a draft would be.
import type { Ctx } from '../context';
import { html, type Html } from '../html';
import { label, when } from '../i18n';
import { csrfField, page, section } from '../layout';
import { numberedText } from '../text';
import type { DraftAnswer, DraftListAnswer, DraftPreviewAnswer, GroupAnswer, InstitutionAnswer } from '../../schemas';
import { factsOf, plannedActions } from './proposal';

export function draftListPage(ctx: Ctx, drafts: DraftListAnswer['items'], done?: string): Html {
  const { t, lang } = ctx;
  return page(ctx, t('Borradores de propuesta'), html`<h1>${t('Borradores de propuesta')}</h1>
<p><a class="button" href="/propuestas/nueva">${t('Nueva propuesta')}</a></p>
${drafts.length === 0 ? html`<p>${t('No hay borradores.')}</p>` : html`<ul class="items">${drafts.map((d) => html`<li>
<a href="/propuestas/borradores/${d.id}">${d.title ?? t('(sin título)')}</a>
<span class="badge">${d.status === 'borrador' ? (d.ready ? t('Listo para lanzar') : t('Incompleto')) : t('Lanzándose')}</span>
<span class="meta"> · ${t('Modificado')}: ${when(lang, d.updatedAt)}</span></li>`)}</ul>`}
<p class="meta">${t('Los borradores solo los ve la Secretaría Técnica.')}</p>`, done);
}

/** A launched (or discarded) draft: nothing to edit; where its proposal is. */
export function closedDraftPage(ctx: Ctx, d: DraftAnswer): Html {
  const t = ctx.t;
  const title = d.content.title ?? t('(sin título)');
  return page(ctx, title, html`<h1>${title}</h1>
<p><span class="badge">${d.status === 'descartado' ? t('Descartado') : t('Lanzado')}</span>${d.launchedAt ? html` <span class="meta">${when(ctx.lang, d.launchedAt)}</span>` : ''}</p>
${d.proposalId ? html`<p>${t('Este borrador ya se lanzó y no se edita: las correcciones de datos se hacen en la propuesta.')}</p>
<p><a class="button" href="/propuestas/${d.proposalId}">${t('Ver la propuesta')}</a></p>` : html`<p>${t('Este borrador fue descartado.')}</p>`}
<p><a href="/propuestas/borradores">${t('Todos los borradores')}</a></p>`);
}

export interface PreviewData {
  draft: DraftAnswer;
  preview: DraftPreviewAnswer;
  groups: GroupAnswer[];
  institutions: InstitutionAnswer[];
  /** What launching would still refuse, each sentence naming its field by its label. */
  problems: string[];
}

/** The proposal page as the draft would make it: text, groups, objectives, actions, and its dates. */
export function draftPreviewPage(ctx: Ctx, d: PreviewData): Html {
  const { t, lang } = ctx;
  const plan = d.preview.plan as Record<string, unknown>;
  const text = typeof plan.title === 'string' ? plan.title : t('(sin título)');
  const facts = {
    proposal: {
      leadWorkingGroup: typeof plan.leadWorkingGroup === 'string' ? plan.leadWorkingGroup : '—',
      workingGroups: (plan.workingGroups as string[] | undefined) ?? [], objectives: (plan.objectives as string[] | undefined) ?? [],
      populations: (plan.populations as string[] | undefined) ?? [], rules: plan, actions: (plan.actions as object[] | undefined) ?? [],
    },
    groups: d.groups, institutions: d.institutions,
  };
  const id = d.draft.id;
  const stages = html`<div class="table-scroll"><table class="cards"><caption class="visually-hidden">${t('Plazos')}</caption>
<thead><tr><th scope="col">${t('Etapa')}</th><th scope="col">${t('Se abriría')}</th><th scope="col">${t('Vencería')}</th></tr></thead><tbody>
${d.preview.stages.map((s) => html`<tr><th scope="row" data-label="${t('Etapa')}">${label(lang, s.stage)}</th><td data-label="${t('Se abriría')}">${when(lang, s.opensAt)}</td>
<td data-label="${t('Vencería')}">${s.dueAt ? when(lang, s.dueAt) : '—'}</td></tr>`)}
</tbody></table></div>
<p class="meta">${t('Si se lanzara ahora y cada etapa usara todo su plazo; las acciones vencerían contadas desde el cierre de la última etapa.')}</p>`;
  return page(ctx, `${t('Vista previa')}: ${text}`, html`<p class="notice" role="status">${t('Vista previa: así se verá la propuesta al lanzarse. Aún no se ha lanzado.')}</p>
<h1>${text}</h1>
<p>${typeof plan.summary === 'string' ? plan.summary : '—'}</p>
${factsOf(ctx, facts)}
${d.problems.length ? section(t('Antes de lanzar, complete o corrija'), html`<ul class="error">${d.problems.map((p) => html`<li>${p}</li>`)}</ul>`, 'pendientes') : ''}
<div class="buttons"><a class="button secondary" href="/propuestas/borradores/${id}">${t('Editar el borrador')}</a>
${d.problems.length === 0 && d.draft.status === 'borrador' ? html`<form method="post" action="/propuestas/borradores/${id}/lanzar">${csrfField(ctx)}<button type="submit">${t('Lanzar propuesta')}</button></form>` : ''}</div>
${section(t('Plazos'), stages, 'plazos')}
${section(t('Texto'), typeof plan.text === 'string' ? numberedText(plan.text) : html`<p>—</p>`, 'texto')}
${section(t('Acciones previstas'), plannedActions(ctx, facts, d.preview.actionsDueAt), 'acciones')}`);
}
