// TypeBox schemas: the single source of the API's request and response shapes, validated by
// fastify and published in /openapi.json.
import Type, { type Static } from 'typebox';
import { nonWorkingDayKinds } from '../domain/calendar';
import { positions } from '../domain/decision';
import { inputDecisions, inputKinds, workingGroupDecisions } from '../domain/events';
import { deliveryChannels, deliveryStatuses, notificationModes } from '../domain/notices';
import { draftStatuses, type ProposalDraft, type ProposalLaunch } from '../domain/proposal';
import { instantPattern, textLimits, textPatterns, webAddressPattern } from '../domain/text';
import { taskStatuses } from '../domain/tasks';
import {
  decisionRules, institutionKinds, migrationStages, pnmObjectives, populations, priorities, processStages,
  proposalStatuses, silencePolicies,
} from '../domain/vocabulary';

// Every stored string follows domain/text.ts: the patterns refuse control characters (a
// multi-line text keeps tab and LF) and lone surrogates; the API has already normalized it (NFC, LF).
const TextOf = (maxLength: number, description?: string, minLength = 1) =>
  Type.String({ minLength, maxLength, pattern: textPatterns.text, description });
const Text = (maxLength: number, description?: string) => TextOf(maxLength, description);
/** A one-line text: a title, a name. */
export const Line = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, pattern: textPatterns.line, description });
export const Enum = <const T extends string[]>(values: readonly [...T], description?: string) =>
  Type.Enum<T>(values, { description });
export const Code = Type.String({ minLength: 1, maxLength: textLimits.code, pattern: textPatterns.line, description: 'Código de institución o de grupo (p. ej. MINSA, GT3).' });
const IsoDuration = Type.String({ minLength: 2, maxLength: 40, pattern: textPatterns.line, description: 'Duración ISO 8601 de hasta 10 años, p. ej. P10D o PT30S.' });
const Days = (description: string) => Type.Integer({ description });
/**
 * A deadline (docs/domain.md#calendario-y-plazos): working days, calendar days, a fixed date or an
 * ISO 8601 duration. Limits (at least a day, at most 10 years, no past date) are the domain's
 * (domain/calendar.ts), which names what is wrong.
 */
export const DeadlineBody = Type.Union([
  Type.Object({ workingDays: Days('Días hábiles en el calendario de la Mesa; vence al cierre del último, hora de Lima.') }, { additionalProperties: false }),
  Type.Object({ days: Days('Días calendario; vence al cierre del último (el día hábil siguiente si no es hábil), hora de Lima.') }, { additionalProperties: false }),
  Type.Object({ until: Type.String({ minLength: 10, maxLength: 10, description: 'Vence al cierre de ese día (AAAA-MM-DD), hora de Lima.' }) }, { additionalProperties: false }),
  IsoDuration,
], { description: 'Un plazo: {"workingDays": n}, {"days": n}, {"until": "AAAA-MM-DD"} o una duración ISO 8601.' });
/** A reminder: this long before a deadline (no fixed date). */
const ReminderBody = Type.Union([
  Type.Object({ workingDays: Days('Días hábiles antes del vencimiento.') }, { additionalProperties: false }),
  Type.Object({ days: Days('Días antes del vencimiento (el día hábil anterior si no es hábil).') }, { additionalProperties: false }),
  IsoDuration,
], { description: 'Cuánto antes del vencimiento: {"workingDays": n}, {"days": n} o una duración ISO 8601.' });

export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
});

export const TokenRequest = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 200 }),
}, { additionalProperties: false });

export const UserBody = Type.Object({
  id: Type.String(), name: Type.String(), email: Type.String(),
  institution: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), kind: Enum(institutionKinds) }),
  roles: Type.Array(Type.String()),
}, { description: 'Un usuario y su institución.' });

export const TokenResponse = Type.Object({ token: Type.String(), expiresAt: Type.String(), user: UserBody }, { description: 'El token bearer, su vencimiento y el usuario.' });

export const InstitutionBody = Type.Object({
  id: Type.String(), code: Type.String(), name: Type.String(), kind: Enum(institutionKinds),
  workingGroups: Type.Array(Type.String()), commissions: Type.Array(Type.String()),
  active: Type.Boolean(), unconfirmed: Type.Boolean({ description: 'La fuente no nombra esta institución: dato por confirmar.' }),
});
export type InstitutionAnswer = Static<typeof InstitutionBody>;

export const GroupBody = Type.Object({
  code: Type.String(), name: Type.String(), population: Type.Union([Type.String(), Type.Null()]),
  coordinator: Type.Union([Type.String(), Type.Null()]), members: Type.Array(Type.String()),
  unconfirmed: Type.Boolean(),
});
export type GroupAnswer = Static<typeof GroupBody>;

export const PlannedActionBody = Type.Object({
  title: Line(textLimits.title),
  responsible: Type.Array(Code, { minItems: 1, maxItems: 22 }),
  dueIn: DeadlineBody,
  deliverable: Text(1000),
  reminders: Type.Optional(Type.Array(ReminderBody, { maxItems: 10, description: 'Recordatorios antes del vencimiento (por defecto 3 días hábiles y 1 día hábil).' })),
}, { additionalProperties: false });

