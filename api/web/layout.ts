// The page shell and the form pieces every page uses: labels on every field, errors beside their
// field (aria-describedby), what the user typed kept, and the CSRF token in every form.
import type { Ctx } from './context';
import { html, type Html } from './html';
import { kindTitle } from '../../domain/catalogue';
import { label, when } from './i18n';

export interface FormState {
  values: Record<string, string | string[] | undefined>;
  errors: Record<string, string>;
  /** An error about the whole form (not allowed, wrong stage…). */
  message?: string;
}

/** What a finished action says on the page it returns to; only these texts can be shown. */
export const doneMessages: Record<string, string> = {
  lanzada: 'Propuesta lanzada.', conformidad: 'Conformidad registrada.', aporte: 'Aporte enviado.', comentario: 'Comentario publicado.',
  respuesta: 'Respuesta registrada.', avance_etapa: 'Etapa avanzada.', retiro: 'Propuesta retirada.', version: 'Versión publicada.',
  decision: 'Decisión registrada.', aceptada: 'Tarea aceptada.', solicitud: 'Solicitud enviada.', avance: 'Avance registrado.',
  conclusion: 'Conclusión registrada.', verificacion: 'Verificación registrada.', solicitud_decidida: 'Solicitud decidida.',
  recuperacion: 'Proceso recuperado: reanudado o cerrado según lo indicado.', preferencia: 'Preferencia guardada.',
  dia_agregado: 'Día no laborable registrado.', dia_corregido: 'Día no laborable corregido.', dia_quitado: 'Día no laborable quitado.',
  calendario_importado: 'Calendario importado.',
  borrador_guardado: 'Borrador guardado.', borrador_descartado: 'Borrador descartado.', datos_corregidos: 'Datos corregidos.',
  sesion_convocada: 'Sesión convocada.', asistencia_confirmada: 'Asistencia confirmada.', sesion_abierta: 'Sesión abierta.',
  posicion_registrada: 'Posición registrada.', punto_cerrado: 'Punto cerrado.', punto_diferido: 'Punto diferido.',
  sesion_cerrada: 'Sesión cerrada: el acta está en observación.', acta_observada: 'Observación enviada.', acta_conforme: 'Conformidad con el acta registrada.',
  acta_aprobada: 'Acta aprobada y firmada.', documento: 'Documento adjuntado.',
  contrasena: 'Contraseña cambiada. Sus demás sesiones se cerraron.', sesion_terminada: 'Se cerró esa sesión.',
  sesiones_cerradas: 'Se cerraron sus sesiones en todos los dispositivos.', contrasena_restablecida: 'Contraseña guardada. Inicie sesión con ella.',
  usuario_creado: 'Cuenta creada: la persona recibirá por correo un enlace para elegir su contraseña.', usuario_cambiado: 'Cuenta actualizada.',
  usuario_desactivado: 'Cuenta desactivada: sus sesiones se cerraron.', usuario_reactivado: 'Cuenta reactivada.', enlace_enviado: 'Enlace enviado por correo.',
  contactos: 'Contactos guardados.', webhook: 'Webhook guardado.', clave_renovada: 'Clave de la firma renovada.', webhook_quitado: 'Webhook quitado.',
  prueba_enviada: 'Prueba enviada: su resultado aparece en «Entregas recientes al webhook».', reintento: 'Entrega enviada de nuevo: su resultado aparece en la lista.',
};

export function page(ctx: Ctx, title: string, body: Html, done?: string): Html {
  const t = ctx.t;
  const nav = ctx.user ? html`
    <nav aria-label="${t('Inicio')}">
      <a class="brand" href="/">Mesa MTIGM</a>
      <a href="/">${t('Inicio')}</a><a href="/propuestas">${t('Propuestas')}</a><a href="/acuerdos">${t('Acuerdos')}</a><a href="/tareas">${t('Tareas')}</a><a href="/sesiones">${t('Sesiones')}</a>
      <a href="/informes">${t('Informes')}</a><a href="/calendario">${t('Calendario')}</a><a href="/bandeja">${t('Bandeja')}</a><a href="/ajustes">${t('Ajustes')}</a>${ctx.user.institution.kind === 'secretaria' ? html`<a href="/usuarios">${t('Usuarios')}</a>` : ''}
    </nav>
    <div class="who"><a href="/cuenta" title="${t('Mi cuenta')}">${ctx.user.name}</a><span> — ${ctx.user.institution.name}</span>
      <form method="post" action="/salir">${csrfField(ctx)}<button type="submit" class="link">${t('Salir')}</button></form>
    </div>` : html`<nav aria-label="Mesa"><span class="brand">Mesa MTIGM</span></nav>`;
  const message = done && doneMessages[done] ? html`<p class="done" role="status">${t(doneMessages[done])}</p>` : '';
  return html`<!doctype html>
<html lang="${ctx.lang === 'es' ? 'es-PE' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — Mesa MTIGM</title><link rel="stylesheet" href="/static/mesa.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml"><link rel="icon" href="/favicon.ico" sizes="32x32"></head>
<body>
<a class="skip" href="#contenido">${t('Saltar al contenido')}</a>
<header>${nav}
  <form method="post" action="/idioma" class="lang">${csrfField(ctx)}<input type="hidden" name="back" value="${ctx.path}">
    ${ctx.lang === 'es'
      ? html`<button type="submit" name="lang" value="en" lang="en" class="link">English</button>`
      : html`<button type="submit" name="lang" value="es" lang="es" class="link">Español</button>`}
  </form>
</header>
<main id="contenido" tabindex="-1">
${message}
${body}
</main>
<footer><div class="inner"><p>Mesa de Trabajo Intersectorial para la Gestión Migratoria (MTIGM)</p><p>${t('Secretaría Técnica')}</p></div></footer>
</body></html>`;
}

