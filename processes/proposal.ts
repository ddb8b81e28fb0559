// The proposal process (docs/domain.md#proceso-1) as a pure model: the memory a proposal carries,
// what each action may do (`validate`, the update validators' public rules), and each step of the
// process as a function from the memory to the next one with the event to record and the notices
// it carries. No Temporal here and no clock: time, and who takes part (read from the registry by
// an activity), come in as arguments. workflows/proposal.ts wires the steps to updates, the
// group-commit recording, timers, the agreement number, the tasks' workflows and continue-as-new.
import type { AuditHead } from '../db/audit';
import { valueLabel } from '../domain/catalogue';
import {
  applySilence, decideRound, positions, positionsNeedingComment, tacitComment, type CastPosition, type Position, type RoundCounts,
} from '../domain/decision';
import { deadlineAt, expressionKey, formatDeadline, reminderAt, type CalendarView, type IsoDate } from '../domain/calendar';
import {
  inputDecisions, inputKinds, workingGroupDecisions, type DecisionRecord, type InputDecision, type InputKind, type Notification,
  type ProposalEffect, type ProposalSnapshot, type WorkingGroupDecision,
} from '../domain/events';
import { changedFields, correctableFields, countParagraphs, metadataOf, type MetadataChanges, type ProposalPlan } from '../domain/proposal';
import { ownEntry, textLimits } from '../domain/text';
import { migrationStages, pnmObjectives, populations, priorities, type ProcessStage, type ProposalStage, type ProposalStatus } from '../domain/vocabulary';
import { checkBoolean, checkChoices, checkInteger, checkOneOf, checkOptionalText, checkText, invalid } from './checks';
import { copied, firstRefusal, refuse, refusals, type Actor, type Notice, type Refusal } from './common';

export interface ProposalInput {
  proposalId: string;
  plan: ProposalPlan;
  launchedBy: { userId: string; institution: string };
}

/** Updates per run before continue-as-new: far below the server's 2,000 per run. */
export const proposalUpdatesPerRun = 500;

export interface Round {
  number: number;
  version: number;
  members: string[];
  cast: Record<string, CastPosition & { comment: string | null; at: string }>;
  extended: boolean;
  closing: boolean;
}

/** Who takes part, as the registry says at each stage (db/registry.ts proposalParticipants). */
export interface Participants {
  members: string[];
  oscs: string[];
  observers: string[];
  support: string[];
  secretariat: string[];
  coordinators: string[];
  groupMembers: string[];
}

export const proposalMemoryVersion = 2;

/** Everything the proposal needs to go on; carried whole into the next run. */
export interface ProposalMemory {
  /** The shape of this memory (upgradeProposalMemory); runs from before it was kept carry none (1). */
  version: typeof proposalMemoryVersion;
  /**
   * The calendar its deadlines in days are counted on, read through an activity
   * (docs/domain.md#calendario-y-plazos); absent in runs started before the calendar (national holidays only).
   */
  calendar?: CalendarView;
  input: ProposalInput;
  recorded: boolean;
  status: ProposalStatus;
  stage: ProposalStage;
  /** Index in plan.stages of the planned stage reached last. */
  stageIndex: number;
  /** In an unplanned revision (after `devolver` or `observada`): where the proposal goes back to. */
  returnTo: ProcessStage | null;
  needsNewVersion: boolean;
  currentVersion: number;
  paragraphs: number;
  deadlines: Partial<Record<ProcessStage, string>>;
  stageOpenedAt: string;
  consultationOpen: boolean;
  inputs: Record<string, { institution: string; answered: boolean }>;
  round: Round | null;
  roundNumber: number;
  participants: Participants;
  seq: number;
  firedTimers: string[];
  number: string | null;
  decision: DecisionRecord | null;
  tasks: string[];
  /** Notifications decided but not yet handed to the notify activity (sent by the main loop). */
  outbox: Notification[];
  /** The audit trail's head after the last recorded event (null until the first is recorded). */
  auditHead: AuditHead | null;
  /** A session said it decided this proposal (its item `n`): what the workflow checks against the session's record. */
  sessionDecision?: { sessionId: string; n: number } | null;
}

/** The memory of version 1: what runs from before the version was kept hand over. */
export type ProposalMemoryV1 = Omit<ProposalMemory, 'version' | 'auditHead'> & { version?: undefined; auditHead?: AuditHead | null };

/**
 * The memory a run was handed, in the current shape: version 1 (no `version`; `auditHead` absent
 * in runs from before the head was kept) becomes version 2. A memory from a newer worker is
 * refused rather than misread.
 */
export function upgradeProposalMemory(old: ProposalMemoryV1 | ProposalMemory): ProposalMemory {
  const version = old.version ?? 1;
  if (version > proposalMemoryVersion) throw new Error(`Estado de propuesta de una versión posterior (${version}): este código conoce hasta la ${proposalMemoryVersion}.`);
  return { ...old, version: proposalMemoryVersion, auditHead: old.auditHead ?? null };
}