export const ProposalLaunchBody = Type.Object({
  title: Line(textLimits.title, 'Título de la propuesta.'),
  summary: Text(textLimits.summary, 'Resumen.'),
  text: Text(textLimits.document, 'Texto en Markdown, con párrafos numerados.'),
  objectives: Type.Array(Enum(pnmObjectives), { minItems: 1, uniqueItems: true, description: 'Objetivos específicos de la PNM.' }),
  populations: Type.Array(Enum(populations), { minItems: 1, uniqueItems: true }),
  leadWorkingGroup: Code,
  workingGroups: Type.Optional(Type.Array(Code, { uniqueItems: true, maxItems: 4 })),
  migrationStages: Type.Optional(Type.Array(Enum(migrationStages), { uniqueItems: true })),
  priority: Type.Optional(Enum(priorities)),
  stages: Type.Optional(Type.Array(Enum(processStages), { minItems: 1, maxItems: 4, uniqueItems: true })),
  deadlines: Type.Optional(Type.Object({
    grupo_de_trabajo: Type.Optional(DeadlineBody), consulta: Type.Optional(DeadlineBody),
    revision: Type.Optional(DeadlineBody), conformidad: Type.Optional(DeadlineBody),
  }, { additionalProperties: false })),
  decisionRule: Type.Optional(Enum(decisionRules)),
  quorum: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Fracción de miembros que debe responder (por defecto 0.5).' })),
  silencePolicy: Type.Optional(Enum(silencePolicies)),
  extension: Type.Optional(ReminderBody),
  reminders: Type.Optional(Type.Array(ReminderBody, { maxItems: 10 })),
  actions: Type.Optional(Type.Array(PlannedActionBody, { maxItems: 100 })),
  decisionInSession: Type.Optional(Type.Boolean({
    description: 'Se decide en sesión plenaria en lugar de una ronda escrita: en la etapa de conformidad espera un punto de agenda de una sesión (por defecto false).',
  })),
}, { additionalProperties: false });

// The schema and the domain type must describe the same body (checked when compiling).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _launchSchemaMatchesDomain: Same<Static<typeof ProposalLaunchBody>, ProposalLaunch> = true;

/**
 * A draft of a proposal (docs/domain.md#borradores): any of the launch fields, each checked as at
 * launch; a planned action may be half filled in. What is missing is told at launch.
 */
export const DraftContentBody = Type.Object({
  ...Type.Partial(Type.Omit(ProposalLaunchBody, ['actions'])).properties,
  actions: Type.Optional(Type.Array(Type.Partial(PlannedActionBody), { maxItems: 100 })),
}, { additionalProperties: false, description: 'Los campos del lanzamiento que ya se tienen; ninguno es obligatorio.' });
const _draftSchemaMatchesDomain: Same<Static<typeof DraftContentBody>, ProposalDraft> = true;

const Problems = Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
  description: 'Lo que el lanzamiento aún rechazaría, campo por campo (vacío: puede lanzarse).',
});

export const DraftView = Type.Object({
  id: Type.String(),
  status: Enum(draftStatuses, 'borrador (editable), lanzando, lanzado (solo lectura, con su propuesta) o descartado.'),
  content: DraftContentBody,
  proposalId: Type.Union([Type.String(), Type.Null()], { description: 'La propuesta que nace del borrador, una vez lanzado.' }),
  launchProblems: Problems,
  createdBy: Type.String(), updatedBy: Type.String(),
  createdAt: Type.String(), updatedAt: Type.String(), launchedAt: Type.Union([Type.String(), Type.Null()]),
}, { description: 'Un borrador de propuesta.' });
export type DraftAnswer = Static<typeof DraftView>;

export const DraftList = Type.Object({
  items: Type.Array(Type.Object({
    id: Type.String(), title: Type.Union([Type.String(), Type.Null()]), status: Enum(draftStatuses),
    proposalId: Type.Union([Type.String(), Type.Null()]), ready: Type.Boolean({ description: 'Ya puede lanzarse.' }), updatedAt: Type.String(),
  })),
}, { description: 'Los borradores, los cambiados más recientemente primero.' });
export type DraftListAnswer = Static<typeof DraftList>;

export const DraftListQuery = Type.Object({
  status: Type.Optional(Enum(draftStatuses, 'Solo los de este estado; por defecto, los borradores y los que se están lanzando.')),
}, { additionalProperties: false });

export const DraftPreview = Type.Object({
  plan: Type.Object({}, { additionalProperties: true, description: 'El borrador con los valores por defecto del lanzamiento.' }),
  stages: Type.Array(Type.Object({
    stage: Enum(processStages), opensAt: Type.String(), dueAt: Type.Union([Type.String(), Type.Null()], { description: 'null si su plazo no es válido.' }),
  }), { description: 'Cada etapa con su vencimiento, si se lanzara ahora y cada etapa usara todo su plazo.' }),
  actionsDueAt: Type.Array(Type.Union([Type.String(), Type.Null()]), { description: 'El vencimiento de cada acción prevista si se adoptara al cerrar la última etapa.' }),
  launchProblems: Problems,
}, { description: 'La propuesta como se vería al lanzarse.' });
export type DraftPreviewAnswer = Static<typeof DraftPreview>;

