// The register of agreements: every adopted proposal by its number, with the date, the vote that
// adopted it, and its tasks with their progress. Printable as it is (the print stylesheet leaves
// out the navigation and the forms).
import type { Ctx } from '../context';
import { html, type Html } from '../html';
import { decisionReason, label, when } from '../i18n';
import { page } from '../layout';
import type { ProposalAnswer, TaskList } from '../../schemas';
import { agreementPdfLink } from './documents';

export function agreementsPage(ctx: Ctx, agreements: ProposalAnswer[], tasks: TaskList['items']): Html {
  const { t, lang } = ctx;
  const progress = (x: TaskList['items'][number]) => html`<li><a href="/tareas/${x.id}">${x.title}</a> · ${label(lang, x.status)} · <progress max="100" value="${x.percent}">${x.percent}%</progress> ${x.percent}%
<span class="${x.overdue ? 'late' : 'meta'}"> · ${x.overdue ? t('Plazo vencido') : t('Vence')}: ${when(lang, x.dueAt)}</span></li>`;
  return page(ctx, t('Registro de acuerdos'), html`<h1>${t('Registro de acuerdos')}</h1>
<p class="meta no-print">${t('Para imprimir o guardar en PDF, use la impresión del navegador: la página se imprime sin menús ni formularios.')}</p>
${agreements.length === 0 ? html`<p>${t('Aún no hay acuerdos.')}</p>` : html`<table class="register"><caption class="visually-hidden">${t('Registro de acuerdos')}</caption>
<thead><tr><th scope="col">${t('Número')}</th><th scope="col">${t('Fecha')}</th><th scope="col">${t('Propuesta')}</th><th scope="col">${t('Votación')}</th><th scope="col">${t('Tareas y avance')}</th></tr></thead><tbody>
${agreements.map((a) => {
    const own = tasks.filter((x) => x.proposalId === a.id);
    return html`<tr><th scope="row">${a.number}<br>${agreementPdfLink(ctx, a)}</th><td data-label="${t('Fecha')}">${when(lang, a.decision?.at ?? a.updatedAt)}</td>
<td data-label="${t('Propuesta')}"><a href="/propuestas/${a.id}">${a.title}</a></td>
<td data-label="${t('Votación')}">${a.decision ? decisionReason(lang, a.decision.reason) : '—'}</td>
<td data-label="${t('Tareas y avance')}">${own.length ? html`<ul class="items">${own.map(progress)}</ul>` : t('Sin tareas.')}</td></tr>`;
  })}
</tbody></table>`}`);
}