export const csrfField = (ctx: Ctx) => html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;

/**
 * A one-time key per rendered form, its Idempotency-Key: submitting it twice (a double click, a
 * reload) acts once. A form shown again after a 5xx keeps its key, so sending it again is the same
 * action (recorded at most once); after any other answer it gets a new one.
 */
export const onceField = (state?: FormState) => {
  const kept = state?.values._once;
  return html`<input type="hidden" name="_once" value="${typeof kept === 'string' && kept ? kept : crypto.randomUUID()}">`;
};

export function formMessage(ctx: Ctx, state: FormState | undefined): Html | string {
  if (!state) return '';
  const hasFieldErrors = Object.keys(state.errors).length > 0;
  if (!state.message && !hasFieldErrors) return '';
  // Every mistake listed on top too, so one reading tells all there is to correct.
  const list = Object.values(state.errors);
  return html`<div class="error" role="alert"><p>${state.message ?? ctx.t('Revise los campos marcados.')}</p>${list.length > 1 || (state.message && list.length) ? html`<ul>${list.map((e) => html`<li>${e}</li>`)}</ul>` : ''}</div>`;
}

interface FieldOptions {
  name: string;
  /** Distinguishes fields of the same name in different forms of one page (ids must be unique). */
  form?: string;
  label: string;
  state?: FormState;
  type?: 'text' | 'email' | 'password' | 'number' | 'url' | 'datetime-local' | 'file' | 'date';
  required?: boolean;
  textarea?: number;
  hint?: string;
  value?: string;
  attrs?: Html;
}

const valueOf = (state: FormState | undefined, name: string) => {
  const v = state?.values[name];
  return Array.isArray(v) ? v[0] ?? '' : v ?? '';
};

const idOf = (name: string, form?: string) => (form ? `f-${form}-${name}` : `f-${name}`);