export const ProposalListQuery = Type.Object({
  stage: Type.Optional(Enum([...processStages, 'cerrada'] as const)),
  status: Type.Optional(Enum(proposalStatuses)),
  objective: Type.Optional(Enum(pnmObjectives)),
  workingGroup: Type.Optional(Code),
  pendingFor: Type.Optional(Code),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Búsqueda de texto completo en español (sin distinguir tildes) en número de acuerdo, título, resumen, texto vigente y aportes: las mejores coincidencias primero, en una sola página (sin nextCursor).' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

const Reason = (description: string) => TextOf(textLimits.reason, description);
/** A text that may be empty (its rule, when it is required, is the workflow's). */
const OptionalText = (maxLength: number, description: string) => TextOf(maxLength, description, 0);

export const WorkingGroupDecisionBody = Type.Object({
  decision: Enum(workingGroupDecisions),
  reason: Type.Optional(OptionalText(textLimits.reason, 'Obligatorio para devolver y rechazar.')),
}, { additionalProperties: false });

export const InputBody = Type.Object({
  kind: Enum(inputKinds, 'comentario (general) o cambio (a un párrafo).'),
  text: Text(textLimits.comment),
  paragraph: Type.Optional(Type.Integer({ minimum: 1, description: 'Párrafo de la versión vigente (obligatorio para un cambio).' })),
}, { additionalProperties: false });

export const AnswerBody = Type.Object({
  decision: Enum(inputDecisions),
  reason: Reason('Por qué se acoge o no el aporte.'),
  correction: Type.Optional(Type.Boolean({ description: 'true para corregir una respuesta ya dada: un aporte se responde una vez, y cada corrección lo dice.' })),
}, { additionalProperties: false });

export const VersionBody = Type.Object({
  text: Text(textLimits.document, 'Texto completo de la nueva versión, en Markdown.'),
  changeSummary: Reason('Resumen de los cambios.'),
}, { additionalProperties: false });

export const EmptyBody = Type.Object({}, { additionalProperties: false });

export const SignoffBody = Type.Object({
  position: Enum(positions),
  comment: Type.Optional(OptionalText(textLimits.comment, 'Obligatorio con aprueba_con_observaciones y objeta.')),
  institution: Type.Optional(Type.String({ maxLength: textLimits.code, pattern: textPatterns.line, description: 'Si se envía, debe ser la institución de quien llama.' })),
}, { additionalProperties: false });

export const CommentBody = Type.Object({ text: Text(textLimits.comment) }, { additionalProperties: false });

export const WithdrawBody = Type.Object({ reason: Reason('Motivo del retiro.') }, { additionalProperties: false });

/**
 * A correction of the proposal's description after launch (docs/domain.md#correccion-de-datos): the
 * fields to change, at least one, and why. The text changes only with a new version.
 */
export const CorrectionBody = Type.Object({
  title: Type.Optional(ProposalLaunchBody.properties.title),
  summary: Type.Optional(ProposalLaunchBody.properties.summary),
  objectives: Type.Optional(ProposalLaunchBody.properties.objectives),
  populations: Type.Optional(ProposalLaunchBody.properties.populations),
  migrationStages: Type.Optional(Type.Array(Enum(migrationStages), { uniqueItems: true })),
  priority: Type.Optional(Enum(priorities)),
  reason: Reason('Por qué se corrigen los datos.'),
}, { additionalProperties: false });

/** The secretariat's way out for a stopped process: resume it where its history left off, or close it. */
export const RecoveryBody = Type.Object({
  action: Enum(['reanudar', 'cerrar'], 'reanudar: continúa desde lo último registrado; cerrar: lo da por terminado (solo propuestas).'),
  reason: Reason('Motivo: queda en el registro de auditoría (al cerrar) y en la historia del motor (al reanudar).'),
}, { additionalProperties: false });

export const InputParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }), inputId: Type.String({ minLength: 1, maxLength: 120 }) });

export const TaskListQuery = Type.Object({
  institution: Type.Optional(Code),
  status: Type.Optional(Enum(taskStatuses)),
  proposal: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  overdue: Type.Optional(Type.Boolean()),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });

const IsoDate = Type.String({ format: 'date-time', pattern: instantPattern, description: 'Fecha y hora ISO 8601 con zona horaria (segundos 00–59), p. ej. 2027-03-31T17:00:00-05:00.' });
const Url = Type.String({ format: 'uri', maxLength: textLimits.url, pattern: webAddressPattern, description: 'Enlace a la evidencia (http o https).' });

export const ChangeRequestBody = Type.Object({
  reason: Reason('Por qué se pide la reasignación o la nueva fecha.'),
  proposedDueDate: Type.Optional(IsoDate),
}, { additionalProperties: false });

export const ChangeDecisionBody = Type.Object({
  granted: Type.Boolean(),
  comment: Reason('Motivo de la decisión.'),
  responsible: Type.Optional(Type.Array(Code, { minItems: 1, maxItems: 22, uniqueItems: true, description: 'Nuevas instituciones responsables, al conceder una reasignación.' })),
}, { additionalProperties: false });

