// Every word of the Mesa a person reads, in Spanish and English, in one place. Codes are for the
// API and the database; pages, emails, calendar feeds, CSV exports and webhooks name things with
// these words instead. Pure data, so workflows, activities, api and tests read the same words.
import type { AccountEventKind, Designation } from './accounts';
import type { DeadlineUnit, NonWorkingDayKind } from './calendar';
import type { Outcome, Position } from './decision';
import type { InputDecision, InputKind, TimelineEvent, WorkingGroupDecision } from './events';
import type { DeliveryChannel, DeliveryStatus, NotificationKind, NotificationMode } from './notices';
import type { CorrectableField } from './proposal';
import type { TaskStatus } from './tasks';
import type { ActaAnswer, ActaStatus, AgendaItemKind, ItemOutcome, ItemStatus, SessionKind, SessionStatus } from './session';
import type {
  DecisionRule, GroupKind, InstitutionKind, MigrationStage, PnmObjective, Population, Priority, ProposalStage, ProposalStatus, Role, SilencePolicy,
} from './vocabulary';
import notificationKindsData from './notification-kinds.json';

export const languages = ['es', 'en'] as const;
export type Lang = (typeof languages)[number];

export interface Words { es: string; en: string }
const w = (es: string, en: string): Words => ({ es, en });

export const institutionKindWords: Record<InstitutionKind, Words> = {
  secretaria: w('Secretaría Técnica', 'Technical Secretariat'), miembro: w('Miembro', 'Member'), observador: w('Observador', 'Observer'),
  apoyo: w('Organismo de apoyo', 'Support organisation'), osc: w('Organización de la sociedad civil', 'Civil society organisation'),
};

export const roleWords: Record<Role, Words> = { ...institutionKindWords, admin: w('Administración', 'Administration') };

/** Those who hold a role, as a sentence names them ("Solo la Secretaría Técnica puede…"). */
export const roleHoldersWords: Record<Role, Words> = {
  secretaria: w('la Secretaría Técnica', 'the Technical Secretariat'), miembro: w('las instituciones miembro', 'the member institutions'),
  observador: w('los observadores', 'the observers'), apoyo: w('los organismos de apoyo', 'the support organisations'),
  osc: w('las organizaciones de la sociedad civil', 'the civil society organisations'), admin: w('los administradores', 'the administrators'),
};

export const groupKindWords: Record<GroupKind, Words> = {
  grupo_de_trabajo: w('Grupo de trabajo', 'Working group'), comision: w('Comisión', 'Commission'),
};

/** Stages of a proposal's process, and `cerrada`, where every proposal ends. */
export const stageWords: Record<ProposalStage, Words> = {
  grupo_de_trabajo: w('Grupo de trabajo', 'Working group'), consulta: w('Consulta', 'Consultation'), revision: w('Revisión', 'Revision'),
  conformidad: w('Conformidad', 'Sign-off'), cerrada: w('Cerrada', 'Closed'),
};

/** A stage as a deadline names it (calendar feeds). */
export const stageDeadlineWords: Record<ProposalStage, Words> = {
  grupo_de_trabajo: w('Revisión en grupo de trabajo', 'Working group review'), consulta: w('Consulta', 'Consultation'),
  revision: w('Revisión', 'Revision'), conformidad: w('Ronda de conformidad', 'Sign-off round'), cerrada: w('Cerrada', 'Closed'),
};

export const proposalStatusWords: Record<ProposalStatus, Words> = {
  en_curso: w('En curso', 'Open'), adoptada: w('Adoptada', 'Adopted'), observada: w('Observada', 'Sent back'),
  rechazada: w('Rechazada', 'Rejected'), retirada: w('Retirada', 'Withdrawn'),
};

export const outcomeWords: Record<Outcome, Words> = {
  adoptada: proposalStatusWords.adoptada, observada: proposalStatusWords.observada, rechazada: proposalStatusWords.rechazada,
};

export const taskStatusWords: Record<TaskStatus, Words> = {
  asignada: w('Asignada', 'Assigned'), en_ejecucion: w('En ejecución', 'In progress'), completada: w('Completada', 'Completed'),
  verificada: w('Verificada', 'Verified'),
};

