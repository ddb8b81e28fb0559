// The task process (docs/domain.md#proceso-2) as a pure model: its state, what each action may do
// (`validate`, the update validators' public rules) and what it changes (`apply`: the new state,
// the event to record, the notices). No Temporal here and no clock: time comes in the context.
// workflows/task.ts wires it to updates, the recording activities, timers and continue-as-new.
import type { AuditHead } from '../db/audit';
import {
  countsDays, deadlineAt, expressionKey, formatDeadline, reminderAt, type CalendarView, type DeadlineExpression, type IsoDate, type ReminderExpression,
} from '../domain/calendar';
import { inLimaTime } from '../domain/durations';
import type { Notification } from '../domain/events';
import type { PlannedAction } from '../domain/proposal';
import { secretariat } from '../domain/registry-codes';
import type { TaskEffect, TaskSnapshot, TaskStatus } from '../domain/tasks';
import { ownEntry, textLimits } from '../domain/text';
import { checkBoolean, checkCodes, checkInstant, checkInteger, checkOptionalText, checkOptionalWebAddress, checkText } from './checks';
import { copied, firstRefusal, refuse, refusals, type Actor, type Notice, type Refusal } from './common';

export interface TaskInput {
  taskId: string;
  proposalId: string;
  agreementNumber: string;
  index: number;
  action: PlannedAction;
  adoptedAt: string;
  /** The adopting proposal's calendar (docs/domain.md#calendario-y-plazos); absent for tasks adopted before it. */
  calendar?: CalendarView;
  /** Updates per run before continue-as-new (tests lower it); `defaultTaskUpdatesPerRun` when absent. */
  updatesPerRun?: number;
}

/** Far below the server's 2,000 updates per run, as for proposals. */
export const defaultTaskUpdatesPerRun = 500;

/** Reminders before the due date unless the planned action says otherwise. */
export const defaultTaskReminders = ['P7D', 'P1D'];
/** The same, for tasks adopted on the calendar: 3 and 1 working days before. */
export const defaultWorkingDayReminders: ReminderExpression[] = [{ workingDays: 3 }, { workingDays: 1 }];

export const taskReminders = (input: TaskInput): ReminderExpression[] =>
  input.action.reminders ?? (input.calendar ? defaultWorkingDayReminders : defaultTaskReminders);

interface Line { accepted: boolean; percent: number; completed: boolean }

export interface TaskState {
  status: TaskStatus;
  dueAt: string;
  responsible: string[];
  lines: Record<string, Line>;
  request: { institution: string; reason: string; proposedDueDate: string | null } | null;
  overdue: boolean;
}

export type TaskAction =
  | { type: 'accept'; actor: Actor }
  | { type: 'requestChange'; actor: Actor; reason: string; proposedDueDate?: string }
  | { type: 'decideRequest'; actor: Actor; granted: boolean; comment: string; responsible?: string[] }
  | { type: 'reportProgress'; actor: Actor; percent: number; note?: string; evidenceUrl?: string }
  | { type: 'complete'; actor: Actor; summary: string; evidenceUrl?: string }
  | { type: 'verify'; actor: Actor; accepted: boolean; comment: string };

export interface TaskContext {
  /** The workflow's clock. */
  now: Date;
  /** How notices name the task: agreement, number and title (taskLabel). */
  label: string;
}

/** The event an action records: its name in the trail, its data and what it changes in the projection. */
export interface TaskEvent { action: string; data: Record<string, unknown>; effects: TaskEffect[] }

export interface TaskOutcome {
  state: TaskState;
  event: TaskEvent;
  notices: Notice[];
  /**
   * Takes back, from the state as it is by then, what the action changed: used when the database
   * refuses its event (other actions may have been applied meanwhile, so not a plain restore).
   */
  undo: (current: TaskState) => TaskState;
}

export const taskLabel = (input: TaskInput) => `${input.agreementNumber}, tarea ${input.index}: ${input.action.title}`;

export function initialTaskState(input: TaskInput): TaskState {
  return {
    status: 'asignada',
    dueAt: deadlineAt(new Date(input.adoptedAt), input.action.dueIn, input.calendar).toISOString(),
    responsible: [...input.action.responsible],
    lines: Object.fromEntries(input.action.responsible.map((i) => [i, { accepted: false, percent: 0, completed: false }])),
    request: null,
    overdue: false,
  };
}

