// The institution's page of settings: who receives its notices (titular and alterno), its webhook
// (address, signing key, a test event and what was recently posted to it), how this person
// receives notices (one email per notice or a daily digest), the address of its calendar feed,
// and what was recently delivered to it. The secretariat picks any institution, and also sees
// every delivery that failed or is still retrying, with a button to send it again.
import { deliveryChannelWords, kindTitle } from '../../../domain/catalogue';
import { notificationModes } from '../../../domain/notices';
import type { Ctx } from '../context';
import { html, type Html } from '../html';
import { label, when } from '../i18n';
import { choices, confirmField, csrfField, field, formMessage, onceField, page, section, select, type FormState } from '../layout';

type Person = { name: string; email: string } | null;

export interface Delivery {
  id: string; channel: string; recipient: string; kind: string; subject: string; status: string; attempts: number;
  response: string | null; lastError: string | null; createdAt: string; institution: string;
}

export interface SettingsData {
  /** The institution whose contacts and webhook the page shows: the user's own, or the one the secretariat picked. */
  institution: { code: string; name: string };
  /** Secretariat: every institution, to pick one. */
  institutions: Array<{ code: string; name: string }>;
  contacts: { titular: Person; alterno: Person; webhook: { url: string } | null } | null;
  mode: string;
  /** The feed's address just created (shown once: it is a secret). */
  calendarUrl: string | null;
  /** The webhook's signing key just created or renewed (shown once). */
  webhookSecret: string | null;
  deliveries: Delivery[];
  /** What was recently posted to the institution's webhook. */
  webhookDeliveries: Delivery[];
  /** Secretariat: deliveries that failed or are still retrying, every institution's. */
  failed: Delivery[];
}

export type SettingsForms = Partial<Record<'preferencia' | 'calendario' | 'contactos' | 'webhook' | 'webhook_accion' | 'reintento', FormState>>;

/** The notice a delivery carried: its kind in words, then its subject as written (in Spanish). */
const noticeCell = (ctx: Ctx, x: Delivery) => html`${kindTitle(x.kind, ctx.lang)}${x.kind === 'prueba_webhook' ? '' : html`: <span lang="es">${x.subject.replace(/^\[Mesa MTIGM\]\s*/, '')}</span>`}`;

/** The status, the attempts, and the receiver's answer or the last error. */
const outcomeCell = (ctx: Ctx, x: Delivery) => html`${label(ctx.lang, x.status)}${x.attempts > 1 ? html` (${x.attempts} ${ctx.t('intentos')})` : ''}${x.response && x.status === 'enviada' ? html`<br><span class="meta">${x.response}</span>` : ''}${x.lastError ? html`<br><span class="meta">${x.lastError}</span>` : ''}`;

const channelWords = (ctx: Ctx, channel: string) => deliveryChannelWords[channel as keyof typeof deliveryChannelWords]?.[ctx.lang] ?? channel;

function deliveryTable(ctx: Ctx, items: Delivery[], o: { institution?: boolean; channel?: boolean; retry?: (x: Delivery) => Html } = {}): Html {
  const { t, lang } = ctx;
  if (items.length === 0) return html`<p>${t('Sin elementos.')}</p>`;
  return html`<table><thead><tr>
<th scope="col">${t('Fecha')}</th>${o.institution ? html`<th scope="col">${t('Institución')}</th>` : ''}<th scope="col">${t('Aviso')}</th>${o.channel === false ? '' : html`<th scope="col">${t('Canal')}</th>`}<th scope="col">${t('Estado')}</th>${o.retry ? html`<th scope="col">${t('Acción')}</th>` : ''}</tr></thead><tbody>
${items.map((x) => html`<tr><td data-label="${t('Fecha')}">${when(lang, x.createdAt)}</td>${o.institution ? html`<td data-label="${t('Institución')}">${x.institution}</td>` : ''}
<td data-label="${t('Aviso')}">${noticeCell(ctx, x)}</td>
${o.channel === false ? '' : html`<td data-label="${t('Canal')}">${channelWords(ctx, x.channel)} · <span>${x.recipient}</span></td>`}
<td data-label="${t('Estado')}">${outcomeCell(ctx, x)}</td>${o.retry ? html`<td data-label="${t('Acción')}">${o.retry(x)}</td>` : ''}</tr>`)}
</tbody></table>`;
}

function contactsForm(ctx: Ctx, d: SettingsData, state: FormState | undefined, hidden: Html): Html {
  const t = ctx.t;
  // What is recorded fills the form, unless it comes back refused with what was typed.
  const current: FormState = state ?? {
    values: {
      titular_name: d.contacts?.titular?.name, titular_email: d.contacts?.titular?.email,
      alterno_name: d.contacts?.alterno?.name, alterno_email: d.contacts?.alterno?.email,
    },
    errors: {},
  };
  return html`<form method="post" action="/ajustes/contactos">${csrfField(ctx)}${hidden}${formMessage(ctx, state)}
<fieldset><legend>${t('Titular')}</legend>
${field(ctx, { name: 'titular_name', form: 'contactos', label: 'Nombre del titular', state: current, required: true, attrs: html` autocomplete="off"` })}
${field(ctx, { name: 'titular_email', form: 'contactos', label: 'Correo del titular', type: 'email', state: current, required: true, attrs: html` autocomplete="off"` })}
</fieldset>
<fieldset><legend>${t('Alterno (opcional)')}</legend>
<p class="hint">${t('Recibe también los escalamientos. Déjelo vacío si la institución no tiene alterno.')}</p>
${field(ctx, { name: 'alterno_name', form: 'contactos', label: 'Nombre del alterno', state: current, attrs: html` autocomplete="off"` })}
${field(ctx, { name: 'alterno_email', form: 'contactos', label: 'Correo del alterno', type: 'email', state: current, attrs: html` autocomplete="off"` })}
</fieldset>
<button type="submit">${t('Guardar contactos')}</button></form>`;
}

