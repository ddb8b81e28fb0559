// TypeBox schemas of the sessions' routes (api/routes/sessions.ts): what they take and answer.
import Type, { type Static } from 'typebox';
import { positions } from '../domain/decision';
import { actaAnswers, actaStatuses, agendaItemKinds, itemOutcomes, itemStatuses, sessionKinds, sessionStatuses } from '../domain/session';
import { instantPattern, textLimits, textPatterns } from '../domain/text';
import { DeadlineBody } from './schemas';

const Open = { additionalProperties: true } as const;
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Enum = <const T extends string[]>(values: readonly [...T], description?: string) => Type.Enum<T>(values, { description });
const Instant = Type.String({ description: 'Fecha y hora ISO 8601.' });
const Line = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, pattern: textPatterns.line, description });
const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, pattern: textPatterns.text, description });
const Code = Type.String({ minLength: 1, maxLength: textLimits.code, pattern: textPatterns.line, description: 'Código de institución (p. ej. MINSA).' });
const InstantIn = (description: string) => Type.String({ pattern: instantPattern, maxLength: 40, description });
const Id = Type.String({ minLength: 1, maxLength: 100 });

export const AgendaEntryBody = Type.Union([
  Type.Object({ kind: Type.Literal('propuesta'), proposalId: Id }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('informe'), taskId: Id }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('otro'), title: Line(textLimits.title) }, { additionalProperties: false }),
], { description: 'Una propuesta por decidir en sesión, un informe de avance de una tarea, u otro punto.' });

export const SessionConveneBody = Type.Object({
  kind: Enum(sessionKinds),
  startsAt: InstantIn('Inicio, con zona horaria (p. ej. 2027-03-15T10:00:00-05:00).'),
  place: Type.Optional(Line(textLimits.title, 'Lugar.')),
  videoUrl: Type.Optional(Type.String({ maxLength: textLimits.url, pattern: '^https?://[^\\s]+$', description: 'Enlace de la videollamada.' })),
  agenda: Type.Array(AgendaEntryBody, { minItems: 1, maxItems: 50 }),
  reminders: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 40, pattern: textPatterns.line }), {
    maxItems: 5, description: 'Recordatorios antes del inicio a quienes no confirmaron (duraciones ISO 8601; por defecto P1D).',
  })),
}, { additionalProperties: false });

export const SessionListQuery = Type.Object({
  from: Type.Optional(InstantIn('Desde este inicio.')),
  to: Type.Optional(InstantIn('Hasta antes de este inicio.')),
}, { additionalProperties: false });

export const SessionParams = Type.Object({ id: Id });
export const ItemParams = Type.Object({ id: Id, n: Type.Integer({ minimum: 1, maximum: 1000 }) });

export const ConfirmationBody = Type.Object({
  attends: Type.Boolean(),
  representative: Type.Optional(Type.Object({
    name: Line(textLimits.name), email: Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' }),
  }, { additionalProperties: false, description: 'Titular o alterno; por defecto el titular de sus contactos.' })),
}, { additionalProperties: false });

export const OpenBody = Type.Object({ present: Type.Array(Code, { maxItems: 60, uniqueItems: true, description: 'Instituciones presentes.' }) }, { additionalProperties: false });

export const SessionPositionBody = Type.Object({
  position: Enum(positions),
  comment: Type.Optional(Type.String({ maxLength: textLimits.comment, pattern: textPatterns.text, description: 'Obligatorio con aprueba_con_observaciones y objeta.' })),
  institution: Type.Optional(Code),
}, { additionalProperties: false });

export const SummaryBody = Type.Object({ summary: Text(textLimits.comment, 'Resumen de la deliberación, para el acta.') }, { additionalProperties: false });
export const ReasonBody = Type.Object({ reason: Text(textLimits.reason) }, { additionalProperties: false });
export const OrderBody = Type.Object({ order: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 50, uniqueItems: true, description: 'Los puntos pendientes, en el nuevo orden.' }) }, { additionalProperties: false });
export const RescheduleBody = Type.Object({ startsAt: InstantIn('Nuevo inicio, con zona horaria.') }, { additionalProperties: false });