export const ProgressBody = Type.Object({
  percent: Type.Integer({ minimum: 0, maximum: 100 }),
  note: Type.Optional(OptionalText(textLimits.comment, 'Obligatoria si el avance baja.')),
  evidenceUrl: Type.Optional(Url),
}, { additionalProperties: false });

export const CompletionBody = Type.Object({ summary: Text(textLimits.comment, 'Resultado obtenido.'), evidenceUrl: Type.Optional(Url) }, { additionalProperties: false });

export const VerificationBody = Type.Object({
  accepted: Type.Boolean(),
  comment: OptionalText(textLimits.comment, 'Observaciones; obligatorias al devolver.'),
}, { additionalProperties: false });

// Unicode is allowed on both sides of the @ (internationalized addresses); spaces and the
// characters that would break an address header are not.
// Control characters and lone surrogates are refused too (domain/text.ts).
const addressPart = '[^\\s@<>(),;:"\\[\\]\\u0000-\\u001F\\uD800-\\uDFFF]+';
const Email = Type.String({ minLength: 3, maxLength: 254, pattern: `^${addressPart}@${addressPart}\\.${addressPart}$`, description: 'Correo electrónico.' });
const Person = Type.Object({ name: Line(textLimits.name), email: Email }, { additionalProperties: false });

const WebhookUrl = Type.String({ format: 'uri', pattern: '^https?://[^\\u0000-\\u001F\\uD800-\\uDFFF]*$', maxLength: textLimits.url, description: 'Recibe un POST JSON firmado por cada aviso.' });

const ContactPeople = {
  titular: Person,
  alterno: Type.Union([Person, Type.Null()], { description: 'Recibe también los escalamientos.' }),
};

/** The titular and alterno alone: the webhook stays as it is. */
export const ContactPeopleBody = Type.Object(ContactPeople, { additionalProperties: false, description: 'Titular y alterno de la institución.' });

export const WebhookBody = Type.Object({ url: WebhookUrl }, { additionalProperties: false, description: 'La dirección del webhook; la clave de la firma la crea la Mesa.' });

export const WebhookAnswer = Type.Object({
  url: Type.String(),
  secret: Type.Union([Type.String(), Type.Null()], { description: 'La clave de la firma HMAC-SHA256, solo cuando se crea o se renueva: no vuelve a mostrarse. Null cuando se conserva la anterior.' }),
}, { description: 'El webhook de la institución.' });

export const ContactsBody = Type.Object({
  ...ContactPeople,
  webhook: Type.Union([Type.Object({
    url: WebhookUrl,
    secret: Type.String({ minLength: 16, maxLength: 200, pattern: textPatterns.line, description: 'Clave de la firma HMAC-SHA256 (cabecera X-Mesa-Signature).' }),
  }, { additionalProperties: false }), Type.Null()]),
}, { additionalProperties: false });

export const ContactsResponse = Type.Object({
  institution: Type.String(),
  titular: Type.Union([Type.Object({ name: Type.String(), email: Type.String() }), Type.Null()]),
  alterno: Type.Union([Type.Object({ name: Type.String(), email: Type.String() }), Type.Null()]),
  webhook: Type.Union([Type.Object({ url: Type.String(), secretSet: Type.Boolean() }), Type.Null()]),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
}, { description: 'Los contactos de la institución (el secreto del webhook nunca se muestra).' });

export const PreferencesBody = Type.Object({
  notifications: Enum(notificationModes, 'inmediato: un correo por aviso; resumen_diario: un correo al día con los avisos del día.'),
}, { additionalProperties: false, description: 'Cómo recibe sus avisos por correo.' });

export const DeliveryListQuery = Type.Object({
  status: Type.Optional(Enum(deliveryStatuses)),
  channel: Type.Optional(Enum(deliveryChannels)),
  institution: Type.Optional(Code),
  proposal: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  task: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });

// ---- answers -------------------------------------------------------------------------------
// What each route answers, as fastify serializes it: a property missing here would be dropped
// from the answer, so every field a read returns is declared, and the shapes that carry a
// recorded plan or event data stay open (additionalProperties) rather than being cut. Fields a
// reader may not see (domain/visibility.ts) are optional.
// The answers the pages render (api/web/pages) have their type beside their schema.

const Open = { additionalProperties: true } as const;
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
export const Instant = Type.String({ description: 'Fecha y hora ISO 8601.' });
const Counts = Type.Record(Type.String(), Type.Integer(), { description: 'Cantidad por estado.' });

/** A refusal a route may answer with. */
export type ErrorStatus = keyof typeof errorMeanings;

/** The error body, with the description each status gives it in the document. */
export const errorResponses = <const S extends ReadonlyArray<ErrorStatus>>(...statuses: S) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Object(ErrorBody.properties, { description: errorMeanings[s] })])) as { [K in S[number]]: typeof ErrorBody };