/** Statuses counted in a report's column ("Propuestas adoptadas", "Tareas en ejecución"). */
export const statusCountWords: Record<ProposalStatus | TaskStatus, Words> = {
  en_curso: w('en curso', 'open'), adoptada: w('adoptadas', 'adopted'), observada: w('observadas', 'sent back'),
  rechazada: w('rechazadas', 'rejected'), retirada: w('retiradas', 'withdrawn'),
  asignada: w('asignadas', 'assigned'), en_ejecucion: w('en ejecución', 'in progress'), completada: w('completadas', 'completed'),
  verificada: w('verificadas', 'verified'),
};

/** A process the engine no longer runs, and what the secretariat may do with it (docs/domain.md#detenidos). */
export const stoppedWords = { detenida: w('Detenida', 'Stopped') } as const;
export const recoveryActionWords: Record<'reanudar' | 'cerrar', Words> = { reanudar: w('Reanudar', 'Resume'), cerrar: w('Cerrar', 'Close') };

export const pnmObjectiveWords: Record<PnmObjective, Words> = {
  OE1: w('Orientar al peruano y a la peruana con expectativas de migrar sobre las condiciones y posibilidades de desarrollo e integración en los países de destino.',
    'Orient Peruvians who intend to migrate on the conditions and prospects of development and integration in the countries of destination.'),
  OE2: w('Garantizar la protección, atención y defensa de los derechos humanos de peruanos y peruanas en el exterior.',
    'Guarantee the protection, care and defence of the human rights of Peruvians abroad.'),
  OE3: w('Promover el desarrollo y bienestar de los peruanos y peruanas en el exterior, afirmando su identidad nacional.',
    'Promote the development and well-being of Peruvians abroad, affirming their national identity.'),
  OE4: w('Reincorporar de manera integral a los peruanos y peruanas que retornan del extranjero.',
    'Reintegrate fully the Peruvians who return from abroad.'),
  OE5: w('Promover la integración de extranjeros y extranjeras a la sociedad peruana, garantizando la protección, atención y defensa de sus derechos humanos e identidad cultural.',
    'Promote the integration of foreigners into Peruvian society, guaranteeing the protection, care and defence of their human rights and cultural identity.'),
};

export const populationWords: Record<Population, Words> = {
  intencion_de_migrar: w('Peruanos con intención de migrar', 'Peruvians intending to migrate'), exterior: w('Peruanos en el exterior', 'Peruvians abroad'),
  retornantes: w('Retornantes', 'Returnees'), extranjeros: w('Extranjeros en el Perú', 'Foreigners in Peru'),
};

export const migrationStageWords: Record<MigrationStage, Words> = {
  salida_desplazamiento_recepcion: w('Salida, desplazamiento y recepción', 'Departure, transit and reception'),
  permanencia_integracion: w('Permanencia e integración', 'Stay and integration'), retorno: w('Retorno', 'Return'),
};

export const priorityWords: Record<Priority, Words> = { alta: w('Alta', 'High'), media: w('Media', 'Medium'), baja: w('Baja', 'Low') };

export const decisionRuleWords: Record<DecisionRule, Words> = {
  consenso: w('Consenso', 'Consensus'), mayoria_simple: w('Mayoría simple', 'Simple majority'), mayoria_calificada: w('Mayoría calificada', 'Qualified majority'),
};

export const silencePolicyWords: Record<SilencePolicy, Words> = {
  conformidad_tacita: w('Conformidad tácita', 'Tacit approval'), prorroga: w('Prórroga', 'Extension'), sin_efecto: w('Sin efecto', 'No effect'),
};

export const positionWords: Record<Position, Words> = {
  aprueba: w('Aprueba', 'Approves'), aprueba_con_observaciones: w('Aprueba con observaciones', 'Approves with observations'),
  objeta: w('Objeta', 'Objects'), se_abstiene: w('Se abstiene', 'Abstains'),
};

export const inputKindWords: Record<InputKind, Words> = { comentario: w('Comentario', 'Comment'), cambio: w('Cambio', 'Change') };

export const inputDecisionWords: Record<InputDecision, Words> = {
  acogida: w('Acogida', 'Accepted'), parcialmente_acogida: w('Parcialmente acogida', 'Partly accepted'), no_acogida: w('No acogida', 'Not accepted'),
};

export const workingGroupDecisionWords: Record<WorkingGroupDecision, Words> = {
  avanzar: w('Avanzar', 'Advance'), devolver: w('Devolver', 'Return'), rechazar: w('Rechazar', 'Reject'),
};