/** The notice of the assignment, carried by event 1: the due date as people say it, with its expression. */
export const assignedNotice = (s: TaskState, label: string, dueIn?: DeadlineExpression): Notice => ({
  kind: 'tarea_asignada', recipients: s.responsible, title: `Nueva tarea del ${label}. ${capitalised(formatDeadline(s.dueAt, dueIn))}.`,
});

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Who the task waits for: the secretariat on a request or a completed task, else the lines still owing. */
export function pendingFor(s: TaskState): string[] {
  if (s.status === 'verificada') return [];
  if (s.request || s.status === 'completada') return [secretariat];
  return s.responsible.filter((i) => s.status === 'asignada' ? !s.lines[i]!.accepted : !s.lines[i]!.completed);
}

export function snapshot(s: TaskState): TaskSnapshot {
  return {
    status: s.status, dueAt: s.dueAt, responsible: s.responsible, overdue: s.overdue,
    accepted: s.responsible.filter((i) => s.lines[i]!.accepted),
    percent: Math.round(s.responsible.reduce((sum, i) => sum + s.lines[i]!.percent, 0) / Math.max(s.responsible.length, 1)),
    pendingFor: pendingFor(s),
  };
}

/** The line of an institution responsible for the task; nothing for any other code, "__proto__" included. */
const lineOf = (s: TaskState, institution: string) => ownEntry(s.lines, institution);

// ---- validate ----------------------------------------------------------------------------

/**
 * Whether `action` may be applied to `s` now: null, or the refusal (the first problem found, shape
 * of the input first). Temporal can be reached without the API, so nothing is assumed checked.
 */
export function validate(s: TaskState, action: TaskAction, ctx: TaskContext): Refusal | null {
  return firstRefusal(() => rules[action.type](s, action as never, ctx));
}

const open = (s: TaskState) => {
  if (s.status === 'verificada') refuse(refusals.conflict, 'La tarea ya fue verificada y cerrada.');
};
const responsibleOnly = (s: TaskState, actor: Actor) => {
  if (!lineOf(s, actor.institution)) refuse(refusals.forbidden, `${actor.institution} no es responsable de esta tarea: solo informa sobre sus propias tareas.`);
};
const secretariatOnly = (actor: Actor, what: string) => {
  if (actor.kind !== 'secretaria') refuse(refusals.forbidden, `Solo la Secretaría Técnica ${what}.`);
};

type Of<T extends TaskAction['type']> = Extract<TaskAction, { type: T }>;

const rules: { [T in TaskAction['type']]: (s: TaskState, a: Of<T>, ctx: TaskContext) => void } = {
  // docs/domain.md#aceptacion
  accept(s, { actor }) {
    open(s);
    responsibleOnly(s, actor);
    if (lineOf(s, actor.institution)!.accepted) refuse(refusals.conflict, 'Su institución ya aceptó esta tarea.');
    if (s.request?.institution === actor.institution) refuse(refusals.conflict, 'Su solicitud está pendiente de decisión de la Secretaría Técnica.');
  },
  requestChange(s, { actor, reason, proposedDueDate }, ctx) {
    checkText('reason', reason, { kind: 'text', max: textLimits.reason });
    if (proposedDueDate !== undefined) checkInstant('proposedDueDate', proposedDueDate, ctx.now);
    open(s);
    responsibleOnly(s, actor);
    if (s.status === 'completada') refuse(refusals.conflict, 'La tarea está completada y en verificación.');
    if (s.request) refuse(refusals.conflict, 'Ya hay una solicitud pendiente de decisión en esta tarea.');
    if (!reason.trim()) refuse(refusals.rule, 'La solicitud requiere un motivo («reason»).');
    if (proposedDueDate !== undefined && Date.parse(proposedDueDate) <= ctx.now.getTime()) refuse(refusals.rule, 'La nueva fecha propuesta debe ser futura.');
  },
  decideRequest(s, { actor, granted, comment, responsible }) {
    checkBoolean('granted', granted);
    checkText('comment', comment, { kind: 'text', max: textLimits.reason });
    if (responsible !== undefined) checkCodes('responsible', responsible);
    open(s);
    secretariatOnly(actor, 'decide las solicitudes');
    if (!s.request) refuse(refusals.conflict, 'No hay ninguna solicitud pendiente en esta tarea.');
    if (!comment.trim()) refuse(refusals.rule, 'La decisión requiere un comentario («comment»).');
    if (granted && !s.request!.proposedDueDate && !responsible?.length) {
      refuse(refusals.rule, 'Para conceder una reasignación indique las nuevas instituciones responsables («responsible»).');
    }
    if (granted && !s.request!.proposedDueDate) reassignmentRule(s, s.request!.institution, responsible!);
  },
  // docs/domain.md#ejecucion
  reportProgress(s, { actor, percent, note, evidenceUrl }) {
    checkInteger('percent', percent, 0, 100);
    checkOptionalText('note', note, { kind: 'text', max: textLimits.comment });
    checkOptionalWebAddress('evidenceUrl', evidenceUrl);
    open(s);
    responsibleOnly(s, actor);
    const line = lineOf(s, actor.institution)!;
    if (!line.accepted) refuse(refusals.conflict, 'Acepte la tarea antes de informar avances.');
    if (line.completed) refuse(refusals.conflict, 'Su parte de la tarea ya está completada.');
    if (percent < line.percent && !note?.trim()) refuse(refusals.rule, `El avance baja de ${line.percent} % a ${percent} %: explique por qué en «note».`);
  },
  // docs/domain.md#verificacion
  complete(s, { actor, summary, evidenceUrl }) {
    checkText('summary', summary, { kind: 'text', max: textLimits.comment });
    checkOptionalWebAddress('evidenceUrl', evidenceUrl);
    open(s);
    responsibleOnly(s, actor);
    if (s.status === 'asignada' || !lineOf(s, actor.institution)!.accepted) refuse(refusals.conflict, 'La tarea debe estar aceptada por todas las instituciones responsables antes de completarse.');
    if (lineOf(s, actor.institution)!.completed) refuse(refusals.conflict, 'Su parte de la tarea ya está completada.');
    if (!summary.trim()) refuse(refusals.rule, 'Indique el resultado («summary»).');
  },
  verify(s, { actor, accepted, comment }) {
    checkBoolean('accepted', accepted);
    checkText('comment', comment, { kind: 'text', max: textLimits.comment });
    open(s);
    secretariatOnly(actor, 'verifica las tareas');
    if (s.status !== 'completada') refuse(refusals.conflict, 'Solo se verifica una tarea completada por todas sus instituciones responsables.');
    if (!accepted && !comment.trim()) refuse(refusals.rule, 'Una tarea devuelta requiere las observaciones («comment»).');
  },
};

