// Account pages: a person's own account (password and open sessions), the forgotten-password
// pages reached from the login, and the secretariat's management of users.
import { passwordLength } from '../../../domain/accounts';
import type { AccountAnswer, AccountEventsAnswer, SessionsList } from '../../account-schemas';
import type { InstitutionAnswer } from '../../schemas';
import type { Ctx } from '../context';
import { html, type Html } from '../html';
import { label, when } from '../i18n';
import { choices, confirmField, csrfField, field, formMessage, onceField, page, section, select, type FormState } from '../layout';

export type AccountForms = Partial<Record<'contrasena', FormState>>;
export type UserForms = Partial<Record<'crear' | 'editar' | 'estado', FormState>>;

const passwordHint = 'Al menos 8 caracteres; distinta de su correo.';

/** A browser as people know it, from its User-Agent: "Firefox en Windows". */
export function browserName(agent: string | null): string {
  if (!agent) return '—';
  const browser = [['Edg/', 'Edge'], ['OPR/', 'Opera'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'], ['Safari/', 'Safari']].find(([mark]) => agent.includes(mark!))?.[1];
  const system = [['Android', 'Android'], ['iPhone', 'iPhone'], ['iPad', 'iPad'], ['Windows', 'Windows'], ['Mac OS X', 'macOS'], ['Linux', 'Linux']].find(([mark]) => agent.includes(mark!))?.[1];
  return browser && system ? `${browser} · ${system}` : browser ?? system ?? agent.slice(0, 60);
}

export function accountPage(ctx: Ctx, sessions: SessionsList['items'], forms: AccountForms, done?: string): Html {
  const { t, lang } = ctx;
  const user = ctx.user!;
  const state = forms.contrasena;
  const rows = sessions.map((s) => html`<tr><td data-label="${t('Navegador')}">${browserName(s.userAgent)}${s.current ? html` <span class="badge">${t('Esta sesión')}</span>` : ''}</td>
<td data-label="${t('Dirección')}">${s.address ?? '—'}</td>
<td data-label="${t('Inicio')}">${when(lang, s.createdAt)}</td>
<td data-label="${t('Último uso')}">${when(lang, s.lastUsedAt ?? s.createdAt)}</td>
<td data-label="${t('Acción')}">${s.current ? html`<span class="meta">${t('Use «Salir» para cerrarla.')}</span>` : html`<form method="post" action="/cuenta/sesiones/${s.id}/cerrar">${csrfField(ctx)}<button type="submit" class="secondary" aria-label="${t('Cerrar esta sesión')}: ${browserName(s.userAgent)}, ${when(lang, s.createdAt)}">${t('Cerrar esta sesión')}</button></form>`}</td></tr>`);
  return page(ctx, t('Mi cuenta'), html`<h1>${t('Mi cuenta')}</h1>
<dl class="facts"><dt>${t('Nombre')}</dt><dd>${user.name}</dd><dt>${t('Correo electrónico')}</dt><dd>${user.email}</dd>
<dt>${t('Institución')}</dt><dd>${user.institution.name} (${user.institution.code})</dd></dl>
${section(t('Cambiar la contraseña'), html`<p>${t('Al cambiarla se cierran sus demás sesiones; esta sigue abierta.')}</p>
<form method="post" action="/cuenta/contrasena">${csrfField(ctx)}${formMessage(ctx, state)}
${field(ctx, { name: 'currentPassword', form: 'contrasena', label: 'Contraseña actual', type: 'password', required: true, value: '', state, attrs: html` autocomplete="current-password"` })}
${field(ctx, { name: 'newPassword', form: 'contrasena', label: 'Nueva contraseña', type: 'password', required: true, value: '', state, hint: passwordHint, attrs: html` autocomplete="new-password" minlength="${passwordLength.min}"` })}
${field(ctx, { name: 'repeatPassword', form: 'contrasena', label: 'Repita la nueva contraseña', type: 'password', required: true, value: '', state, attrs: html` autocomplete="new-password"` })}
<button type="submit">${t('Cambiar la contraseña')}</button></form>`, 'contrasena')}
${section(t('Sesiones abiertas'), html`<table><thead><tr><th scope="col">${t('Navegador')}</th><th scope="col">${t('Dirección')}</th><th scope="col">${t('Inicio')}</th><th scope="col">${t('Último uso')}</th><th scope="col">${t('Acción')}</th></tr></thead>
<tbody>${rows}</tbody></table>
<form method="post" action="/cuenta/sesiones/cerrar-todas">${csrfField(ctx)}<button type="submit" class="danger">${t('Cerrar sesión en todos los dispositivos')}</button></form>`, 'sesiones')}`, done);
}

export function forgotPage(ctx: Ctx, o: { state?: FormState; sent?: boolean }): Html {
  const t = ctx.t;
  return page(ctx, t('¿Olvidó su contraseña?'), html`<h1>${t('¿Olvidó su contraseña?')}</h1>
<section class="card" aria-label="${t('¿Olvidó su contraseña?')}">
${o.sent ? html`<p class="done" role="status">${t('Si el correo corresponde a una cuenta activa, le enviamos un enlace para elegir una nueva contraseña. Revise su bandeja de entrada; el enlace vence en una hora.')}</p>` : ''}
<p>${t('Escriba el correo de su cuenta y le enviaremos un enlace para elegir una nueva contraseña.')}</p>
<form method="post" action="/entrar/olvido">${csrfField(ctx)}${formMessage(ctx, o.state)}
${field(ctx, { name: 'email', label: 'Correo electrónico', type: 'email', required: true, state: o.state, attrs: html` autocomplete="username"` })}
<button type="submit">${t('Enviar el enlace')}</button></form>
<p><a href="/entrar">${t('Volver a iniciar sesión')}</a></p></section>`);
}

export function resetPage(ctx: Ctx, token: string, state?: FormState): Html {
  const t = ctx.t;
  return page(ctx, t('Elegir una nueva contraseña'), html`<h1>${t('Elegir una nueva contraseña')}</h1>
<section class="card" aria-label="${t('Elegir una nueva contraseña')}">
<p>${t('Al guardarla, el enlace deja de servir y se cierran todas sus sesiones abiertas.')}</p>
<form method="post" action="/entrar/restablecer">${csrfField(ctx)}<input type="hidden" name="token" value="${token}">${formMessage(ctx, state)}
${field(ctx, { name: 'newPassword', label: 'Nueva contraseña', type: 'password', required: true, value: '', state, hint: passwordHint, attrs: html` autocomplete="new-password" minlength="${passwordLength.min}"` })}
${field(ctx, { name: 'repeatPassword', label: 'Repita la nueva contraseña', type: 'password', required: true, value: '', state, attrs: html` autocomplete="new-password"` })}
<button type="submit">${t('Guardar la contraseña')}</button></form>
<p><a href="/entrar/olvido">${t('Pedir un enlace nuevo')}</a></p></section>`);
}

/** The registry's institutions as the choices of a select: by kind, then by name. */
const institutionOptions = (lang: Ctx['lang'], institutions: InstitutionAnswer[]): Array<[string, string]> =>
  [...institutions].filter((i) => i.active)
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name, 'es'))
    .map((i) => [i.code, `${i.name} (${i.code}) — ${label(lang, i.kind)}`]);