/** What happened, as a proposal's timeline and a trail of audit entries name it. */
export const eventWords: Record<TimelineEvent, Words> = {
  lanzada: w('Propuesta lanzada', 'Proposal launched'),
  etapa_abierta: w('Etapa abierta', 'Stage opened'),
  grupo_avanza: w('El grupo de trabajo la hace avanzar', 'The working group advances it'),
  grupo_devuelve: w('El grupo de trabajo la devuelve', 'The working group returns it'),
  grupo_rechaza: w('El grupo de trabajo la rechaza', 'The working group rejects it'),
  aporte: w('Aporte recibido', 'Input received'),
  aporte_respondido: w('Aporte respondido', 'Input answered'),
  respuesta_corregida: w('Respuesta a un aporte corregida', 'Answer to an input corrected'),
  comentario: w('Comentario publicado', 'Comment posted'),
  nueva_version: w('Nueva versión publicada', 'New version published'),
  consulta_cerrada: w('Consulta cerrada', 'Consultation closed'),
  conformidad: w('Conformidad registrada', 'Sign-off recorded'),
  conformidad_cambiada: w('Conformidad cambiada', 'Sign-off changed'),
  conformidad_tacita: w('Conformidad tácita de quienes no respondieron', 'Tacit approval of those who did not answer'),
  prorroga: w('Plazo prorrogado', 'Deadline extended'),
  plazo_movido: w('Plazo movido por un día no laborable', 'Deadline moved by a non-working day'),
  plazo_vencido: w('Plazo vencido', 'Deadline passed'),
  adoptada: w('Propuesta adoptada', 'Proposal adopted'),
  observada: w('Propuesta observada', 'Proposal sent back'),
  rechazada: w('Propuesta rechazada', 'Proposal rejected'),
  retirada: w('Propuesta retirada', 'Proposal withdrawn'),
  cerrada_tras_detencion: w('Cerrada tras detenerse su proceso', 'Closed after its process stopped'),
  estado_restablecido: w('Estado restablecido', 'State restored'),
  registro_rechazado: w('Registro rechazado por la base de datos', 'Entry refused by the database'),
  datos_corregidos: w('Datos corregidos', 'Details corrected'),
  asignada: w('Tarea asignada', 'Task assigned'),
  aceptada: w('Tarea aceptada', 'Task accepted'),
  nueva_fecha_solicitada: w('Nueva fecha solicitada', 'New date requested'),
  reasignacion_solicitada: w('Reasignación solicitada', 'Reassignment requested'),
  solicitud_concedida: w('Solicitud concedida', 'Request granted'),
  solicitud_denegada: w('Solicitud denegada', 'Request refused'),
  avance: w('Avance informado', 'Progress reported'),
  completada: w('Conclusión registrada', 'Completion recorded'),
  verificada: w('Tarea verificada', 'Task verified'),
  devuelta: w('Tarea devuelta con observaciones', 'Task returned with observations'),
  vencida: w('Tarea vencida', 'Task overdue'),
};

/** A notification kind: what it is, and what it expects of its recipient (null when it only informs). */
export interface KindWords { title: Words; expected: Words | null }

// Their words are prose, kept as data (domain/notification-kinds.json) beside the codes.
export const notificationKindWords: Record<NotificationKind, KindWords> = notificationKindsData;

export const sessionKindWords: Record<SessionKind, Words> = { ordinaria: w('Ordinaria', 'Ordinary'), extraordinaria: w('Extraordinaria', 'Extraordinary') };

export const sessionStatusWords: Record<SessionStatus, Words> = {
  convocada: w('Convocada', 'Convened'), en_curso: w('En curso', 'Open'), suspendida: w('Suspendida', 'Suspended'), cerrada: w('Cerrada', 'Closed'),
  acta_aprobada: w('Acta aprobada', 'Minutes approved'), cancelada: w('Cancelada', 'Cancelled'),
};

export const agendaItemKindWords: Record<AgendaItemKind, Words> = {
  propuesta: w('Propuesta', 'Proposal'), informe: w('Informe de avance', 'Progress report'), otro: w('Otro punto', 'Other item'),
};