export const CloseSessionBody = Type.Object({ observationDeadline: DeadlineBody }, { additionalProperties: false });
export const ObservationBody = Type.Object({ text: Text(textLimits.comment) }, { additionalProperties: false });
export const CorrectionBody = Type.Object({ text: Text(textLimits.document, 'El acta corregida, entera.'), changeSummary: Text(textLimits.reason) }, { additionalProperties: false });

const Counts = Type.Object({
  members: Type.Integer(), answered: Type.Integer(), aprueba: Type.Integer(), aprueba_con_observaciones: Type.Integer(), objeta: Type.Integer(),
  se_abstiene: Type.Integer(), tacit: Type.Integer(),
}, { description: 'El recuento sobre los miembros presentes.' });

const CastView = Type.Object({
  institution: Type.String(), position: Enum(positions), comment: Nullable(Type.String()), onBehalf: Type.Boolean({ description: 'Registrada por la Secretaría Técnica en su nombre.' }), at: Instant,
});

export const AgendaItemView = Type.Object({
  n: Type.Integer(), kind: Enum(agendaItemKinds), title: Type.String(), proposalId: Nullable(Type.String()), taskId: Nullable(Type.String()),
  status: Enum(itemStatuses), summary: Nullable(Type.String()), reason: Nullable(Type.String()), outcome: Nullable(Enum(itemOutcomes)),
  number: Nullable(Type.String({ description: 'Número del acuerdo adoptado.' })), counts: Nullable(Counts),
  absent: Type.Array(Type.String(), { description: 'Miembros ausentes: constan como ausentes, nunca como conformidad tácita.' }),
  positions: Type.Array(CastView, { description: 'La posición vigente de cada miembro presente.' }),
  history: Type.Array(CastView, { description: 'Todas las posiciones, cambios incluidos.' }),
}, { ...Open, description: 'Un punto de la agenda, con su resultado cuando se cerró.' });

export const SessionPositionView = Type.Object({
  n: Type.Integer(), institution: Type.String(), position: Enum(positions), comment: Nullable(Type.String()),
  onBehalf: Type.Boolean({ description: 'Registrada por la Secretaría Técnica en su nombre.' }), at: Instant,
}, { description: 'La posición registrada, vigente hasta que la institución la cambie o se cierre el punto.' });

export const SessionView = Type.Object({
  id: Type.String(), kind: Enum(sessionKinds), status: Enum(sessionStatuses), startsAt: Instant, place: Nullable(Type.String()), videoUrl: Nullable(Type.String()),
  call: Type.Integer({ description: '1 o 2: primera o segunda convocatoria.' }), secondCallAt: Nullable(Instant), openedAt: Nullable(Instant),
  sequence: Type.Integer({ description: 'SEQUENCE de la invitación de calendario.' }), invited: Type.Array(Type.String()), members: Type.Array(Type.String()),
  agenda: Type.Array(AgendaItemView),
  confirmations: Type.Array(Type.Object({
    institution: Type.String(), attends: Type.Boolean(), representative: Nullable(Type.Object({ name: Type.String(), email: Type.String() })), at: Instant,
  })),
  present: Type.Array(Type.String()),
  quorum: Type.Object({ required: Type.Integer(), present: Type.Integer(), met: Type.Boolean(), call: Type.Integer() }),
  acta: Nullable(Type.Object({
    status: Enum(actaStatuses), deadline: Instant, version: Type.Integer(), sha256: Nullable(Type.String()),
    answers: Type.Record(Type.String(), Enum(actaAnswers)), text: Type.String(),
    observations: Type.Array(Type.Object({ institution: Type.String(), text: Type.String(), at: Instant })),
  }, { description: 'El acta: en observación hasta su plazo (el silencio es aprobación), luego aprobada y firmada.' })),
}, { ...Open, description: 'Una sesión, entera.' });