function webhookSection(ctx: Ctx, d: SettingsData, forms: SettingsForms, hidden: Html): Html {
  const t = ctx.t;
  const webhook = d.contacts?.webhook ?? null;
  const action = (path: string, text: string, extra: Html | string = '') => html`<form method="post" action="/ajustes/webhook/${path}" class="inline">${csrfField(ctx)}${hidden}${onceField()}${extra}<button type="submit">${t(text)}</button></form>`;
  return html`<p>${t('Su sistema recibe un POST JSON firmado (cabecera X-Mesa-Signature, HMAC-SHA256 con la clave de la firma) por cada aviso a su institución.')}</p>
<dl class="facts"><dt>${t('Dirección del webhook')}</dt><dd>${webhook?.url ?? t('Sin registrar')}</dd></dl>
${d.webhookSecret ? html`<div class="done" role="status"><p>${t('Clave de la firma (se muestra solo esta vez; guárdela en su sistema)')}:</p><p><code>${d.webhookSecret}</code></p></div>` : ''}
<form method="post" action="/ajustes/webhook">${csrfField(ctx)}${hidden}${formMessage(ctx, forms.webhook)}
${field(ctx, { name: 'url', form: 'webhook', label: 'Dirección del webhook', type: 'url', state: forms.webhook ?? { values: { url: webhook?.url }, errors: {} }, required: true, hint: 'Una dirección https:// de su institución.' })}
<button type="submit">${t(webhook ? 'Cambiar la dirección' : 'Registrar el webhook')}</button></form>
${webhook ? html`${formMessage(ctx, forms.webhook_accion)}<div class="actions webhook">
${action('prueba', 'Enviar prueba')}
${action('clave', 'Renovar la clave de la firma')}
${action('quitar', 'Quitar el webhook', confirmField(ctx, { form: 'quitar-webhook', label: 'Confirmo que la institución deja de recibir avisos en este webhook.', state: forms.webhook_accion }))}
</div>` : ''}
<h3>${t('Entregas recientes al webhook')}</h3>
${deliveryTable(ctx, d.webhookDeliveries, { channel: false })}`;
}

export function settingsPage(ctx: Ctx, d: SettingsData, forms: SettingsForms, done?: string): Html {
  const { t, lang } = ctx;
  const secretariat = ctx.user!.institution.kind === 'secretaria';
  const own = d.institution.code === ctx.user!.institution.code;
  // Every form about the institution's contacts says which institution it is about.
  const hidden = html`<input type="hidden" name="institucion" value="${d.institution.code}">`;
  const retry = (x: Delivery) => html`<form method="post" action="/ajustes/entregas/reintentar">${csrfField(ctx)}${hidden}${onceField()}<input type="hidden" name="id" value="${x.id}"><button type="submit">${t('Reintentar')}</button></form>`;
  return page(ctx, t('Ajustes de la institución'), html`<h1>${t('Ajustes de la institución')}</h1>
<p class="meta">${d.institution.name} (${d.institution.code})</p>
${secretariat ? html`<form method="get" action="/ajustes">
${select(ctx, { name: 'institucion', form: 'elegir', label: 'Institución', options: d.institutions.map((i) => [i.code, `${i.name} (${i.code})`]), state: { values: { institucion: d.institution.code }, errors: {} } })}
<button type="submit">${t('Ver sus ajustes')}</button></form>` : ''}
${section(t('Contactos'), contactsForm(ctx, d, forms.contactos, hidden), 'contactos')}
${section('Webhook', webhookSection(ctx, d, forms, hidden), 'webhook')}
${own ? html`${section(t('Cómo recibe sus avisos'), html`<form method="post" action="/ajustes/preferencia">${csrfField(ctx)}${onceField(forms.preferencia)}${formMessage(ctx, forms.preferencia)}
${choices(ctx, { name: 'notifications', form: 'preferencia', legend: 'Correo', type: 'radio', state: forms.preferencia, checked: forms.preferencia ? undefined : [d.mode],
    options: notificationModes.map((m) => [m, label(lang, m)]) })}
<button type="submit">${t('Guardar')}</button></form>`, 'preferencia')}
${section(t('Calendario'), html`<p>${t('Una dirección secreta para suscribir su calendario (Outlook, Google, Thunderbird) a los plazos de su institución. Crear una nueva anula la anterior.')}</p>
${d.calendarUrl ? html`<p class="done" role="status">${t('Dirección de su calendario')}: <code>${d.calendarUrl}</code></p>` : ''}
<form method="post" action="/ajustes/calendario">${csrfField(ctx)}${onceField(forms.calendario)}${formMessage(ctx, forms.calendario)}<button type="submit">${t('Crear dirección del calendario')}</button></form>`, 'calendario')}` : ''}
${section(t('Entregas recientes'), deliveryTable(ctx, d.deliveries), 'entregas')}
${secretariat ? section(t('Entregas fallidas o en reintento'), html`${formMessage(ctx, forms.reintento)}
<p>${t('«Reintentar» envía la entrega de nuevo por un nuevo intento; si se pulsa dos veces, se envía una sola vez.')}</p>
${deliveryTable(ctx, d.failed, { institution: true, retry })}`, 'fallidas') : ''}`, done);
}