const errorMeanings = {
  400: 'Petición no válida: un campo, la dirección o la consulta no cumplen el contrato (details.field lo nombra); toda ruta rechaza así los caracteres de control en la dirección.',
  401: 'Sin sesión, o con un token vencido o no válido.',
  403: 'El rol o la institución de quien llama no permiten esta acción.',
  404: 'No existe, o quien llama no puede leerlo todavía.',
  409: 'En conflicto con el estado actual: cerrada, detenida o una Idempotency-Key ya usada.',
  413: 'El archivo o el cuerpo supera el tamaño máximo (details.maxBytes).',
  415: 'El contenido del archivo no es de un tipo aceptado (PDF, DOCX, XLSX, PNG o JPEG), o su nombre no corresponde a su contenido.',
  422: 'Una regla de la Mesa no permite la acción ahora (plazo, etapa, turno).',
  429: 'Demasiados intentos: espere lo que indica Retry-After.',
  503: 'La base de datos o el motor de workflows no responde: reintente (Retry-After).',
} as const;

export const HealthBody = Type.Object({ status: Type.Literal('ok') }, { description: 'El proceso responde.' });

export const ReadyBody = Type.Object({
  status: Enum(['ready', 'unavailable']),
  database: Type.Boolean({ description: 'La base de datos respondió.' }),
  temporal: Type.Boolean({ description: 'El servicio de workflows respondió.' }),
}, { description: 'Estado de las dependencias.' });

export const CalendarTokenBody = Type.Object({
  institution: Type.String(),
  url: Type.String({ description: 'Dirección secreta del calendario (iCalendar); se muestra solo esta vez.' }),
}, { description: 'La nueva dirección del calendario.' });

export const SignoffView = Type.Object({
  institution: Type.String(), position: Enum(positions), comment: Nullable(Type.String()), version: Type.Integer(),
  round: Type.Integer(), at: Instant, tacit: Type.Boolean({ description: 'Conformidad tácita: el plazo venció sin respuesta.' }),
});

export const InputView = Type.Object({
  id: Type.String(), institution: Type.String(), kind: Enum(inputKinds), text: Type.String(),
  paragraph: Nullable(Type.Integer()), version: Type.Integer(), at: Instant,
  answer: Type.Optional(Type.Object({ decision: Enum(inputDecisions), reason: Nullable(Type.String()), at: Type.Optional(Instant) })),
}, { description: 'Un aporte y, si ya se respondió, su respuesta.' });

export const VersionView = Type.Object({ number: Type.Integer(), text: Type.String(), changeSummary: Nullable(Type.String()), at: Instant }, { description: 'Una versión del texto.' });

export const CommentView = Type.Object({ id: Type.String(), institution: Type.String(), text: Type.String(), version: Type.Integer(), at: Instant }, { description: 'Un comentario.' });

/** The answer to a sign-off: the position as recorded. */
export const SignoffAnswer = Type.Object({
  institution: Type.String(), position: Enum(positions), comment: Type.Optional(Nullable(Type.String())), version: Type.Integer(), at: Instant,
}, { description: 'La posición registrada.' });

const RoundCounts = Type.Object({
  members: Type.Integer(), answered: Type.Integer(), aprueba: Type.Integer(), aprueba_con_observaciones: Type.Integer(),
  objeta: Type.Integer(), se_abstiene: Type.Integer(), tacit: Type.Integer(),
});

/** In a list, a stopped item says so; read alone, it says since when and what the engine reported. */
const StoppedInList = Type.Optional(Type.Literal(true, { description: 'Presente mientras el proceso está detenido.' }));
const StoppedSince = Type.Optional(Type.Object({ engineStatus: Type.String(), detectedAt: Instant }, { description: 'Presente mientras el proceso está detenido.' }));

const summaryFields = {
  id: Type.String(),
  number: Nullable(Type.String({ description: 'Número de acuerdo, una vez adoptada.' })),
  title: Type.String(), summary: Type.String(),
  status: Enum(proposalStatuses), stage: Type.String({ description: 'Etapa actual del proceso, o cerrada.' }),
  objectives: Type.Array(Type.String()), populations: Type.Array(Type.String()),
  leadWorkingGroup: Type.String(), workingGroups: Type.Array(Type.String()),
  currentVersion: Type.Integer(),
  deadlines: Type.Record(Type.String(), Type.String(), { description: 'Vencimiento de cada etapa (ISO 8601).' }),
  pendingFor: Type.Array(Type.String({ description: 'Instituciones de las que se espera algo en la etapa actual (una OSC solo se ve a sí misma).' })),
  round: Type.Integer(), consultationOpen: Type.Boolean(),
  createdAt: Instant, updatedAt: Instant,
};

export const ProposalSummaryBody = Type.Object({ ...summaryFields, stopped: StoppedInList }, Open);

export const ProposalPage = Type.Object({
  items: Type.Array(ProposalSummaryBody), nextCursor: Nullable(Type.String({ description: 'Para pedir la página siguiente (cursor).' })),
}, { description: 'Una página de propuestas.' });
export type ProposalList = Static<typeof ProposalPage>;