export function initialProposalMemory(input: ProposalInput, startedAt: Date): ProposalMemory {
  return {
    version: proposalMemoryVersion, input, recorded: false, status: 'en_curso', stage: input.plan.stages[0]!, stageIndex: 0, returnTo: null,
    needsNewVersion: false, currentVersion: 1, paragraphs: countParagraphs(input.plan.text), deadlines: {},
    stageOpenedAt: startedAt.toISOString(), consultationOpen: false, inputs: {}, round: null,
    roundNumber: 0, participants: { members: [], oscs: [], observers: [], support: [], coordinators: [], groupMembers: [], secretariat: [] },
    seq: 0, firedTimers: [], number: null, decision: null, tasks: [], outbox: [], auditHead: null,
  };
}

// ---- what the memory says ------------------------------------------------------------------

/**
 * Decided by a plenary session, not by a written round (docs/domain.md#decisiones-en-sesion): its
 * round has no sign-offs and no silence, and waits for a session's agenda item. Plans from before
 * the field carry none: a written round, as they always had.
 */
export const sessionDecides = (m: ProposalMemory) => m.input.plan.decisionInSession === true;

/** Whose move it is. */
export function pendingFor(m: ProposalMemory): string[] {
  switch (m.stage) {
    case 'grupo_de_trabajo': return m.participants.coordinators;
    case 'consulta': return Object.values(m.inputs).some((i) => !i.answered) ? m.participants.secretariat : [];
    case 'revision': return m.participants.secretariat;
    // Awaiting a session, the move is the secretariat's: putting it on an agenda.
    case 'conformidad': return sessionDecides(m) ? m.participants.secretariat : m.round ? m.round.members.filter((i) => !m.round!.cast[i]) : [];
    case 'cerrada': return [];
  }
}

/** The proposal row after an event. */
export function snapshot(m: ProposalMemory): ProposalSnapshot {
  return {
    status: m.status, stage: m.stage, currentVersion: m.currentVersion, deadlines: { ...m.deadlines },
    pendingFor: pendingFor(m), round: m.roundNumber, consultationOpen: m.consultationOpen,
    number: m.number, decision: m.decision, tasks: m.tasks,
  };
}

/** Where `advance` (or the working group's `avanzar`) leads: back after a revision, else the next planned stage. */
export function nextStage(m: ProposalMemory): ProcessStage | null {
  if (m.stage === 'revision' && m.returnTo) return m.returnTo;
  return m.input.plan.stages[m.stageIndex + 1] ?? null;
}

/** Every member has answered the open round, and it is not being closed already. */
export const roundAnswered = (m: ProposalMemory) => m.stage === 'conformidad' && !!m.round && !m.round.closing
  && m.round.members.length > 0 && m.round.members.every((i) => m.round!.cast[i]);

/** Who has not acted yet, for reminders and escalations. */
export function silent(m: ProposalMemory): string[] {
  if (m.stage === 'consulta') {
    const gave = new Set(Object.values(m.inputs).map((i) => i.institution));
    return m.consultationOpen ? m.participants.oscs.filter((o) => !gave.has(o)) : m.participants.secretariat;
  }
  return pendingFor(m);
}

// ---- validate ------------------------------------------------------------------------------

export type ProposalAction =
  | { type: 'workingGroupDecision'; actor: Actor; decision: WorkingGroupDecision; reason: string }
  | { type: 'submitInput'; actor: Actor; kind: InputKind; text: string; paragraph?: number }
  | { type: 'answerInput'; actor: Actor; inputId: string; decision: InputDecision; reason: string; correction?: boolean }
  | { type: 'publishVersion'; actor: Actor; text: string; changeSummary: string }
  | { type: 'advance'; actor: Actor }
  | { type: 'signoff'; actor: Actor; position: Position; comment?: string }
  | { type: 'comment'; actor: Actor; text: string }
  | { type: 'withdraw'; actor: Actor; reason: string }
  | { type: 'correctMetadata'; actor: Actor; changes: MetadataChanges; reason: string };

type Of<T extends ProposalAction['type']> = Extract<ProposalAction, { type: T }>;

/**
 * Whether `action` may be applied now: null, or the refusal (the first problem found, shape of the
 * input first; Temporal can be reached without the API, so nothing is assumed checked). The
 * stage-changing actions are validated again just before they act.
 */
export function validate(m: ProposalMemory, action: ProposalAction): Refusal | null {
  return firstRefusal(() => rules[action.type](m, action as never));
}

const isSecretariat = (a: Actor) => a.kind === 'secretaria';
const open = (m: ProposalMemory) => {
  if (m.stage === 'cerrada') refuse(refusals.conflict, `La propuesta está cerrada (${m.status}).`);
};

