// Accounts: how a person stands for their institution, the rule every password meets, and what
// the record of account events names. Pure data and checks, shared by the API, the command line
// (runtime/create-user.ts) and the pages.
import { formatDeadline } from './calendar';
import { escapeHtml } from './notices';

/** The titular represents the institution before the Mesa; the alterno stands in when the titular cannot. */
export const designations = ['titular', 'alterno'] as const;
export type Designation = (typeof designations)[number];

export const accountEventKinds = [
  'cuenta_creada', 'cuenta_desactivada', 'cuenta_reactivada', 'institucion_cambiada', 'designacion_cambiada', 'nombre_cambiado',
  'contrasena_cambiada', 'contrasena_restablecida', 'enlace_enviado', 'sesiones_cerradas',
] as const;
export type AccountEventKind = (typeof accountEventKinds)[number];

/**
 * The rule of every password, the command line's included: at least 8 characters (what
 * MESA_USER_PASSWORD requires) and at most 200 (what a login accepts).
 */
export const passwordLength = { min: 8, max: 200 } as const;

/** What is wrong with a new password, in Spanish; null when it passes. */
export function passwordProblem(password: string, email?: string): string | null {
  const length = [...password].length;
  if (length < passwordLength.min) return `debe tener al menos ${passwordLength.min} caracteres`;
  if (length > passwordLength.max) return `debe tener como máximo ${passwordLength.max} caracteres`;
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) return 'no puede ser su correo electrónico';
  return null;
}

/** How long a link to set a password works: a forgotten password's one hour, a new account's three days. */
export const passwordLinkLifetime = { restablecer: 60 * 60 * 1000, activar: 72 * 60 * 60 * 1000 } as const;
export type PasswordLinkPurpose = keyof typeof passwordLinkLifetime;

/** The email that carries a link to set a password, in Spanish with its English beside it. */
export function accessMessage(purpose: PasswordLinkPurpose, o: { name: string; url: string; expiresAt: Date }): { subject: string; text: string; html: string } {
  const until = { es: formatDeadline(o.expiresAt, undefined, 'es'), en: formatDeadline(o.expiresAt, undefined, 'en') };
  const lines = purpose === 'activar'
    ? {
      subject: 'Active su cuenta de la Mesa MTIGM',
      es: `La Secretaría Técnica le creó una cuenta en la Mesa MTIGM. Para elegir su contraseña abra este enlace (sirve una sola vez; ${until.es}):`,
      en: `The Technical Secretariat created an account for you in the Mesa MTIGM. To choose your password open this link (it works once; ${until.en}):`,
    }
    : {
      subject: 'Restablezca su contraseña de la Mesa MTIGM',
      es: `Alguien pidió restablecer la contraseña de su cuenta. Para elegir una nueva abra este enlace (sirve una sola vez; ${until.es}). Si no lo pidió usted, ignore este correo: su contraseña no cambia.`,
      en: `Someone asked to reset your account's password. To choose a new one open this link (it works once; ${until.en}). If it was not you, ignore this email: your password does not change.`,
    };
  const subject = `[Mesa MTIGM] ${lines.subject}`;
  const text = [`Estimado(a) ${o.name}:`, '', lines.es, '', o.url, '', '—', '', lines.en, '', o.url, ''].join('\n');
  const e = escapeHtml;
  const html = `<p>Estimado(a) ${e(o.name)}:</p><p>${e(lines.es)}</p><p><a href="${e(o.url)}">${e(o.url)}</a></p><hr><p lang="en">${e(lines.en)}</p>`;
  return { subject, text, html };
}