export function field(ctx: Ctx, o: FieldOptions): Html {
  const id = idOf(o.name, o.form);
  const error = o.state?.errors[o.name];
  const value = o.value ?? valueOf(o.state, o.name);
  const described = [o.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = html`id="${id}" name="${o.name}"${o.required ? html` required` : ''}${described ? html` aria-describedby="${described}"` : ''}${error ? html` aria-invalid="true"` : ''}${o.attrs ?? ''}`;
  return html`<div class="field${error ? ' invalid' : ''}">
  <label for="${id}">${ctx.t(o.label)}</label>
  ${o.hint ? html`<span class="hint" id="${id}-hint">${ctx.t(o.hint)}</span>` : ''}
  ${o.textarea ? html`<textarea ${common} rows="${o.textarea}">${value}</textarea>` : html`<input type="${o.type ?? 'text'}" ${common} value="${value}">`}
  ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ''}
</div>`;
}

export function select(ctx: Ctx, o: { name: string; form?: string; label: string; options: Array<[string, string]>; state?: FormState; required?: boolean }): Html {
  const id = idOf(o.name, o.form);
  const error = o.state?.errors[o.name];
  const current = valueOf(o.state, o.name);
  return html`<div class="field${error ? ' invalid' : ''}">
  <label for="${id}">${ctx.t(o.label)}</label>
  <select id="${id}" name="${o.name}"${o.required ? html` required` : ''}${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
    ${o.options.map(([value, text]) => html`<option value="${value}"${value === current ? html` selected` : ''}>${text}</option>`)}
  </select>
  ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ''}
</div>`;
}

/** Checkboxes or radios in a fieldset whose legend names the group. */
export function choices(ctx: Ctx, o: { name: string; form?: string; legend: string; options: Array<[string, string]>; state?: FormState; type?: 'checkbox' | 'radio'; checked?: string[]; hint?: string; columns?: boolean }): Html {
  const id = idOf(o.name, o.form);
  const error = o.state?.errors[o.name];
  const raw = o.state?.values[o.name];
  const checked = o.checked ?? (Array.isArray(raw) ? raw : raw ? [raw] : []);
  const described = [o.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<fieldset id="${id}" class="choices${o.columns || o.options.length > 6 ? ' columns' : ''}${error ? ' invalid' : ''}"${described ? html` aria-describedby="${described}"` : ''}>
  <legend>${ctx.t(o.legend)}</legend>
  ${o.hint ? html`<span class="hint" id="${id}-hint">${ctx.t(o.hint)}</span>` : ''}
  ${o.options.map(([value, text], i) => html`<label class="choice"><input type="${o.type ?? 'checkbox'}" name="${o.name}" value="${value}" id="${id}-${i}"${checked.includes(value) ? html` checked` : ''}> ${text}</label>`)}
  ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ''}
</fieldset>`;
}

export const section = (title: string, body: Html | string, id?: string) =>
  html`<section${id ? html` id="${id}"` : ''} aria-labelledby="${id ?? title}-h"><h2 id="${id ?? title}-h">${title}</h2>${body}</section>`;

/**
 * A stopped process (open, but its workflow no longer runs): the notice everyone sees, and for the
 * secretariat the form that resumes it (or, for a proposal, closes it with a reason).
 */
export function stoppedNotice(ctx: Ctx, p: { stopped?: { detectedAt: string } }, form: { action: string; closable: boolean; state?: FormState }): Html {
  const t = ctx.t;
  if (!p.stopped) return html``;
  const recovery = ctx.user?.institution.kind === 'secretaria' ? html`<form method="post" action="${form.action}">${csrfField(ctx)}${onceField(form.state)}${formMessage(ctx, form.state)}
<p>${form.closable
    ? t('Reanudar continúa desde lo último registrado (la ronda, las posiciones y los plazos se conservan). Cerrar la da por terminada y deja el motivo en la auditoría.')
    : t('Reanudar continúa desde lo último registrado (avances y plazos se conservan).')}</p>
${choices(ctx, { name: 'action', form: 'recuperacion', legend: 'Acción', type: 'radio', state: form.state, checked: form.state ? undefined : ['reanudar'],
    options: (form.closable ? ['reanudar', 'cerrar'] : ['reanudar']).map((v) => [v, label(ctx.lang, v)]) })}
${field(ctx, { name: 'reason', form: 'recuperacion', label: 'Motivo', textarea: 2, required: true, state: form.state })}
<button type="submit">${t('Registrar')}</button></form>` : html`<p>${t('La Secretaría Técnica puede reanudarla.')}</p>`;
  return html`<section class="card error" aria-labelledby="detenida-h" id="detenida"><h2 id="detenida-h">${t('Proceso detenido')} <span class="badge">${label(ctx.lang, 'detenida')}</span></h2>
<p>${t('Su proceso ya no corre en el motor de workflows: no admite acciones, sus plazos no corren y no figura como pendiente en las bandejas.')} (${when(ctx.lang, p.stopped.detectedAt)})</p>
${recovery}</section>`;
}

/** A due date as every page says it: "Plazo vencido" once it has passed, "Vence" before. */
export const dueText = (ctx: Ctx, iso: string | null | undefined): Html | string => {
  if (!iso) return '';
  const late = Date.parse(iso) < Date.now();
  return html` · <span class="${late ? 'late' : 'meta'}">${late ? ctx.t('Plazo vencido') : ctx.t('Vence')}: ${when(ctx.lang, iso)}</span>`;
};

/**
 * A notice as the page's language says it. Its sentence was written in Spanish when it was sent
 * (emails keep it); in English the kind of notice is named in English and the sentence, which
 * carries the proposal's own title, follows marked as Spanish.
 */
export const noticeTitle = (ctx: Ctx, n: { kind: string; title: string }): Html | string =>
  ctx.lang === 'es' ? n.title : html`${kindTitle(n.kind, 'en')}: <span lang="es">${n.title}</span>`;

/**
 * The confirmation an act that cannot be undone asks for (withdraw, conclude, deny): a box to
 * tick, checked again by the server, so no script is needed and a stray click does nothing.
 */
export function confirmField(ctx: Ctx, o: { form: string; label: string; state?: FormState }): Html {
  const id = idOf('confirm', o.form);
  const error = o.state?.errors.confirm;
  return html`<div class="field confirm${error ? ' invalid' : ''}"><label class="choice" for="${id}"><input type="checkbox" id="${id}" name="confirm" value="si"${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}> ${ctx.t(o.label)}</label>
${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ''}</div>`;
}