const rules: { [T in ProposalAction['type']]: (m: ProposalMemory, a: Of<T>) => void } = {
  // docs/domain.md#grupo-de-trabajo
  workingGroupDecision(m, { actor, decision, reason }) {
    checkOneOf('decision', decision, workingGroupDecisions);
    checkText('reason', reason, { kind: 'text', max: textLimits.reason });
    open(m);
    if (!isSecretariat(actor) && !m.participants.coordinators.includes(actor.institution)) {
      refuse(refusals.forbidden, `Solo la Secretaría Técnica o la coordinación del grupo ${m.input.plan.leadWorkingGroup} deciden en el grupo de trabajo.`);
    }
    if (m.stage !== 'grupo_de_trabajo') refuse(refusals.conflict, `La propuesta no está en revisión del grupo de trabajo (etapa actual: ${m.stage}).`);
    if (decision !== 'avanzar' && !reason.trim()) refuse(refusals.rule, 'Devolver o rechazar una propuesta requiere un motivo («reason»).');
  },
  // docs/domain.md#consulta
  submitInput(m, { actor, kind, text, paragraph }) {
    checkOneOf('kind', kind, inputKinds);
    checkText('text', text, { kind: 'text', max: textLimits.comment, required: true });
    checkInteger('paragraph', paragraph, 1, 1_000_000, true);
    open(m);
    if (actor.kind === 'osc') {
      if (!m.participants.oscs.includes(actor.institution)) refuse(refusals.forbidden, 'Su organización no integra la comisión de coordinación con la sociedad civil.');
      if (m.stage !== 'consulta' || !m.consultationOpen) refuse(refusals.conflict, 'La consulta de esta propuesta no está abierta: solo se reciben aportes durante la consulta.');
    } else if (actor.kind !== 'apoyo') {
      refuse(refusals.forbidden, 'Solo las organizaciones de la sociedad civil y los organismos de apoyo envían aportes.');
    }
    if (kind === 'cambio' && paragraph === undefined) refuse(refusals.rule, 'Un cambio propuesto debe indicar el párrafo («paragraph»).');
    if (paragraph !== undefined && (paragraph < 1 || paragraph > m.paragraphs)) {
      refuse(refusals.rule, `El párrafo ${paragraph} no existe: la versión ${m.currentVersion} tiene ${m.paragraphs} párrafos.`);
    }
  },
  answerInput(m, { actor, inputId, decision, reason, correction }) {
    checkText('inputId', inputId, { kind: 'line', max: 120, required: true });
    checkOneOf('decision', decision, inputDecisions);
    checkText('reason', reason, { kind: 'text', max: textLimits.reason });
    checkBoolean('correction', correction, true);
    open(m);
    if (!isSecretariat(actor)) refuse(refusals.forbidden, 'Solo la Secretaría Técnica responde los aportes.');
    const input = ownEntry(m.inputs, inputId);
    if (!input) refuse(refusals.notFound, `No existe el aporte «${inputId}» en esta propuesta.`);
    if (!reason.trim()) refuse(refusals.rule, 'La respuesta a un aporte requiere un motivo.');
    if (input.answered && !correction) {
      refuse(refusals.conflict, `El aporte «${inputId}» ya fue respondido. Para cambiar la respuesta, envíela como corrección («correction»: true).`);
    }
    if (!input.answered && correction) refuse(refusals.rule, `El aporte «${inputId}» aún no tiene respuesta: no hay nada que corregir.`);
  },
  // docs/domain.md#revision
  publishVersion(m, { actor, text, changeSummary }) {
    checkText('text', text, { kind: 'text', max: textLimits.document, required: true });
    checkText('changeSummary', changeSummary, { kind: 'text', max: textLimits.reason });
    open(m);
    if (!isSecretariat(actor)) refuse(refusals.forbidden, 'Solo la Secretaría Técnica publica nuevas versiones.');
    if (m.stage === 'conformidad') refuse(refusals.conflict, 'Durante la ronda de conformidad el texto no cambia: espere su cierre.');
    if (!changeSummary.trim()) refuse(refusals.rule, 'Una nueva versión requiere un resumen de cambios.');
  },
  // docs/domain.md#etapas
  advance(m, { actor }) {
    open(m);
    if (!isSecretariat(actor)) refuse(refusals.forbidden, 'Solo la Secretaría Técnica hace avanzar una propuesta.');
    if (m.stage === 'conformidad') refuse(refusals.conflict, 'La ronda de conformidad se cierra cuando todos los miembros responden o al vencer su plazo.');
    const unanswered = Object.values(m.inputs).filter((i) => !i.answered).length;
    if (m.stage === 'consulta' && unanswered > 0) {
      refuse(refusals.rule, `Faltan responder ${unanswered} aporte(s) de la consulta antes de pasar a la siguiente etapa.`);
    }
    if (m.stage === 'revision' && m.needsNewVersion) refuse(refusals.rule, 'Publique una nueva versión del texto antes de continuar.');
    if (!nextStage(m)) refuse(refusals.conflict, 'No hay una etapa siguiente.');
  },
  // docs/domain.md#posiciones
  signoff(m, { actor, position, comment }) {
    checkOneOf('position', position, positions);
    checkOptionalText('comment', comment, { kind: 'text', max: textLimits.comment });
    open(m);
    if (actor.kind !== 'miembro') refuse(refusals.forbidden, 'Solo las instituciones miembro dan su conformidad; observadores y organismos de apoyo pueden comentar.');
    if (sessionDecides(m)) refuse(refusals.conflict, 'Esta propuesta se decide en sesión plenaria: no hay ronda escrita de conformidad; su posición se registra en la sesión.');
    if (m.stage !== 'conformidad' || !m.round || m.round.closing) refuse(refusals.conflict, 'La ronda de conformidad no está abierta.');
    if (!m.round.members.includes(actor.institution)) refuse(refusals.forbidden, `${actor.institution} no es miembro activo en esta ronda.`);
    if (positionsNeedingComment.includes(position) && !comment?.trim()) {
      refuse(refusals.rule, position === 'objeta' ? 'Una objeción requiere un motivo («comment»).' : 'Las observaciones requieren un texto («comment»).');
    }
  },
  comment(m, { actor, text }) {
    checkText('text', text, { kind: 'text', max: textLimits.comment, required: true });
    open(m);
    if (actor.kind === 'osc') refuse(refusals.forbidden, 'Las organizaciones de la sociedad civil participan con aportes durante la consulta, no con comentarios.');
  },
  // docs/domain.md#retiro
  withdraw(m, { actor, reason }) {
    checkText('reason', reason, { kind: 'text', max: textLimits.reason });
    open(m);
    if (!isSecretariat(actor)) refuse(refusals.forbidden, 'Solo la Secretaría Técnica retira una propuesta.');
    if (!reason.trim()) refuse(refusals.rule, 'El retiro requiere un motivo.');
  },
  // docs/domain.md#correccion-de-datos
  correctMetadata(m, { actor, changes, reason }) {
    if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) invalid('changes', 'El campo «changes» debe ser un objeto con los datos corregidos.');
    const unknown = Object.keys(changes).find((f) => !(correctableFields as readonly string[]).includes(f));
    if (unknown !== undefined) {
      invalid(`changes.${unknown}`, `El campo «${unknown}» no se corrige así: solo ${correctableFields.join(', ')}; el texto cambia con una nueva versión.`);
    }
    const { title, summary, objectives, populations: groups, migrationStages: stages, priority } = changes;
    if (title !== undefined) checkText('title', title, { kind: 'line', max: textLimits.title, required: true });
    if (summary !== undefined) checkText('summary', summary, { kind: 'text', max: textLimits.summary, required: true });
    if (objectives !== undefined) checkChoices('objectives', objectives, pnmObjectives, 1);
    if (groups !== undefined) checkChoices('populations', groups, populations, 1);
    if (stages !== undefined) checkChoices('migrationStages', stages, migrationStages, 0);
    if (priority !== undefined) checkOneOf('priority', priority, priorities);
    checkText('reason', reason, { kind: 'text', max: textLimits.reason });
    open(m);
    if (!isSecretariat(actor)) refuse(refusals.forbidden, 'Solo la Secretaría Técnica corrige los datos de una propuesta.');
    if (!reason.trim()) refuse(refusals.rule, 'Una corrección de datos requiere un motivo.');
    if (changedFields(m.input.plan, changes).length === 0) refuse(refusals.rule, 'La corrección no cambia ningún dato: los valores enviados son los vigentes.');
  },
};