export const itemStatusWords: Record<ItemStatus, Words> = {
  pendiente: w('Pendiente', 'Pending'), cerrado: w('Tratado', 'Dealt with'), diferido: w('Diferido', 'Deferred'),
};

export const itemOutcomeWords: Record<ItemOutcome, Words> = {
  adoptada: proposalStatusWords.adoptada, observada: proposalStatusWords.observada, rechazada: proposalStatusWords.rechazada,
  tratado: w('Tratado', 'Dealt with'),
};

export const actaStatusWords: Record<ActaStatus, Words> = { en_observacion: w('En observación', 'Open for observations'), aprobada: w('Aprobada', 'Approved') };

export const actaAnswerWords: Record<ActaAnswer, Words> = {
  conforme: w('Conforme', 'Agrees'), observaciones: w('Con observaciones', 'With observations'),
  silencio: w('Aprobación por silencio (no respondió en el plazo)', 'Approval by silence (did not answer in time)'),
};

/** What happened in a session, as its audit trail names it. */
export const sessionEventWords: Record<string, Words> = {
  convocada: w('Sesión convocada', 'Session convened'), asistencia_confirmada: w('Asistencia confirmada', 'Attendance confirmed'),
  asistencia_cambiada: w('Confirmación de asistencia cambiada', 'Attendance confirmation changed'),
  abierta: w('Sesión abierta con quórum', 'Session opened with quorum'), sin_quorum: w('Sin quórum: segunda convocatoria', 'No quorum: second call'),
  suspendida: w('Sesión suspendida por falta de quórum', 'Session suspended for lack of quorum'),
  posicion: w('Posición registrada', 'Position recorded'), posicion_cambiada: w('Posición cambiada', 'Position changed'),
  punto_cerrado: w('Punto cerrado', 'Item closed'), punto_diferido: w('Punto diferido', 'Item deferred'),
  agenda_reordenada: w('Agenda reordenada', 'Agenda reordered'), reprogramada: w('Sesión reprogramada', 'Session rescheduled'),
  reconvocada: w('Sesión convocada de nuevo', 'Session convened again'), cancelada: w('Sesión cancelada', 'Session cancelled'),
  cerrada: w('Sesión cerrada; acta en observación', 'Session closed; minutes open for observations'),
  acta_observada: w('Observación al acta', 'Observation on the minutes'), acta_conforme: w('Conformidad con el acta', 'Agreement with the minutes'),
  acta_corregida: w('Acta corregida', 'Minutes corrected'), acta_aprobada: w('Acta aprobada', 'Minutes approved'),
  plazo_acta_vencido: w('Venció el plazo de observaciones al acta', 'Deadline for observations on the minutes passed'),
  acta_firmada: w('Acta firmada', 'Minutes signed'),
};

/** What awaits an institution at each stage of a proposal or status of a task (the inbox's first items). */
export const waitingWords: Record<Exclude<ProposalStage, 'cerrada'> | Exclude<TaskStatus, 'verificada'>, Words> = {
  grupo_de_trabajo: w('Decisión del grupo de trabajo pendiente', 'Working group decision pending'), consulta: w('Aportes por responder', 'Inputs to answer'),
  revision: w('Revisión pendiente', 'Revision pending'), conformidad: w('Su conformidad está pendiente', 'Your sign-off is pending'),
  asignada: w('Tarea por aceptar', 'Task to accept'), en_ejecucion: w('Tarea en ejecución', 'Task in progress'), completada: w('Tarea por verificar', 'Task to verify'),
};

export const notificationModeWords: Record<NotificationMode, Words> = {
  inmediato: w('Inmediato', 'Immediate'), resumen_diario: w('Resumen diario', 'Daily summary'),
};

export const deliveryChannelWords: Record<DeliveryChannel, Words> = { email: w('Correo electrónico', 'Email'), webhook: w('Webhook', 'Webhook') };

export const deliveryStatusWords: Record<DeliveryStatus, Words> = {
  pendiente: w('Pendiente', 'Pending'), enviando: w('Enviando', 'Sending'), reintentando: w('Reintentando', 'Retrying'),
  enviada: w('Enviada', 'Sent'), fallida: w('Fallida', 'Failed'),
};

/** Kinds of non-working day (domain/calendar.ts). */
export const nonWorkingDayKindWords: Record<NonWorkingDayKind, Words> = {
  feriado: w('Feriado', 'Public holiday'), no_laborable: w('Día no laborable', 'Non-working day'),
};