/**
 * A reassignment must leave the task someone to carry it out: the requesting institution hands
 * its part to others, and not only to institutions that have already completed theirs (the
 * task would then sit at 100 % with nobody able to complete it). Whether the codes name active
 * member institutions is checked against the registry by the API.
 */
function reassignmentRule(s: TaskState, requester: string, responsible: string[]) {
  if (responsible.includes(requester)) {
    refuse(refusals.rule, `${requester} pide dejar la tarea: no puede figurar entre las nuevas instituciones responsables.`);
  }
  const remaining = [...s.responsible.filter((i) => i !== requester), ...responsible.filter((i) => !lineOf(s, i))];
  if (remaining.every((i) => lineOf(s, i)?.completed)) {
    refuse(refusals.rule, 'Con esa reasignación solo quedarían instituciones que ya completaron su parte: nombre al menos una institución que asuma la parte pendiente.');
  }
}

// ---- apply -------------------------------------------------------------------------------

/** What a validated action changes. `state` is not modified: the outcome carries a new one. */
export function apply(state: TaskState, action: TaskAction, ctx: TaskContext): TaskOutcome {
  return effects[action.type](copied(state), action as never, ctx.label, state);
}

const allAccepted = (s: TaskState) => s.responsible.every((i) => s.lines[i]!.accepted);