export const ProposalBody = Type.Object({
  ...summaryFields,
  stopped: StoppedSince,
  migrationStages: Type.Optional(Type.Array(Type.String())),
  priority: Type.Optional(Type.String()),
  rules: Type.Object({}, { ...Open, description: 'Reglas del proceso: etapas, regla de decisión, quórum, silencio, recordatorios, prórroga, decisión en sesión.' }),
  actions: Type.Array(Type.Object({}, Open), { description: 'Acciones previstas: las tareas que nacen al adoptarse.' }),
  launchedBy: Type.Object({ userId: Type.Optional(Type.String({ description: 'Solo para la Secretaría Técnica.' })), institution: Type.String() }),
  versions: Type.Array(VersionView),
  inputs: Type.Array(InputView),
  signoffs: Type.Optional(Type.Array(SignoffView, { description: 'La posición vigente de cada institución en la última ronda (no para las OSC).' })),
  signoffHistory: Type.Optional(Type.Array(SignoffView)),
  pendingSignoffs: Type.Array(Type.String()),
  decision: Type.Optional(Type.Object({
    outcome: Enum(['adoptada', 'observada', 'rechazada']), reason: Type.String(), quorumMet: Type.Boolean(), counts: RoundCounts,
    rule: Type.String(), round: Type.Integer(), version: Type.Integer(), at: Instant,
  }, { ...Open, description: 'La decisión de la última ronda cerrada.' })),
  tally: Type.Optional(Type.Object({ round: Type.Integer(), ...RoundCounts.properties }, { description: 'El recuento de la ronda de conformidad vigente.' })),
  comments: Type.Optional(Type.Array(CommentView)),
  tasks: Type.Unknown({ description: 'Las tareas nacidas del acuerdo.' }),
  timeline: Type.Array(Type.Object({ at: Instant, stage: Type.String(), event: Type.String() }, Open)),
  corrections: Type.Optional(Type.Array(Type.Object({
    at: Instant, institution: Nullable(Type.String()),
    fields: Type.Array(Type.String(), { description: 'Los datos corregidos.' }),
    before: Type.Object({}, { ...Open, description: 'Sus valores antes de la corrección.' }),
    after: Type.Object({}, { ...Open, description: 'Sus valores corregidos.' }),
    reason: Type.String(),
  }), { description: 'Correcciones de datos tras el lanzamiento, las más antiguas primero.' })),
}, { ...Open, description: 'Una propuesta completa, como quien llama puede leerla.' });
export type ProposalAnswer = Static<typeof ProposalBody>;

const AuditEvent = Type.Object({
  seq: Type.Integer(), at: Instant,
  actor: Nullable(Type.String({ description: 'Usuario que actuó: solo para la Secretaría Técnica (null para las demás).' })),
  institution: Nullable(Type.String()), action: Type.String(),
  data: Type.Object({}, { ...Open, description: 'Lo registrado por la acción.' }),
  hash: Type.String({ description: 'Sello de la entrada (HMAC-SHA256 de la entrada y del sello anterior).' }), prevHash: Type.String(),
}, { description: 'Una entrada sellada del registro de auditoría.' });

export const AuditBody = Type.Object({
  events: Type.Array(AuditEvent, { description: 'Vacío para las OSC, que solo reciben el resultado.' }),
  verified: Type.Boolean({ description: 'La cadena, sus anclas y lo publicado coinciden.' }),
  problems: Type.Optional(Type.Array(Type.Object({ seq: Nullable(Type.Integer()), field: Type.String(), message: Type.String() }, { description: 'Qué entrada (seq) o campo falló, y por qué.' }))),
}, { ...Open, description: 'El registro de auditoría y su verificación.' });
export type AuditAnswer = Static<typeof AuditBody>;

export const InboxBody = Type.Object({
  items: Type.Array(Type.Object({
    id: Type.String(), at: Instant, kind: Type.String(), title: Type.String(), read: Type.Boolean(),
    proposalId: Type.Optional(Type.String()), taskId: Type.Optional(Type.String()), dueAt: Type.Optional(Type.String()),
  }, Open)),
}, { description: 'Lo pendiente (primero, por vencimiento) y los avisos.' });
export type InboxAnswer = Static<typeof InboxBody>;

export const ReadMark = Type.Object({ id: Type.String(), read: Type.Boolean() }, { description: 'El mensaje, marcado como leído.' });

const taskFields = {
  id: Type.String(), proposalId: Type.String(), agreementNumber: Type.String(), index: Type.Integer(),
  title: Type.String(), deliverable: Type.String(), responsible: Type.Array(Type.String()), accepted: Type.Array(Type.String()),
  status: Enum(taskStatuses), dueAt: Instant, overdue: Type.Boolean(), percent: Type.Integer(),
  pendingFor: Type.Array(Type.String()), createdAt: Instant, updatedAt: Instant,
};

export const TaskSummaryBody = Type.Object({ ...taskFields, stopped: StoppedInList }, Open);

export const TaskPage = Type.Object({ items: Type.Array(TaskSummaryBody), nextCursor: Nullable(Type.String()) }, { description: 'Una página de tareas.' });
export type TaskList = Static<typeof TaskPage>;

export const ProgressView = Type.Object({
  institution: Type.String(), percent: Type.Integer(),
  note: Type.Optional(Nullable(Type.String({ description: 'Solo para el lado del Estado.' }))),
  evidenceUrl: Type.Optional(Nullable(Type.String({ description: 'Solo para el lado del Estado.' }))),
  at: Instant,
}, { description: 'Un informe de avance.' });