const designationOptions = (lang: Ctx['lang']): Array<[string, string]> => [['titular', label(lang, 'titular')], ['alterno', label(lang, 'alterno')]];

/** Who did what to which account: the newest first. */
function eventTable(ctx: Ctx, events: AccountEventsAnswer['items']): Html {
  const { t, lang } = ctx;
  if (events.length === 0) return html`<p>${t('Sin elementos.')}</p>`;
  // What it changed to: an institution by its code, a designation by its words, a name as it is.
  const detail = (e: AccountEventsAnswer['items'][number]) => {
    const to = e.details.to;
    if (typeof to !== 'string') return '';
    return html` → ${e.kind === 'institucion_cambiada' ? to.replace(/^inst_/, '').toUpperCase() : label(lang, to)}`;
  };
  return html`<table><thead><tr><th scope="col">${t('Fecha')}</th><th scope="col">${t('Cuenta')}</th><th scope="col">${t('Qué pasó')}</th><th scope="col">${t('Quién')}</th></tr></thead><tbody>
${events.map((e) => html`<tr><td data-label="${t('Fecha')}">${when(lang, e.at)}</td><td data-label="${t('Cuenta')}">${e.user.name} <span class="meta">${e.user.email}</span></td>
<td data-label="${t('Qué pasó')}">${label(lang, e.kind)}${detail(e)}</td><td data-label="${t('Quién')}">${e.actor?.name ?? (e.kind === 'enlace_enviado' ? t('Pedido desde «¿Olvidó su contraseña?»') : t('La propia persona, con un enlace'))}</td></tr>`)}
</tbody></table>`;
}