// ---- steps ---------------------------------------------------------------------------------

/** An event to record: its name in the trail, its data and what it changes in the projection. */
export interface ProposalEvent { action: string; data: Record<string, unknown>; effects: ProposalEffect[] }

/** One step of the process: the memory after it, the event that records it and the notices that event carries. */
export interface Step { memory: ProposalMemory; event: ProposalEvent; notices: Notice[] }

/**
 * The memory in a stage just entered: its deadline, its timers reset, and in `conformidad` a new
 * round of the members as they are now.
 */
export function enterStage(m: ProposalMemory, stage: ProcessStage, now: Date): ProposalMemory {
  const planned = m.input.plan.stages.indexOf(stage);
  const roundNumber = stage === 'conformidad' ? m.roundNumber + 1 : m.roundNumber;
  return {
    ...m, stage, stageOpenedAt: now.toISOString(),
    deadlines: { ...m.deadlines, [stage]: deadlineAt(now, m.input.plan.deadlines[stage], m.calendar).toISOString() },
    firedTimers: [], consultationOpen: stage === 'consulta',
    stageIndex: planned >= 0 && !(stage === 'revision' && m.returnTo) ? planned : m.stageIndex,
    ...(stage === 'conformidad' ? {
      roundNumber, round: { number: roundNumber, version: m.currentVersion, members: [...m.participants.members], cast: {}, extended: false, closing: false },
    } : {}),
  };
}

/** What the stage just opened asks of whom, and who is told of it. */
export function stageNotices(m: ProposalMemory): Notice[] {
  const { title } = m.input.plan;
  const p = m.participants;
  switch (m.stage) {
    case 'grupo_de_trabajo':
      return [{ kind: 'revision_grupo', recipients: p.groupMembers, title: `Revisión en grupo de trabajo: ${title}` }];
    case 'consulta':
      return [{ kind: 'consulta_abierta', recipients: [...p.oscs, ...p.support], title: `Consulta abierta: ${title}` }];
    case 'revision':
      return [{ kind: 'revision', recipients: p.secretariat, title: `Revisión pendiente: ${title}` }];
    case 'conformidad':
      if (sessionDecides(m)) {
        return [
          { kind: 'informacion', recipients: p.secretariat, title: `Para decidir en sesión plenaria: inclúyala en la agenda de una sesión (versión ${m.currentVersion}): ${title}` },
          { kind: 'informacion', recipients: [...m.round!.members, ...p.observers, ...p.support], title: `Se decidirá en sesión plenaria (versión ${m.currentVersion}): ${title}` },
        ];
      }
      return [
        { kind: 'conformidad_solicitada', recipients: m.round!.members, title: `Se solicita su conformidad (ronda ${m.roundNumber}, versión ${m.currentVersion}): ${title}` },
        { kind: 'informacion', recipients: [...p.observers, ...p.support], title: `Ronda de conformidad abierta: ${title}` },
      ];
    default:
      return [];
  }
}