const effects: { [T in TaskAction['type']]: (s: TaskState, a: Of<T>, label: string, before: TaskState) => TaskOutcome } = {
  accept(s, { actor }, _label, before) {
    s.lines[actor.institution]!.accepted = true;
    if (allAccepted(s)) s.status = 'en_ejecucion';
    return {
      state: s, notices: [],
      event: { action: 'aceptada', data: {}, effects: [{ kind: 'line', institution: actor.institution, accepted: true }] },
      undo: (cur) => {
        const back = copied(cur);
        const line = lineOf(back, actor.institution);
        if (line) line.accepted = false;
        return { ...back, status: before.status };
      },
    };
  },
  requestChange(s, { actor, reason, proposedDueDate }, label) {
    s.request = { institution: actor.institution, reason, proposedDueDate: proposedDueDate ?? null };
    return {
      state: s,
      event: { action: proposedDueDate ? 'nueva_fecha_solicitada' : 'reasignacion_solicitada', data: { reason, proposedDueDate: proposedDueDate ?? null }, effects: [] },
      notices: [{ kind: 'solicitud_tarea', recipients: [secretariat], title: `${actor.institution} solicita ${proposedDueDate ? 'una nueva fecha' : 'la reasignación'}: ${label}` }],
      undo: (cur) => ({ ...copied(cur), request: null }),
    };
  },
  decideRequest(s, { granted, comment, responsible }, label, before) {
    const request = s.request!;
    s.request = null;
    const changes: TaskEffect[] = [];
    if (granted && request.proposedDueDate) {
      s.dueAt = new Date(request.proposedDueDate).toISOString();
      s.overdue = false;
    } else if (granted) {
      // Reassignment: the requesting institution hands its line to the ones the secretariat names.
      delete s.lines[request.institution];
      s.responsible = [...s.responsible.filter((i) => i !== request.institution), ...responsible!.filter((i) => !s.lines[i])];
      for (const i of responsible!) s.lines[i] ??= { accepted: false, percent: 0, completed: false };
      changes.push({ kind: 'responsible', responsible: s.responsible });
      if (s.status === 'en_ejecucion' && !allAccepted(s)) s.status = 'asignada';
    }
    return {
      state: s,
      event: { action: granted ? 'solicitud_concedida' : 'solicitud_denegada', data: { institution: request.institution, comment, responsible: responsible ?? null }, effects: changes },
      notices: [
        { kind: 'solicitud_decidida', recipients: [request.institution, ...(granted ? responsible ?? [] : [])], title: `Solicitud ${granted ? 'concedida' : 'denegada'} (${comment}): ${label}` },
        ...(granted && responsible ? [{ kind: 'tarea_asignada', recipients: responsible, title: `Nueva tarea del ${label}` }] : []),
      ],
      undo: (cur) => ({
        ...copied(cur), ...copied({ request: before.request, dueAt: before.dueAt, overdue: before.overdue, responsible: before.responsible, lines: before.lines, status: before.status }),
      }),
    };
  },
  reportProgress(s, { actor, percent, note, evidenceUrl }, _label, before) {
    s.lines[actor.institution]!.percent = percent;
    return {
      state: s, notices: [],
      event: {
        action: 'avance', data: { percent, note: note ?? null, evidenceUrl: evidenceUrl ?? null },
        effects: [{ kind: 'progress', institution: actor.institution, percent, note: note ?? null, evidenceUrl: evidenceUrl ?? null }],
      },
      undo: (cur) => {
        const back = copied(cur);
        const line = lineOf(back, actor.institution);
        if (line) line.percent = before.lines[actor.institution]!.percent;
        return back;
      },
    };
  },
  complete(s, { actor, summary, evidenceUrl }, label, before) {
    const line = s.lines[actor.institution]!;
    line.completed = true;
    line.percent = 100;
    if (s.responsible.every((i) => s.lines[i]!.completed)) s.status = 'completada';
    return {
      state: s,
      event: {
        action: 'completada', data: { summary, evidenceUrl: evidenceUrl ?? null },
        effects: [
          { kind: 'progress', institution: actor.institution, percent: 100, note: summary, evidenceUrl: evidenceUrl ?? null },
          { kind: 'line', institution: actor.institution, completed: true },
        ],
      },
      notices: s.status === 'completada' ? [{ kind: 'verificacion_pendiente', recipients: [secretariat], title: `Tarea completada, por verificar: ${label}` }] : [],
      undo: (cur) => {
        const back = copied(cur);
        if (lineOf(back, actor.institution)) back.lines[actor.institution] = { ...before.lines[actor.institution]! };
        return { ...back, status: before.status };
      },
    };
  },
  verify(s, { accepted, comment }, label, before) {
    const changes: TaskEffect[] = [];
    if (accepted) {
      s.status = 'verificada';
    } else {
      s.status = 'en_ejecucion';
      for (const i of s.responsible) {
        s.lines[i]!.completed = false;
        changes.push({ kind: 'line', institution: i, completed: false });
      }
    }
    return {
      state: s,
      event: { action: accepted ? 'verificada' : 'devuelta', data: { comment }, effects: changes },
      notices: [{ kind: accepted ? 'tarea_verificada' : 'tarea_devuelta', recipients: s.responsible, title: `${accepted ? 'Tarea verificada' : `Tarea devuelta con observaciones (${comment})`}: ${label}` }],
      undo: (cur) => ({ ...copied(cur), ...copied({ status: before.status, lines: before.lines }) }),
    };
  },
};

// ---- the calendar ---------------------------------------------------------------------------

