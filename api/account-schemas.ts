// TypeBox schemas of the account routes (api/routes/accounts.ts): what they take and answer.
import Type, { type Static } from 'typebox';
import { accountEventKinds, designations, passwordLength } from '../domain/accounts';
import { institutionKinds } from '../domain/vocabulary';
import { textLimits } from '../domain/text';
import { Code, Enum, Instant, Line, Nullable } from './schemas';

const Password = (description: string) => Type.String({ minLength: 1, maxLength: passwordLength.max, description });
const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$', description: 'Correo electrónico.' });

export const PasswordChangeBody = Type.Object({
  currentPassword: Password('La contraseña actual.'),
  newPassword: Password(`La nueva: de ${passwordLength.min} a ${passwordLength.max} caracteres, distinta del correo.`),
}, { additionalProperties: false });

export const PasswordResetRequestBody = Type.Object({ email: Type.String({ minLength: 1, maxLength: 320, description: 'El correo de la cuenta.' }) }, { additionalProperties: false });

export const PasswordResetBody = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 200, description: 'El token del enlace recibido por correo.' }),
  newPassword: Password(`La nueva contraseña: de ${passwordLength.min} a ${passwordLength.max} caracteres, distinta del correo.`),
}, { additionalProperties: false });

export const NeutralAnswer = Type.Object({ message: Type.String() }, { description: 'La misma respuesta exista o no la cuenta.' });

export const SessionEntry = Type.Object({
  id: Type.String(), createdAt: Instant, expiresAt: Instant, lastUsedAt: Nullable(Instant),
  userAgent: Nullable(Type.String({ description: 'El navegador o programa que inició la sesión.' })),
  address: Nullable(Type.String({ description: 'La dirección IP desde la que se inició.' })),
  current: Type.Boolean({ description: 'Es la sesión de esta petición.' }),
}, { description: 'Una sesión abierta.' });

export const SessionsAnswer = Type.Object({ items: Type.Array(SessionEntry) }, { description: 'Las sesiones abiertas del usuario, la más reciente primero.' });

export const SessionIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const AccountBody = Type.Object({
  id: Type.String(), name: Type.String(), email: Type.String(),
  institution: Type.Object({ code: Type.String(), name: Type.String(), kind: Enum(institutionKinds) }),
  designation: Enum(designations, 'Titular o alterno de su institución.'), active: Type.Boolean(), admin: Type.Boolean(), createdAt: Instant,
}, { description: 'Una cuenta de usuario.' });

export const AccountList = Type.Object({ items: Type.Array(AccountBody) }, { description: 'Las cuentas, por institución y nombre.' });

export const AccountCreateBody = Type.Object({
  email: Email,
  name: Line(textLimits.name, 'Nombre completo.'),
  institution: Code,
  designation: Enum(designations, 'Titular o alterno de su institución.'),
}, { additionalProperties: false });

export const AccountChangeBody = Type.Object({
  name: Type.Optional(Line(textLimits.name, 'Nombre completo.')),
  institution: Type.Optional(Code),
  designation: Type.Optional(Enum(designations, 'Titular o alterno de su institución.')),
  active: Type.Optional(Type.Boolean({ description: 'false desactiva la cuenta: no puede entrar y sus sesiones terminan en el acto.' })),
}, { additionalProperties: false, minProperties: 1 });

export const AccountEventBody = Type.Object({
  kind: Enum(accountEventKinds), at: Instant,
  user: Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }),
  actor: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  details: Type.Record(Type.String(), Type.Unknown()),
}, { description: 'Quién hizo qué a una cuenta, y cuándo (actor nulo: un enlace de contraseña o la línea de comandos).' });

export const AccountEventList = Type.Object({ items: Type.Array(AccountEventBody) }, { description: 'Los eventos de cuentas, el más reciente primero.' });

export const AccountEventQuery = Type.Object({
  user: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Solo los eventos de esta cuenta.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
}, { additionalProperties: false });

export type AccountAnswer = Static<typeof AccountBody>;
export type SessionsList = Static<typeof SessionsAnswer>;
export type AccountEventsAnswer = Static<typeof AccountEventList>;
