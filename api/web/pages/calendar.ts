// The calendar of working days: the year's non-working days for everyone; for the secretariat,
// the forms to add, correct and remove decreed days (with their decree) and to import an
// iCalendar file (docs/domain.md#calendario-y-plazos).
import { longDate, nonWorkingDayKinds } from '../../../domain/calendar';
import type { NonWorkingDayAnswer } from '../../schemas';
import type { Ctx } from '../context';
import { html, type Html } from '../html';
import { label } from '../i18n';
import { csrfField, field, formMessage, onceField, page, select, type FormState } from '../layout';

export interface CalendarForms { agregar?: FormState; importar?: FormState; editar?: FormState & { date: string } }

export function calendarPage(ctx: Ctx, year: number, days: NonWorkingDayAnswer[], forms: CalendarForms = {}, done?: string): Html {
  const t = ctx.t;
  const secretariat = ctx.user?.institution.kind === 'secretaria';
  const kinds = nonWorkingDayKinds.map((k): [string, string] => [k, label(ctx.lang, k)]);
  const row = (d: NonWorkingDayAnswer) => {
    const editing = forms.editar?.date === d.date ? forms.editar : undefined;
    return html`<tr><th scope="row">${longDate(d.date, ctx.lang)}</th><td>${d.reason}</td><td>${label(ctx.lang, d.kind)}</td><td>${d.fixed ? t('Por ley') : d.reference ?? '—'}</td>
<td>${secretariat && !d.fixed ? html`<details${editing ? html` open` : ''}><summary>${t('Corregir')}</summary>
<form method="post" action="/calendario/${d.date}/editar">${csrfField(ctx)}${formMessage(ctx, editing)}
${field(ctx, { name: 'reason', form: `e${d.date}`, label: 'Motivo', required: true, state: editing, value: editing ? undefined : d.reason })}
${field(ctx, { name: 'reference', form: `e${d.date}`, label: 'Norma que lo declara', state: editing, value: editing ? undefined : d.reference ?? '' })}
<button type="submit">${t('Guardar')}</button></form>
<form method="post" action="/calendario/${d.date}/quitar">${csrfField(ctx)}<button type="submit" class="link">${t('Quitar')}</button></form></details>` : ''}</td></tr>`;
  };
  return page(ctx, t('Calendario de días hábiles'), html`<h1>${t('Calendario de días hábiles')} ${year}</h1>
<p>${t('Los plazos en días hábiles no cuentan los sábados, los domingos, los feriados nacionales ni los días no laborables declarados para el sector público. Vencen al cierre del día hábil, hora de Lima.')}</p>
<p><a href="/calendario?anio=${year - 1}">${year - 1}</a> · <a href="/calendario?anio=${year + 1}">${year + 1}</a></p>
<table><thead><tr><th scope="col">${t('Fecha')}</th><th scope="col">${t('Motivo')}</th><th scope="col">${t('Clase')}</th><th scope="col">${t('Norma')}</th><th scope="col"></th></tr></thead>
<tbody>${days.map(row)}</tbody></table>
${secretariat ? html`<h2>${t('Agregar un día no laborable')}</h2>
<form method="post" action="/calendario" class="card">${csrfField(ctx)}${onceField(forms.agregar)}${formMessage(ctx, forms.agregar)}
${field(ctx, { name: 'date', form: 'agregar', label: 'Fecha', type: 'date', required: true, state: forms.agregar })}
${field(ctx, { name: 'reason', form: 'agregar', label: 'Motivo', required: true, state: forms.agregar })}
${field(ctx, { name: 'reference', form: 'agregar', label: 'Norma que lo declara', state: forms.agregar, hint: 'P. ej. D.S. N.° 123-2026-PCM.' })}
${select(ctx, { name: 'kind', form: 'agregar', label: 'Clase', options: [...kinds].reverse(), state: forms.agregar })}
<p class="hint">${t('Los plazos abiertos que incluyen ese día se mueven un día hábil y se avisa a los interesados.')}</p>
<button type="submit">${t('Agregar')}</button></form>
<h2>${t('Importar un archivo iCalendar (.ics)')}</h2>
<form method="post" action="/calendario/importar" class="card">${csrfField(ctx)}${onceField(forms.importar)}${formMessage(ctx, forms.importar)}
${field(ctx, { name: 'ics', form: 'importar', label: 'Contenido del archivo .ics', textarea: 8, required: true, state: forms.importar, hint: 'Abra el archivo con un editor de texto y pegue aquí su contenido. Cada evento es un día no laborable; su título, el motivo.' })}
${field(ctx, { name: 'reference', form: 'importar', label: 'Norma que lo declara', state: forms.importar })}
<button type="submit">${t('Importar')}</button></form>` : ''}`, done);
}