/** The round just opened, for the projection (reports measure response times from it). */
export function roundOpened(m: ProposalMemory): ProposalEffect[] {
  const r = m.round;
  return m.stage === 'conformidad' && r ? [{ kind: 'round', round: r.number, version: r.version, members: r.members, deadline: m.deadlines.conformidad! }] : [];
}

/** The launch: the first stage entered with who takes part now (its event is written by the launch activity). */
export function launched(m: ProposalMemory, participants: Participants, now: Date): { memory: ProposalMemory; effects: ProposalEffect[]; notices: Notice[] } {
  const memory = { ...enterStage({ ...m, participants }, m.stage as ProcessStage, now), seq: 1 };
  return { memory, effects: roundOpened(memory), notices: stageNotices(memory) };
}

/** Moves to `stage` with who takes part now, and tells those concerned. */
export function stageOpened(m: ProposalMemory, stage: ProcessStage, participants: Participants, now: Date, event: string, data: Record<string, unknown> = {}): Step {
  const memory = enterStage({ ...m, participants, status: m.status === 'observada' ? 'en_curso' : m.status }, stage, now);
  return {
    memory, event: { action: event, data: { ...data, stage }, effects: [{ kind: 'timeline', stage, event }, ...roundOpened(memory)] }, notices: stageNotices(memory),
  };
}

export function closed(m: ProposalMemory, status: 'adoptada' | 'rechazada' | 'retirada', event: string, data: Record<string, unknown>, notices: Notice[]): Step {
  return {
    memory: { ...m, status, stage: 'cerrada', consultationOpen: false },
    event: { action: event, data, effects: [{ kind: 'timeline', stage: 'cerrada', event }] }, notices,
  };
}

/** Back to an unplanned revision: a new version is needed before going on to `returnTo`. */
export function sentBack(m: ProposalMemory, event: string, returnTo: ProcessStage, data: Record<string, unknown>, now: Date, notices: Notice[] = []): Step {
  const memory = enterStage({ ...m, returnTo, needsNewVersion: true }, 'revision', now);
  return { memory, event: { action: event, data, effects: [{ kind: 'timeline', stage: 'revision', event }] }, notices: [...stageNotices(memory), ...notices] };
}

/** The working group decides: `avanzar` is a stage opened (stageOpened), the others are steps here. */
export function groupDecided(m: ProposalMemory, decision: 'devolver' | 'rechazar', reason: string, now: Date): Step {
  const data = { decision, reason };
  return decision === 'devolver' ? sentBack(m, 'grupo_devuelve', 'grupo_de_trabajo', data, now) : closed(m, 'rechazada', 'grupo_rechaza', data, []);
}

export function withdrawn(m: ProposalMemory, reason: string): Step {
  const p = m.participants;
  return closed(m, 'retirada', 'retirada', { reason }, [
    { kind: 'decision', recipients: [...p.members, ...p.observers, ...p.support], title: `Propuesta retirada: ${m.input.plan.title}` },
  ]);
}

/**
 * The description corrected (docs/domain.md#correccion-de-datos): the plan keeps the new values (so
 * later notices carry the corrected title), and the event records each changed field before and
 * after with the reason; the timeline names the fields.
 */
export function metadataCorrected(m: ProposalMemory, { changes, reason }: Of<'correctMetadata'>): Step {
  const plan = m.input.plan;
  const fields = changedFields(plan, changes);
  const after = metadataOf(changes, fields);
  return {
    memory: { ...m, input: { ...m.input, plan: { ...plan, ...after } } },
    event: {
      action: 'datos_corregidos', data: { fields, before: metadataOf(plan, fields), after, reason },
      effects: [{ kind: 'metadata', changes: after }, { kind: 'timeline', stage: m.stage, event: `datos_corregidos:${fields.join(',')}` }],
    },
    notices: [],
  };
}

/** The consultation closes (by the secretariat's `advance` or at its deadline). */
export function consultationClosed(m: ProposalMemory): Step {
  return { memory: { ...m, consultationOpen: false }, event: { action: 'consulta_cerrada', data: {}, effects: [{ kind: 'timeline', stage: 'consulta', event: 'consulta_cerrada' }] }, notices: [] };
}