export const TaskBody = Type.Object({
  ...taskFields,
  stopped: StoppedSince,
  lines: Type.Array(Type.Object({ institution: Type.String(), accepted: Type.Boolean(), completed: Type.Boolean(), percent: Type.Integer() })),
  progress: Type.Array(ProgressView),
}, { ...Open, description: 'Una tarea, con el avance de cada institución.' });
export type TaskAnswer = Static<typeof TaskBody>;

const DimensionRowBody = Type.Object({
  key: Type.String(), proposals: Counts, tasks: Counts, tasksTotal: Type.Integer(), overdue: Type.Integer(),
});

export const PnmReportBody = Type.Object({
  generatedAt: Instant,
  pipeline: Type.Array(Type.Object({ stage: Type.String(), proposals: Type.Integer() })),
  objectives: Type.Array(DimensionRowBody), populations: Type.Array(DimensionRowBody), workingGroups: Type.Array(DimensionRowBody),
}, Open);
export type PnmReport = Static<typeof PnmReportBody>;

export const InstitutionsReportBody = Type.Object({
  institutions: Type.Array(Type.Object({
    institution: Type.String(), name: Type.String(), tasks: Counts, overdue: Type.Integer(),
    averageDaysToAccept: Nullable(Type.Number({ description: 'Días hábiles promedio desde la asignación hasta la aceptación.' })),
    signoffsAnswered: Nullable(Type.Integer({ description: 'null para las OSC.' })),
    signoffsTacit: Nullable(Type.Integer({ description: 'null para las OSC.' })),
    averageHoursToAnswer: Nullable(Type.Number({ description: 'null para las OSC, o sin respuestas.' })),
    averageWorkingDaysToAnswer: Nullable(Type.Number({ description: 'Días hábiles promedio desde la apertura de la ronda hasta la primera respuesta; null para las OSC, o sin respuestas.' })),
  }, Open)),
}, Open);
export type InstitutionsReport = Static<typeof InstitutionsReportBody>;

/** A report in JSON, or the same figures as CSV (Accept: text/csv). */
export const reportAnswer = <T extends typeof PnmReportBody | typeof InstitutionsReportBody>(json: T) => ({
  description: 'El informe en JSON, o en CSV con Accept: text/csv.',
  content: {
    'application/json': { schema: json },
    'text/csv': { schema: Type.String({ description: 'Las mismas cifras en CSV (UTF-8).' }) },
  },
});

export const DeliveryView = Type.Object({
  id: Type.String(), channel: Type.String(), recipient: Type.String(), institution: Type.String(), kind: Type.String(),
  subject: Type.String(), status: Enum(deliveryStatuses), attempts: Type.Integer(),
  retries: Type.Integer({ description: 'Veces que la Secretaría Técnica pidió enviarla de nuevo.' }),
  response: Nullable(Type.String({ description: 'Lo que respondió el receptor al aceptarla (p. ej. «HTTP 204»).' })),
  lastError: Nullable(Type.String()),
  createdAt: Instant, sentAt: Nullable(Instant), proposalId: Type.Optional(Type.String()), taskId: Type.Optional(Type.String()),
}, { ...Open, description: 'Una entrega por correo o webhook.' });

export const DeliveryPage = Type.Object({
  items: Type.Array(DeliveryView),
  nextCursor: Nullable(Type.String()),
}, { description: 'Una página de entregas.' });

export const StoppedList = Type.Object({
  items: Type.Array(Type.Object({
    kind: Enum(['propuesta', 'tarea']), id: Type.String(), title: Type.String(), engineStatus: Type.String(), detectedAt: Instant,
  }, Open)),
}, { description: 'Los procesos detenidos, el más antiguo primero.' });
export type StoppedProcesses = Static<typeof StoppedList>;

const IsoDay = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', minLength: 10, maxLength: 10, description: 'Un día del calendario de Lima, AAAA-MM-DD.' });

export const NonWorkingDayBody = Type.Object({
  date: IsoDay,
  reason: Type.String({ description: 'Por qué no se trabaja ese día.' }),
  kind: Enum(nonWorkingDayKinds, 'feriado (por ley) o no_laborable (declarado para el sector público).'),
  fixed: Type.Boolean({ description: 'Feriado nacional fijado por ley: no se puede quitar.' }),
  reference: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'La norma que lo declaró (p. ej. D.S. N.° 123-2026-PCM).' })),
}, { description: 'Un día no laborable.' });
export type NonWorkingDayAnswer = Static<typeof NonWorkingDayBody>;

export const NonWorkingDayList = Type.Array(NonWorkingDayBody, { description: 'Los días no laborables del año, feriados nacionales incluidos, por fecha.' });

export const NonWorkingDayQuery = Type.Object({
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: 'El año (por defecto, el actual en Lima).' })),
}, { additionalProperties: false });

export const NonWorkingDayParams = Type.Object({ date: IsoDay });

const DayReason = Line(300, 'Por qué no se trabaja ese día, p. ej. «Día no laborable para el sector público».');
const DayReference = Line(200, 'La norma que lo declaró, p. ej. «D.S. N.° 123-2026-PCM».');

export const NewNonWorkingDayBody = Type.Object({
  date: IsoDay,
  reason: DayReason,
  reference: Type.Optional(DayReference),
  kind: Type.Optional(Enum(nonWorkingDayKinds, 'Por defecto no_laborable.')),
}, { additionalProperties: false });