export const SessionSummary = Type.Object({
  id: Type.String(), kind: Enum(sessionKinds), status: Enum(sessionStatuses), startsAt: Instant, place: Nullable(Type.String()),
  videoUrl: Nullable(Type.String()), items: Type.Integer(),
});
export const SessionList = Type.Object({ items: Type.Array(SessionSummary) }, { description: 'Sesiones, de la más próxima a la más lejana.' });

const Codes = (description: string) => Type.Array(Type.String(), { description });
export const ActaRegisterEntry = Type.Object({
  sessionId: Type.String(), kind: Enum(sessionKinds), startsAt: Instant,
  approvedAt: Instant, version: Type.Integer({ description: 'La versión del proyecto de acta que se aprobó.' }),
  sha256: Nullable(Type.String({ description: 'SHA-256 del PDF firmado; null mientras se firma.' })), signedAt: Nullable(Instant),
  approval: Type.Object({
    bySilence: Type.Boolean({ description: 'Aprobada (en parte) por silencio: alguna institución que asistió no respondió en el plazo.' }),
    conforme: Codes('Instituciones que dieron su conformidad.'), observaciones: Codes('Instituciones que hicieron observaciones.'),
    silencio: Codes('Instituciones que no respondieron en el plazo: su silencio es aprobación.'),
  }, { description: 'Cómo se aprobó el acta.' }),
});
export const ActaRegister = Type.Object({ items: Type.Array(ActaRegisterEntry) }, { description: 'Las actas aprobadas, de la última aprobada a la primera.' });
export type ActaRegisterAnswer = Static<typeof ActaRegister>;

export type SessionAnswer = Static<typeof SessionView>;
export type SessionListAnswer = Static<typeof SessionList>;

/** The largest file a verification takes: 750 kB, a million characters in base64. */
export const actaUploadLimit = 750_000;
export const ActaUploadBody = Type.Object({
  pdf: Type.String({ minLength: 1, maxLength: Math.ceil(actaUploadLimit / 3) * 4, pattern: '^[A-Za-z0-9+/=\\s]+$', description: 'El archivo PDF que se quiere comprobar, en base64.' }),
}, { additionalProperties: false });

export const ActaVerificationView = Type.Object({
  matches: Type.Boolean({ description: 'El archivo es, byte a byte, el acta firmada original.' }),
  sha256: Type.String({ description: 'SHA-256 del archivo recibido.' }),
  original: Type.Object({ sha256: Type.String(), version: Type.Integer(), signer: Type.String(), signedAt: Instant }),
  message: Type.String(),
}, { description: 'La comparación del archivo con el acta firmada.' });

export const SessionsReportQuery = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100, description: 'Año (por defecto, el actual).' }) }, { additionalProperties: false });
export const SessionsReportView = Type.Object({
  year: Type.Integer(),
  sessionsHeld: Type.Object({ ordinaria: Type.Integer(), extraordinaria: Type.Integer() }, { description: 'Sesiones celebradas (abiertas con quórum).' }),
  attendance: Type.Array(Type.Object({ institution: Type.String(), convened: Type.Integer(), present: Type.Integer() }), { description: 'Por institución miembro: sesiones celebradas a las que fue convocada, y a cuántas asistió.' }),
  agreements: Type.Object({ inSession: Type.Integer(), inWrittenRounds: Type.Integer() }, { description: 'Acuerdos del año adoptados en sesión y en rondas escritas.' }),
}, { description: 'Sesiones del año en cifras.' });

export const SignedActaView = Type.Object({
  sha256: Type.String(), version: Type.Integer(), signer: Type.String(), signedAt: Instant,
  pdf: Type.String({ description: 'El PDF firmado, en base64.' }),
}, { description: 'El acta firmada (con Accept: application/json); sin él, el PDF mismo (application/pdf).' });