/** An input received; it takes the number of its event. */
export function inputSubmitted(m: ProposalMemory, { actor, kind, text, paragraph }: Of<'submitInput'>): Step & { inputId: string } {
  const inputId = `${m.input.proposalId}-a${m.seq + 1}`;
  return {
    inputId,
    memory: { ...m, inputs: { ...m.inputs, [inputId]: { institution: actor.institution, answered: false } } },
    event: {
      action: 'aporte', data: { inputId, kind, paragraph: paragraph ?? null },
      effects: [{ kind: 'input', id: inputId, institution: actor.institution, inputKind: kind, text, paragraph: paragraph ?? null, version: m.currentVersion }],
    },
    notices: [],
  };
}

/** An input answered, or its answer corrected (which says it is one, in the trail and to the institution). */
export function inputAnswered(m: ProposalMemory, { inputId, decision, reason, correction }: Of<'answerInput'>): Step {
  const input = ownEntry(m.inputs, inputId)!;
  return {
    memory: { ...m, inputs: { ...m.inputs, [inputId]: { ...input, answered: true } } },
    event: {
      action: correction ? 'respuesta_corregida' : 'aporte_respondido', data: { inputId, decision, reason, ...(correction ? { correction: true } : {}) },
      effects: [{ kind: 'answer', inputId, decision, reason }],
    },
    notices: [{
      kind: 'aporte_respondido', recipients: [input.institution],
      title: `${correction ? 'Se corrigió la respuesta a su aporte' : 'Su aporte fue respondido'} (${valueLabel(decision).toLowerCase()}): ${m.input.plan.title}`,
    }],
  };
}

export function versionPublished(m: ProposalMemory, { text, changeSummary }: Of<'publishVersion'>): Step {
  const number = m.currentVersion + 1;
  return {
    memory: { ...m, currentVersion: number, paragraphs: countParagraphs(text), needsNewVersion: false },
    event: {
      action: 'nueva_version', data: { number, changeSummary },
      effects: [{ kind: 'version', number, text, changeSummary }, { kind: 'timeline', stage: m.stage, event: `version_${number}` }],
    },
    notices: [],
  };
}

/** A member's sign-off in the open round (a second one changes the first). */
export function signedOff(m: ProposalMemory, { actor, position, comment }: Of<'signoff'>, at: Date): Step & { changed: boolean } {
  const round = m.round!;
  const changed = !!round.cast[actor.institution];
  const c = comment ?? null;
  return {
    changed,
    memory: { ...m, round: { ...round, cast: { ...round.cast, [actor.institution]: { position, tacit: false, comment: c, at: at.toISOString() } } } },
    event: {
      action: changed ? 'conformidad_cambiada' : 'conformidad', data: { round: round.number, version: round.version, position, comment: c },
      effects: [{ kind: 'signoff', round: round.number, version: round.version, institution: actor.institution, position, comment: c, tacit: false }],
    },
    notices: [],
  };
}

/** Takes back a sign-off whose event the database refused, in the memory as it is by then. */
export function signoffUndone(m: ProposalMemory, before: ProposalMemory, institution: string): ProposalMemory {
  const round = m.round;
  if (!round || round.number !== before.round?.number) return m;
  const cast = { ...round.cast };
  const previous = before.round.cast[institution];
  if (previous) cast[institution] = previous;
  else delete cast[institution];
  return { ...m, round: { ...round, cast } };
}

export function commented(m: ProposalMemory, { actor, text }: Of<'comment'>): Step & { commentId: string } {
  const commentId = `${m.input.proposalId}-c${m.seq + 1}`;
  return {
    commentId, memory: m, notices: [],
    event: { action: 'comentario', data: { commentId }, effects: [{ kind: 'comment', id: commentId, institution: actor.institution, userId: actor.userId, text, version: m.currentVersion }] },
  };
}

/** What a stage change may alter, to put back if its event is refused. */
export function stageFields(m: ProposalMemory): Partial<ProposalMemory> {
  return copied({
    status: m.status, stage: m.stage, stageIndex: m.stageIndex, returnTo: m.returnTo, needsNewVersion: m.needsNewVersion,
    currentVersion: m.currentVersion, paragraphs: m.paragraphs, deadlines: m.deadlines, stageOpenedAt: m.stageOpenedAt,
    consultationOpen: m.consultationOpen, round: m.round, roundNumber: m.roundNumber, firedTimers: m.firedTimers,
  });
}

// ---- the round's decision --------------------------------------------------------------------

const everyone = (p: Participants) => [...p.members, ...p.observers, ...p.support, ...p.secretariat];

/** The round closes: its decision by the plan's rule (docs/domain.md#regla-de-decision, #cierre-de-la-ronda). */
export function roundDecided(m: ProposalMemory, now: Date): ProposalMemory {
  const round = m.round!;
  const { decisionRule, quorum } = m.input.plan;
  const decision = decideRound(decisionRule, quorum, round.members, round.cast);
  return { ...m, round: { ...round, closing: true }, decision: { ...decision, rule: decisionRule, round: round.number, version: round.version, at: now.toISOString() } };
}

/** What a session decided, as its record says (db/sessions.ts sessionDecisionOf). */
export interface SessionDecided { outcome: 'adoptada' | 'observada' | 'rechazada'; counts: RoundCounts; absent: string[] }