export function usersPage(ctx: Ctx, d: { accounts: AccountAnswer[]; institutions: InstitutionAnswer[]; events: AccountEventsAnswer['items'] }, forms: UserForms, done?: string): Html {
  const { t, lang } = ctx;
  const state = forms.crear;
  const rows = d.accounts.map((a) => html`<tr><td data-label="${t('Nombre')}"><a href="/usuarios/${a.id}">${a.name}</a><br><span class="meta">${a.email}</span></td>
<td data-label="${t('Institución')}">${a.institution.name} (${a.institution.code})</td>
<td data-label="${t('Titular o alterno')}">${label(lang, a.designation)}</td>
<td data-label="${t('Estado')}">${a.active ? t('Activa') : html`<span class="late">${t('Desactivada')}</span>`}</td></tr>`);
  return page(ctx, t('Usuarios'), html`<h1>${t('Usuarios')}</h1>
<p>${t('Las cuentas de las personas de cada institución. Al crear una, la persona recibe por correo un enlace para elegir su contraseña.')}</p>
${section(t('Crear una cuenta'), html`<form method="post" action="/usuarios">${csrfField(ctx)}${onceField(state)}${formMessage(ctx, state)}
${field(ctx, { name: 'name', form: 'crear', label: 'Nombre completo', required: true, state, attrs: html` autocomplete="off"` })}
${field(ctx, { name: 'email', form: 'crear', label: 'Correo electrónico', type: 'email', required: true, state, attrs: html` autocomplete="off"` })}
${select(ctx, { name: 'institution', form: 'crear', label: 'Institución', required: true, state, options: [['', t('Elija la institución')], ...institutionOptions(lang, d.institutions)] })}
${choices(ctx, { name: 'designation', form: 'crear', legend: 'Titular o alterno', type: 'radio', state, checked: state ? undefined : ['titular'], options: designationOptions(lang) })}
<button type="submit">${t('Crear la cuenta')}</button></form>`, 'crear')}
${section(t('Cuentas'), d.accounts.length ? html`<table><thead><tr><th scope="col">${t('Nombre')}</th><th scope="col">${t('Institución')}</th><th scope="col">${t('Titular o alterno')}</th><th scope="col">${t('Estado')}</th></tr></thead>
<tbody>${rows}</tbody></table>` : html`<p>${t('Sin elementos.')}</p>`, 'cuentas')}
${section(t('Historial de cuentas'), eventTable(ctx, d.events), 'historial')}`, done);
}

export function userPage(ctx: Ctx, d: { account: AccountAnswer; institutions: InstitutionAnswer[]; events: AccountEventsAnswer['items'] }, forms: UserForms, done?: string): Html {
  const { t, lang } = ctx;
  const a = d.account;
  const edit = forms.editar ?? { values: { name: a.name, institution: a.institution.code, designation: a.designation }, errors: {} };
  const editing = forms.editar;
  const base = `/usuarios/${a.id}`;
  return page(ctx, a.name, html`<p><a href="/usuarios">${t('Usuarios')}</a></p><h1>${a.name}</h1>
<dl class="facts"><dt>${t('Correo electrónico')}</dt><dd>${a.email}</dd><dt>${t('Institución')}</dt><dd>${a.institution.name} (${a.institution.code})</dd>
<dt>${t('Titular o alterno')}</dt><dd>${label(lang, a.designation)}</dd><dt>${t('Estado')}</dt><dd>${a.active ? t('Activa') : t('Desactivada')}</dd>
<dt>${t('Creada')}</dt><dd>${when(lang, a.createdAt)}</dd></dl>
${section(t('Cambiar datos'), html`<form method="post" action="${base}/editar">${csrfField(ctx)}${formMessage(ctx, editing)}
${field(ctx, { name: 'name', form: 'editar', label: 'Nombre completo', required: true, state: edit })}
${select(ctx, { name: 'institution', form: 'editar', label: 'Institución', required: true, state: edit, options: institutionOptions(lang, d.institutions) })}
${choices(ctx, { name: 'designation', form: 'editar', legend: 'Titular o alterno', type: 'radio', state: edit, options: designationOptions(lang) })}
<button type="submit">${t('Guardar')}</button></form>`, 'editar')}
${section(a.active ? t('Desactivar la cuenta') : t('Reactivar la cuenta'), html`<form method="post" action="${base}/${a.active ? 'desactivar' : 'reactivar'}">${csrfField(ctx)}${formMessage(ctx, forms.estado)}
<p>${a.active ? t('La persona no podrá entrar y sus sesiones abiertas se cierran en el acto. Puede reactivarla después.') : t('La persona podrá volver a entrar con su contraseña.')}</p>
${a.active ? confirmField(ctx, { form: 'estado', label: 'Confirmo que desactivo esta cuenta.', state: forms.estado }) : ''}
<button type="submit"${a.active ? html` class="danger"` : ''}>${a.active ? t('Desactivar') : t('Reactivar')}</button></form>
${a.active ? html`<form method="post" action="${base}/enlace">${csrfField(ctx)}<p>${t('Si la persona no recibió el enlace o lo perdió, envíe uno nuevo: el anterior deja de servir.')}</p><button type="submit" class="secondary">${t('Enviar un enlace para elegir la contraseña')}</button></form>` : ''}`, 'estado')}
${section(t('Historial de la cuenta'), eventTable(ctx, d.events), 'historial')}`, done);
}