/** Units of a deadline given in days (the launch form). */
export const deadlineUnitWords: Record<DeadlineUnit, Words> = {
  workingDays: w('días hábiles', 'working days'), days: w('días calendario', 'calendar days'),
};

/** How a person stands for their institution, and what the record of account events names (domain/accounts.ts). */
export const designationWords: Record<Designation, Words> = { titular: w('Titular', 'Titular'), alterno: w('Alterno', 'Alternate') };

export const accountEventWords: Record<AccountEventKind, Words> = {
  cuenta_creada: w('Cuenta creada', 'Account created'), cuenta_desactivada: w('Cuenta desactivada', 'Account deactivated'),
  cuenta_reactivada: w('Cuenta reactivada', 'Account reactivated'), institucion_cambiada: w('Institución cambiada', 'Institution changed'),
  designacion_cambiada: w('Titular o alterno cambiado', 'Titular or alternate changed'), nombre_cambiado: w('Nombre cambiado', 'Name changed'),
  contrasena_cambiada: w('Contraseña cambiada', 'Password changed'), contrasena_restablecida: w('Contraseña establecida con un enlace', 'Password set through a link'),
  enlace_enviado: w('Enlace de contraseña enviado', 'Password link sent'), sesiones_cerradas: w('Sesiones cerradas', 'Sessions ended'),
};

/**
 * The values a page shows alone (a stage, a status, a position, a rule…). A code that appears in
 * two of these vocabularies means the same in both and reads the same (tests/catalogue.test.ts).
 */
export const valueVocabularies = {
  stageWords, proposalStatusWords, outcomeWords, taskStatusWords, stoppedWords, recoveryActionWords, populationWords, migrationStageWords,
  priorityWords, decisionRuleWords, silencePolicyWords, positionWords, inputKindWords, inputDecisionWords, workingGroupDecisionWords,
  institutionKindWords, roleWords, groupKindWords, notificationModeWords, deliveryChannelWords, deliveryStatusWords, nonWorkingDayKindWords,
  sessionKindWords, sessionStatusWords, agendaItemKindWords, itemStatusWords, itemOutcomeWords, actaStatusWords, actaAnswerWords,
  designationWords, accountEventWords,
} as const;

const values: Record<string, Words> = Object.assign({}, ...Object.values(valueVocabularies));

/** The words of a value; a code without words is shown as it is (a registry code, say). */
export function valueLabel(code: string, lang: Lang = 'es'): string {
  return values[code]?.[lang] ?? code;
}

/** The fields a correction after launch may change, by their labels (domain/proposal.ts correctableFields). */
export const correctableFieldWords: Record<CorrectableField, Words> = {
  title: w('título', 'title'), summary: w('resumen', 'summary'), objectives: w('objetivos de la PNM', 'PNM objectives'),
  populations: w('poblaciones', 'populations'), migrationStages: w('etapas de la migración', 'migration stages'), priority: w('prioridad', 'priority'),
};

/**
 * What happened, for a timeline or an audit trail; `version_3` is the third version's publication,
 * `datos_corregidos:title,summary` a correction of those fields.
 */
export function eventLabel(event: string, lang: Lang = 'es'): string {
  const version = /^version_(\d+)$/.exec(event);
  if (version) return lang === 'es' ? `Versión ${version[1]} publicada` : `Version ${version[1]} published`;
  const corrected = /^datos_corregidos:([\w,]+)$/.exec(event);
  if (corrected) {
    const fields = corrected[1]!.split(',').map((f) => (correctableFieldWords as Record<string, Words>)[f]?.[lang] ?? f);
    return `${eventWords.datos_corregidos[lang]}: ${fields.join(', ')}`;
  }
  return (eventWords as Record<string, Words>)[event]?.[lang] ?? sessionEventWords[event]?.[lang] ?? event;
}

export function kindTitle(kind: string, lang: Lang = 'es'): string {
  return (notificationKindWords as Record<string, KindWords>)[kind]?.title[lang] ?? kind;
}

/** What a kind of message expects of its recipient; null when it only informs. */
export function kindExpectation(kind: string, lang: Lang = 'es'): string | null {
  return (notificationKindWords as Record<string, KindWords>)[kind]?.expected?.[lang] ?? null;
}