/** Whether a session may still decide the proposal: its sign-off round is open. */
export const decidableInSession = (m: ProposalMemory) => m.stage === 'conformidad' && !!m.round && !m.round.closing;

/**
 * The round closes with the decision a plenary session took (docs/domain.md#decisiones-en-sesion):
 * the proposal's rule applied over the members present, the absent recorded as absent, never tacit.
 * What follows (adoption, revision or rejection) is what follows a written round.
 */
export function roundDecidedInSession(m: ProposalMemory, session: { sessionId: string; n: number }, decided: SessionDecided, now: Date): ProposalMemory {
  const round = m.round!;
  const c = decided.counts;
  const reason = `Decidida en sesión (punto ${session.n}): ${c.aprueba + c.aprueba_con_observaciones} a favor, ${c.objeta} en contra, ${c.se_abstiene} abstenciones de ${c.members} miembros presentes; ausentes: ${decided.absent.length}.`;
  return {
    ...m, round: { ...round, closing: true },
    decision: {
      outcome: decided.outcome, reason, quorumMet: true, counts: c, rule: m.input.plan.decisionRule, round: round.number, version: round.version,
      at: now.toISOString(), session: { id: session.sessionId, n: session.n },
    },
  };
}

/** The tasks an adoption starts, one per planned action, numbered from 1. */
export const plannedTasks = (m: ProposalMemory) => m.input.plan.actions.map((action, i) => ({ taskId: `${m.input.proposalId}-t${i + 1}`, index: i + 1, action }));

/** Adopted under `number`, with its tasks started. */
export function adopted(m: ProposalMemory, number: string, tasks: string[]): Step {
  const memory = { ...m, number, tasks };
  return closed(memory, 'adoptada', 'adoptada', { decision: m.decision, number, tasks }, [
    { kind: 'decision', recipients: everyone(m.participants), title: `Propuesta adoptada como ${number}: ${m.input.plan.title}` },
  ]);
}

/** Not adopted: `observada` goes back to revision for a new round, `rechazada` closes. */
export function notAdopted(m: ProposalMemory, now: Date): Step {
  const d = m.decision!;
  const { title } = m.input.plan;
  if (d.outcome === 'observada') {
    return sentBack({ ...m, status: 'observada' }, 'observada', 'conformidad', { decision: d }, now, [
      { kind: 'decision', recipients: everyone(m.participants), title: `Propuesta observada (${d.reason}): ${title}` },
    ]);
  }
  return closed(m, 'rechazada', 'rechazada', { decision: d }, [
    { kind: 'decision', recipients: everyone(m.participants), title: `Propuesta rechazada (${d.reason}): ${title}` },
  ]);
}

// ---- timers --------------------------------------------------------------------------------

export interface Timer { key: string; at: Date; kind: 'reminder' | 'deadline' }

/** The stage's next reminder (those after the stage opened) or its deadline, not fired yet (docs/domain.md#plazos-y-recordatorios). */
export function nextTimer(m: ProposalMemory): Timer | null {
  if (m.stage === 'cerrada') return null;
  const deadlineText = m.deadlines[m.stage];
  if (!deadlineText) return null;
  const deadline = new Date(deadlineText);
  const base = `${m.stage}|${m.roundNumber}|${deadlineText}`;
  const opened = Date.parse(m.stageOpenedAt);
  const timers: Timer[] = m.input.plan.reminders
    .map((r) => ({ key: `${base}|${expressionKey(r)}`, at: reminderAt(deadline, r, m.calendar), kind: 'reminder' as const }))
    .filter((t) => t.at.getTime() > opened);
  timers.push({ key: `${base}|plazo`, at: deadline, kind: 'deadline' });
  return timers.filter((t) => !m.firedTimers.includes(t.key)).sort((a, b) => a.at.getTime() - b.at.getTime())[0] ?? null;
}

/** What wakes the main loop: a change of stage, round, deadline or fired timers. */
export const timerState = (m: ProposalMemory) => `${m.stage}|${m.roundNumber}|${m.deadlines[m.stage as ProcessStage] ?? ''}|${m.firedTimers.length}`;

/** A reminder to those who have not acted, before the stage's deadline. */
export const reminder = (m: ProposalMemory): Notice => {
  const stage = m.stage as ProcessStage;
  // An extended round no longer ends where its own expression says: its date is shown alone.
  const expression = stage === 'conformidad' && m.round?.extended ? undefined : m.input.plan.deadlines[stage];
  const what = stage === 'conformidad' && sessionDecides(m) ? 'inclúyala en la agenda de una sesión plenaria; ' : '';
  return { kind: 'recordatorio', recipients: silent(m), title: `Recordatorio: ${what}el plazo ${formatDeadline(m.deadlines[stage]!, expression)}: ${m.input.plan.title}` };
};

/** The consultation closed at its deadline with inputs unanswered: the secretariat is told. */
export const consultationEscalation = (m: ProposalMemory): Notice => ({
  kind: 'escalamiento', recipients: m.participants.secretariat, title: `La consulta cerró con aportes sin responder: ${m.input.plan.title}`,
});