/**
 * Non-working days were added (docs/domain.md#calendario-y-plazos): the due date is counted again
 * from the adoption on `calendar` and moves if it now ends later, recorded as `plazo_movido` and
 * told to the responsible institutions. Only a due date still counted in days moves: not one given
 * as an ISO duration, nor one the secretariat set by granting a new date, nor a task already
 * overdue or verified.
 */
export function calendarChanged(state: TaskState, input: TaskInput, calendar: CalendarView, dates: IsoDate[], label: string): { state: TaskState; event: TaskEvent; notices: Notice[] } | null {
  if (!input.calendar || !countsDays(input.action.dueIn) || state.status === 'verificada' || state.overdue) return null;
  const adoptedAt = new Date(input.adoptedAt);
  if (deadlineAt(adoptedAt, input.action.dueIn, input.calendar).toISOString() !== state.dueAt) return null;
  const at = deadlineAt(adoptedAt, input.action.dueIn, calendar);
  if (at.getTime() <= Date.parse(state.dueAt)) return null;
  const dueAt = at.toISOString();
  return {
    state: { ...copied(state), dueAt },
    event: { action: 'plazo_movido', data: { from: state.dueAt, to: dueAt, dates }, effects: [] },
    notices: [{
      kind: 'plazo_movido', recipients: state.responsible,
      title: `Plazo movido por un día no laborable: ahora ${formatDeadline(at, input.action.dueIn)}: ${label}`,
    }],
  };
}

// ---- timers ------------------------------------------------------------------------------

export interface TaskTimer { key: string; at: Date; kind: 'recordatorio' | 'vencida' }

/**
 * The next reminder before the due date, or the escalation when it passes, while the responsible
 * institutions still owe work. Reminders that fell before the task started are skipped; `fired`
 * holds the keys of the timers already fired (a new due date gives new keys).
 */
export function nextTimer(s: TaskState, reminders: readonly ReminderExpression[], startedAt: Date, fired: readonly string[], calendar?: CalendarView): TaskTimer | null {
  if (s.status === 'completada' || s.status === 'verificada') return null;
  const due = new Date(s.dueAt);
  const key = (what: string) => `${s.dueAt}|${what}`;
  const all = [
    ...reminders.map((r) => ({ key: key(expressionKey(r)), at: reminderAt(due, r, calendar), kind: 'recordatorio' as const }))
      .filter((t) => t.at.getTime() > startedAt.getTime()),
    { key: key('vencida'), at: due, kind: 'vencida' as const },
  ];
  return all.filter((t) => !fired.includes(t.key)).sort((a, b) => a.at.getTime() - b.at.getTime())[0] ?? null;
}

/**
 * What a due timer does: a reminder is a notice no event carries (to those still owing work); the
 * escalation marks the task overdue and records it, telling them and the secretariat.
 */
export function fire(state: TaskState, timer: TaskTimer, label: string): { state: TaskState; event: TaskEvent | null; notices: Notice[] } {
  const owing = pendingFor(state).filter((i) => i !== secretariat);
  if (timer.kind === 'recordatorio') {
    return { state, event: null, notices: [{ kind: 'tarea_por_vencer', recipients: owing, title: `La tarea ${formatDeadline(state.dueAt)}: ${label}` }] };
  }
  return {
    state: { ...copied(state), overdue: true },
    event: { action: 'vencida', data: { dueAt: state.dueAt }, effects: [] },
    notices: [{ kind: 'tarea_vencida', recipients: [...owing, secretariat], title: `Tarea vencida el ${inLimaTime(state.dueAt)}: ${label}` }],
  };
}

// ---- what continue-as-new carries ---------------------------------------------------------

export const taskMemoryVersion = 1;

/** Everything a task needs to go on in its next run. */
export interface TaskMemory {
  version: typeof taskMemoryVersion;
  input: TaskInput;
  state: TaskState;
  /** The last event's number (1 is the assignment). */
  seq: number;
  /** When the task's first run started: reminders before it are never sent. */
  startedAt: string;
  fired: string[];
  /** Notifications decided but not yet handed to the notify activity. */
  outbox: Notification[];
  auditHead: AuditHead | null;
}

/**
 * The memory a run was handed, in the current shape. Tasks first continued as new with version 1,
 * so there is nothing older to convert yet; a memory from a newer worker is refused rather than
 * misread.
 */
export function upgradeTaskMemory(old: { version?: number } & Omit<TaskMemory, 'version'>): TaskMemory {
  const version = old.version ?? 1;
  if (version > taskMemoryVersion) throw new Error(`Estado de tarea de una versión posterior (${version}): este código conoce hasta la ${taskMemoryVersion}.`);
  return { ...old, version: taskMemoryVersion };
}
