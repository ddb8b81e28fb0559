// The institution's page of settings: who receives its notices, how this person receives them
// (one email per notice or a daily digest), the address of its calendar feed, and what was
// recently delivered to it; the secretariat also sees every delivery that failed.
import { deliveryChannelWords, kindTitle } from '../../../domain/catalogue';
import { notificationModes } from '../../../domain/notices';
import type { Ctx } from '../context';
import { html, type Html } from '../html';
import { label, when } from '../i18n';
import { choices, csrfField, formMessage, onceField, page, section, type FormState } from '../layout';

export interface SettingsData {
  contacts: { titular: { name: string; email: string } | null; alterno: { name: string; email: string } | null; webhook: { url: string } | null } | null;
  mode: string;
  /** The feed's address just created (shown once: it is a secret). */
  calendarUrl: string | null;
  deliveries: Array<{ channel: string; recipient: string; kind: string; subject: string; status: string; attempts: number; lastError: string | null; createdAt: string; institution: string }>;
  /** Secretariat: deliveries that failed for good, every institution's. */
  failed: SettingsData['deliveries'];
}

export function settingsPage(ctx: Ctx, d: SettingsData, forms: Partial<Record<'preferencia' | 'calendario', FormState>>, done?: string): Html {
  const { t, lang } = ctx;
  const person = (p: { name: string; email: string } | null) => (p ? `${p.name} <${p.email}>` : t('Sin registrar'));
  const deliveryTable = (items: SettingsData['deliveries'], withInstitution: boolean) => (items.length === 0 ? html`<p>${t('Sin elementos.')}</p>` : html`<table><thead><tr>
<th scope="col">${t('Fecha')}</th>${withInstitution ? html`<th scope="col">${t('Institución')}</th>` : ''}<th scope="col">${t('Aviso')}</th><th scope="col">${t('Canal')}</th><th scope="col">${t('Estado')}</th></tr></thead><tbody>
${items.map((x) => html`<tr><td data-label="${t('Fecha')}">${when(lang, x.createdAt)}</td>${withInstitution ? html`<td data-label="${t('Institución')}">${x.institution}</td>` : ''}
<td data-label="${t('Aviso')}">${kindTitle(x.kind, lang)}: <span lang="es">${x.subject.replace(/^\[Mesa MTIGM\]\s*/, '')}</span></td>
<td data-label="${t('Canal')}">${deliveryChannelWords[x.channel as keyof typeof deliveryChannelWords]?.[lang] ?? x.channel} · ${x.recipient}</td>
<td data-label="${t('Estado')}">${label(lang, x.status)}${x.attempts > 1 ? html` (${x.attempts} ${t('intentos')})` : ''}${x.lastError ? html`<br><span class="meta">${x.lastError}</span>` : ''}</td></tr>`)}
</tbody></table>`);
  return page(ctx, t('Ajustes de la institución'), html`<h1>${t('Ajustes de la institución')}</h1>
<p class="meta">${ctx.user!.institution.name} (${ctx.user!.institution.code})</p>
${section(t('Contactos'), html`<dl class="facts"><dt>${t('Titular')}</dt><dd>${person(d.contacts?.titular ?? null)}</dd>
<dt>${t('Alterno')}</dt><dd>${person(d.contacts?.alterno ?? null)}</dd>
<dt>Webhook</dt><dd>${d.contacts?.webhook?.url ?? t('Sin registrar')}</dd></dl>
<p class="meta">${t('La Secretaría Técnica registra los contactos y el webhook de cada institución.')}</p>`, 'contactos')}
${section(t('Cómo recibe sus avisos'), html`<form method="post" action="/ajustes/preferencia">${csrfField(ctx)}${onceField(forms.preferencia)}${formMessage(ctx, forms.preferencia)}
${choices(ctx, { name: 'notifications', form: 'preferencia', legend: 'Correo', type: 'radio', state: forms.preferencia, checked: forms.preferencia ? undefined : [d.mode],
    options: notificationModes.map((m) => [m, label(lang, m)]) })}
<button type="submit">${t('Guardar')}</button></form>`, 'preferencia')}
${section(t('Calendario'), html`<p>${t('Una dirección secreta para suscribir su calendario (Outlook, Google, Thunderbird) a los plazos de su institución. Crear una nueva anula la anterior.')}</p>
${d.calendarUrl ? html`<p class="done" role="status">${t('Dirección de su calendario')}: <code>${d.calendarUrl}</code></p>` : ''}
<form method="post" action="/ajustes/calendario">${csrfField(ctx)}${onceField(forms.calendario)}${formMessage(ctx, forms.calendario)}<button type="submit">${t('Crear dirección del calendario')}</button></form>`, 'calendario')}
${section(t('Entregas recientes'), deliveryTable(d.deliveries, false), 'entregas')}
${ctx.user!.institution.kind === 'secretaria' ? section(t('Entregas fallidas'), deliveryTable(d.failed, true), 'fallidas') : ''}`, done);
}