/** At the round's deadline, what silence becomes (docs/domain.md#silencio; domain/decision.ts applySilence). */
export const silenceAtDeadline = (m: ProposalMemory) => {
  const round = m.round!;
  return applySilence(m.input.plan.silencePolicy, round.members, round.cast, round.extended);
};

/** The round's single extension (silence policy `prorroga`). */
export function roundExtended(m: ProposalMemory): Step {
  const deadline = deadlineAt(new Date(m.deadlines.conformidad!), m.input.plan.extension, m.calendar).toISOString();
  return {
    memory: { ...m, round: { ...m.round!, extended: true }, deadlines: { ...m.deadlines, conformidad: deadline } }, notices: [],
    event: { action: 'prorroga', data: { deadline }, effects: [{ kind: 'timeline', stage: 'conformidad', event: 'prorroga' }] },
  };
}

/** Once the extension is recorded: those who still owe their sign-off, and the secretariat, are told. */
export const extensionEscalation = (m: ProposalMemory): Notice => ({
  kind: 'escalamiento', recipients: [...pendingFor(m), ...m.participants.secretariat],
  title: `Plazo prorrogado: ahora ${formatDeadline(m.deadlines.conformidad!)}: ${m.input.plan.title}`,
});

/**
 * The round closes at its deadline: no late sign-off may slip in, the silent members in `tacit`
 * approve tacitly (an event only if there are any), and those who did not answer are escalated.
 */
export function silenceCounted(m: ProposalMemory, tacit: string[], now: Date): { memory: ProposalMemory; event: ProposalEvent | null; escalation: Notice } {
  const round = m.round!;
  const unanswered = round.members.filter((i) => !round.cast[i]);
  const at = now.toISOString();
  const cast = { ...round.cast };
  for (const institution of tacit) cast[institution] = { position: 'aprueba', tacit: true, comment: tacitComment, at };
  return {
    memory: { ...m, round: { ...round, closing: true, cast } },
    event: tacit.length === 0 ? null : {
      action: 'conformidad_tacita', data: { institutions: tacit },
      effects: tacit.map((institution) => ({
        kind: 'signoff' as const, round: round.number, version: round.version, institution, position: 'aprueba' as const, comment: tacitComment, tacit: true,
      })),
    },
    escalation: { kind: 'escalamiento', recipients: [...unanswered, ...m.participants.secretariat], title: `Sin respuesta en el plazo de la ronda ${round.number}: ${m.input.plan.title}` },
  };
}

/** Another stage's deadline passed: recorded, then `deadlineEscalation` tells who has not acted. */
export function deadlinePassed(m: ProposalMemory): Step {
  return {
    memory: m, notices: [],
    event: { action: 'plazo_vencido', data: { stage: m.stage }, effects: [{ kind: 'timeline', stage: m.stage as ProcessStage, event: 'plazo_vencido' }] },
  };
}

export const deadlineEscalation = (m: ProposalMemory): Notice => (sessionDecides(m) && m.stage === 'conformidad' ? {
  // Nothing is decided by silence: the secretariat, whose move it is, is told to put it on an agenda.
  kind: 'escalamiento', recipients: m.participants.secretariat,
  title: `Plazo vencido sin decisión en sesión: inclúyala en la agenda de la próxima sesión plenaria: ${m.input.plan.title}`,
} : {
  kind: 'escalamiento', recipients: [...silent(m), ...m.participants.secretariat], title: `Plazo vencido en la etapa ${m.stage}: ${m.input.plan.title}`,
});

// ---- the calendar --------------------------------------------------------------------------

/**
 * Non-working days were added (docs/domain.md#calendario-y-plazos): the open stage's deadline is
 * counted again from the same start and expression on the new calendar. A step only when it now
 * ends later (an ISO duration never moves); the memory takes the new calendar either way.
 */
export function calendarChanged(m: ProposalMemory, calendar: CalendarView, dates: IsoDate[]): { memory: ProposalMemory; step: Step | null } {
  const memory = { ...m, calendar };
  if (m.stage === 'cerrada' || m.round?.closing) return { memory, step: null };
  const stage = m.stage;
  const before = m.deadlines[stage];
  if (!before) return { memory, step: null };
  let at = deadlineAt(new Date(m.stageOpenedAt), m.input.plan.deadlines[stage], calendar);
  if (stage === 'conformidad' && m.round?.extended) at = deadlineAt(at, m.input.plan.extension, calendar);
  if (at.getTime() <= Date.parse(before)) return { memory, step: null };
  const deadline = at.toISOString();
  const moved = { ...memory, deadlines: { ...m.deadlines, [stage]: deadline } };
  return {
    memory: moved,
    step: {
      memory: moved,
      event: { action: 'plazo_movido', data: { stage, from: before, to: deadline, dates }, effects: [{ kind: 'timeline', stage, event: 'plazo_movido' }] },
      notices: [{
        kind: 'plazo_movido', recipients: [...new Set([...pendingFor(moved), ...m.participants.secretariat])],
        title: `Plazo movido por un día no laborable: ahora ${formatDeadline(at, m.input.plan.deadlines[stage])}: ${m.input.plan.title}`,
      }],
    },
  };
}