export const NonWorkingDayChangeBody = Type.Object({
  reason: DayReason,
  reference: Type.Optional(DayReference),
  kind: Type.Optional(Enum(nonWorkingDayKinds)),
}, { additionalProperties: false });

export const AddedNonWorkingDay = Type.Object({
  ...NonWorkingDayBody.properties,
  moved: Type.Integer({ minimum: 0, description: 'Cuántas propuestas abiertas podían tener ese día dentro de su plazo y fueron avisadas para moverlo.' }),
}, { description: 'El día registrado.' });

export const CalendarImportBody = Type.Object({
  ics: Type.String({ minLength: 1, maxLength: 1_000_000, description: 'El contenido de un archivo iCalendar (.ics): cada evento de día completo es un día no laborable; su título, el motivo.' }),
  reference: Type.Optional(DayReference),
  kind: Type.Optional(Enum(nonWorkingDayKinds, 'Por defecto no_laborable.')),
}, { additionalProperties: false });

export const CalendarImportAnswer = Type.Object({
  added: Type.Array(NonWorkingDayBody),
  skipped: Type.Array(Type.Object({ date: IsoDay, reason: Type.String() }), { description: 'Días del archivo que ya eran no laborables (fines de semana, feriados o días ya registrados).' }),
  moved: Type.Integer({ minimum: 0 }),
}, { description: 'Lo que se importó y lo que ya estaba.' });

/** The document's sections, one per part of the Mesa. */
export const documentTags = [
  { name: 'sistema', description: 'Estado del servicio.' },
  { name: 'auth', description: 'Sesión y usuario.' },
  { name: 'cuentas', description: 'Cuentas: contraseña, sesiones abiertas y, para la Secretaría Técnica, los usuarios de cada institución.' },
  { name: 'registro', description: 'Instituciones, grupos de trabajo y comisiones.' },
  { name: 'propuestas', description: 'Proceso 1: propuestas, aportes, versiones y conformidad.' },
  { name: 'borradores', description: 'Borradores de propuestas de la Secretaría Técnica: guardar, editar, vista previa y lanzamiento.' },
  { name: 'tareas', description: 'Proceso 2: tareas de los acuerdos.' },
  { name: 'sesiones', description: 'Sesiones plenarias: convocatoria, asistencia y quórum, decisiones en sesión y actas.' },
  { name: 'bandeja', description: 'Lo que espera a cada institución y su calendario.' },
  { name: 'calendario', description: 'Días hábiles: feriados nacionales y días no laborables declarados.' },
  { name: 'informes', description: 'Avance de la PNM y cumplimiento por institución.' },
  { name: 'notificaciones', description: 'Contactos, preferencias y entregas de avisos.' },
  { name: 'supervision', description: 'Procesos detenidos y su recuperación (Secretaría Técnica).' },
  { name: 'documentos', description: 'Documentos adjuntos a propuestas, versiones, aportes, informes de avance y conclusiones; el PDF de cada acuerdo.' },
];

// ---- attached documents -----------------------------------------------------------------------

const Filename = Type.String({ minLength: 1, maxLength: 200, pattern: textPatterns.line, description: 'Nombre del archivo, con su extensión (.pdf, .docx, .xlsx, .png, .jpg).' });

export const ProposalUploadQuery = Type.Object({
  filename: Filename,
  version: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Adjunta el documento a esta versión (Secretaría Técnica).' })),
  input: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Adjunta el documento a este aporte (la institución que lo hizo).' })),
}, { additionalProperties: false });

export const TaskUploadQuery = Type.Object({
  filename: Filename,
  on: Enum(['avance', 'entrega'] as const, 'avance: al último informe de avance de su institución; entrega: a su conclusión.'),
}, { additionalProperties: false });

export const AttachmentView = Type.Object({
  id: Type.String(),
  object: Enum(['propuesta', 'version', 'aporte', 'avance', 'entrega'] as const, 'A qué pertenece el documento.'),
  ref: Nullable(Type.String({ description: 'Cuál: el número de la versión, el id del aporte, el informe de avance; null para la propuesta o una conclusión.' })),
  filename: Type.String(), mediaType: Type.String(), size: Type.Integer(), sha256: Type.String(),
  institution: Type.String(), at: Instant,
  url: Type.String({ description: 'Dónde descargarlo (GET, con el mismo token).' }),
}, { description: 'Un documento adjunto.' });

export const AttachmentList = Type.Object({ items: Type.Array(AttachmentView) }, { description: 'Los documentos que quien llama puede leer.' });

export const DownloadList = Type.Object({
  items: Type.Array(Type.Object({ institution: Type.String(), userId: Type.String(), at: Instant })),
}, { description: 'Quién descargó el documento y cuándo, lo más reciente primero.' });

export const UploadBody = Type.Unsafe<Buffer>({ description: 'Los bytes del archivo, tal cual (Content-Type del archivo o application/octet-stream).' });

export const AgreementQuery = Type.Object({ lang: Type.Optional(Enum(['es', 'en'] as const, 'Idioma del documento (por defecto es).')) }, { additionalProperties: false });

export type AttachmentAnswer = Static<typeof AttachmentView>;
