// Reports a person reads at a glance: horizontal bar charts drawn as SVG on the server (no
// script, no library), each with its numbers in a table and its CSV download beside it.
import type { Ctx } from '../context';
import { html, type Html } from '../html';
import { label } from '../i18n';
import { page, section } from '../layout';
import type { InstitutionsReport, PnmReport } from '../../schemas';

interface Bar { name: string; value: number; note?: string }

/** Bars with their values written out; the SVG is labelled, the table below is the accessible twin. */
export function barChart(title: string, bars: Bar[], unit = '', empty = 'Sin datos todavía.'): Html {
  if (bars.length === 0) return html`<p>${empty}</p>`;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const row = 26;
  const width = 640;
  const labelWidth = 150;
  const height = bars.length * row + 8;
  return html`<svg class="chart" role="img" aria-label="${title}" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">
${bars.map((b, i) => {
    const w = Math.round(((width - labelWidth - 70) * b.value) / max);
    const y = i * row + 4;
    return html`<text x="0" y="${y + 16}">${b.name}</text><rect x="${labelWidth}" y="${y + 3}" width="${w}" height="${row - 8}" fill="#0b4f9c"></rect><text x="${labelWidth + w + 6}" y="${y + 16}">${b.value}${unit}</text>`;
  })}
</svg>`;
}

const table = (ctx: Ctx, head: string[], rows: Array<Array<string | number>>) => html`<details><summary>${ctx.t('Ver los datos')}</summary><table><thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>
${rows.map((r) => html`<tr>${r.map((c, i) => (i === 0 ? html`<th scope="row">${c}</th>` : html`<td>${c}</td>`))}</tr>`)}</tbody></table></details>`;

export function reportsPage(ctx: Ctx, pnm: PnmReport, institutions: InstitutionsReport): Html {
  const t = ctx.t;
  const pipeline: Bar[] = pnm.pipeline.map((p) => ({ name: label(ctx.lang, p.stage), value: p.proposals }));
  const byObjective: Bar[] = pnm.objectives.map((o) => ({ name: o.key, value: o.tasksTotal }));
  const response: Bar[] = institutions.institutions.flatMap((i) => (i.averageHoursToAnswer === null ? [] : [{ name: i.institution, value: i.averageHoursToAnswer }]));
  const csv = (href: string) => html`<p><a href="${href}" download>${t('Descargar CSV')}</a></p>`;
  return page(ctx, t('Informes'), html`<h1>${t('Informes')}</h1>
${section(t('Propuestas en curso por etapa'), html`${barChart(t('Propuestas en curso por etapa'), pipeline)}${table(ctx, [t('Etapa'), t('Propuestas')], pipeline.map((b) => [b.name, b.value]))}${csv('/informes/propuestas-por-etapa.csv')}`, 'pipeline')}
${section(t('Tareas por objetivo de la PNM'), html`${barChart(t('Tareas por objetivo de la PNM'), byObjective)}${table(ctx, ['OE', t('Tareas'), t('Tareas vencidas')], pnm.objectives.map((o) => [o.key, o.tasksTotal, o.overdue]))}${csv('/informes/avance-pnm.csv')}`, 'objetivos')}
${section(t('Tiempo de respuesta por institución (horas promedio)'), html`${barChart(t('Tiempo de respuesta por institución (horas promedio)'), response, ' h', t('Sin datos todavía.'))}${table(ctx, [t('Institución'), t('Horas'), t('Conformidades tácitas'), t('Tareas vencidas')], institutions.institutions.map((i) => [i.institution, i.averageHoursToAnswer ?? '—', i.signoffsTacit ?? '—', i.overdue]))}${csv('/informes/instituciones.csv')}`, 'respuesta')}`);
}
