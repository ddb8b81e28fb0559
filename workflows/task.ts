// One durable workflow per task of an adopted agreement (DOMAIN.md, Process 2). It outlives the
// proposal that started it: assignment, acceptance (or a request for reassignment or a new due
// date, which the secretariat decides), progress, reminders, overdue escalation, completion and
// verification. As in the proposal workflow, every action is an Update whose validator refuses
// before anything enters history, and which answers once its event is in the database.
import {
  allHandlersFinished, ApplicationFailure, condition, defineQuery, defineUpdate, proxyActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { addDuration, inLimaTime, subtractDuration } from '../domain/durations';
import type { Notification } from '../domain/events';
import type { PlannedAction } from '../domain/proposal';
import type { TaskEffect, TaskSnapshot, TaskStatus } from '../domain/tasks';
import { refusals, type Actor, type Recorded } from './messages';
import { keyed, splitNotices, type Notice } from './recording';

const activities = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Reminders before the due date unless the planned action says otherwise. */
export const defaultTaskReminders = ['P7D', 'P1D'];

export interface TaskInput {
  taskId: string;
  proposalId: string;
  agreementNumber: string;
  index: number;
  action: PlannedAction;
  adoptedAt: string;
}

interface Line { accepted: boolean; percent: number; completed: boolean }

export interface TaskState {
  status: TaskStatus;
  dueAt: string;
  responsible: string[];
  lines: Record<string, Line>;
  request: { institution: string; reason: string; proposedDueDate: string | null } | null;
  overdue: boolean;
}

export const taskWorkflowId = (taskId: string) => `task-${taskId}`;

export const acceptTaskUpdate = defineUpdate<Recorded, [{ actor: Actor }]>('acceptTask');
export const requestChangeUpdate = defineUpdate<Recorded, [{ actor: Actor; reason: string; proposedDueDate?: string }]>('requestChange');
export const decideRequestUpdate = defineUpdate<Recorded, [{ actor: Actor; granted: boolean; comment: string; responsible?: string[] }]>('decideRequest');
export const reportProgressUpdate = defineUpdate<Recorded, [{ actor: Actor; percent: number; note?: string; evidenceUrl?: string }]>('reportProgress');
export const completeTaskUpdate = defineUpdate<Recorded, [{ actor: Actor; summary: string; evidenceUrl?: string }]>('completeTask');
export const verifyTaskUpdate = defineUpdate<Recorded, [{ actor: Actor; accepted: boolean; comment: string }]>('verifyTask');
export const taskStateQuery = defineQuery<TaskState>('taskState');

const refuse = (type: string, message: string): never => {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
};

export async function taskWorkflow(input: TaskInput): Promise<TaskState> {
  const { taskId, action } = input;
  const reminders = action.reminders ?? defaultTaskReminders;
  const s: TaskState = {
    status: 'asignada',
    dueAt: addDuration(new Date(input.adoptedAt), action.dueIn).toISOString(),
    responsible: [...action.responsible],
    lines: Object.fromEntries(action.responsible.map((i) => [i, { accepted: false, percent: 0, completed: false }])),
    request: null,
    overdue: false,
  };
  let seq = 0;
  const fired: string[] = [];
  const outbox: Notification[] = [];
  const now = () => new Date();

  const snapshot = (): TaskSnapshot => ({
    status: s.status, dueAt: s.dueAt, responsible: s.responsible, overdue: s.overdue,
    accepted: s.responsible.filter((i) => s.lines[i]!.accepted),
    percent: Math.round(s.responsible.reduce((sum, i) => sum + s.lines[i]!.percent, 0) / Math.max(s.responsible.length, 1)),
    pendingFor: pendingFor(),
  });

  function pendingFor(): string[] {
    if (s.status === 'verificada') return [];
    if (s.request || s.status === 'completada') return ['SECRETARIA'];
    return s.responsible.filter((i) => s.status === 'asignada' ? !s.lines[i]!.accepted : !s.lines[i]!.completed);
  }

  const about = { proposalId: input.proposalId, taskId };

  /** Numbers the event, then waits until it is in the database with its notices. */
  async function record(actor: Actor | null, action: string, data: Record<string, unknown>, effects: TaskEffect[] = [], notices: Notice[] = []) {
    const at = now().toISOString();
    const n = ++seq;
    const { carried, after } = splitNotices(notices.map((x) => keyed(taskId, n, x, about)));
    await activities.recordTaskEvent({
      taskId, seq: n, at, action, data, effects, snapshot: snapshot(), notices: carried,
      actor: { userId: actor?.userId ?? null, institution: actor?.institution ?? null },
    });
    outbox.push(...after);
    return { seq: n };
  }

  /** A notice that no event carries (a reminder), delivered by the main loop. */
  function notify(kind: string, recipients: string[], title: string, tag = '') {
    if (recipients.length > 0) outbox.push(keyed(taskId, seq, { kind, recipients, title }, about, tag));
  }

  const label = `${input.agreementNumber}, tarea ${input.index}: ${action.title}`;
  const open = () => {
    if (s.status === 'verificada') refuse(refusals.conflict, 'La tarea ya fue verificada y cerrada.');
    // Until the assignment is recorded an action would take its number (1) and be lost as a repeat
    // of it: the page can show the task a moment before the workflow learns it is recorded, and a
    // resumed workflow goes through that moment again.
    if (seq === 0) refuse(refusals.conflict, 'La tarea aún se está registrando: inténtelo de nuevo en unos segundos.');
  };
  const responsibleOnly = (actor: Actor) => {
    if (!s.lines[actor.institution]) refuse(refusals.forbidden, `${actor.institution} no es responsable de esta tarea: solo informa sobre sus propias tareas.`);
  };
  const secretariatOnly = (actor: Actor, what: string) => {
    if (actor.kind !== 'secretaria') refuse(refusals.forbidden, `Solo la Secretaría Técnica ${what}.`);
  };

  setHandler(taskStateQuery, () => s);

  setHandler(acceptTaskUpdate, async ({ actor }) => {
    s.lines[actor.institution]!.accepted = true;
    if (s.responsible.every((i) => s.lines[i]!.accepted)) s.status = 'en_ejecucion';
    return record(actor, 'aceptada', {}, [{ kind: 'line', institution: actor.institution, accepted: true }]);
  }, {
    validator: ({ actor }) => {
      open();
      responsibleOnly(actor);
      if (s.lines[actor.institution]!.accepted) refuse(refusals.conflict, 'Su institución ya aceptó esta tarea.');
      if (s.request?.institution === actor.institution) refuse(refusals.conflict, 'Su solicitud está pendiente de decisión de la Secretaría Técnica.');
    },
  });

  setHandler(requestChangeUpdate, async ({ actor, reason, proposedDueDate }) => {
    s.request = { institution: actor.institution, reason, proposedDueDate: proposedDueDate ?? null };
    return record(actor, proposedDueDate ? 'nueva_fecha_solicitada' : 'reasignacion_solicitada', { reason, proposedDueDate: proposedDueDate ?? null }, [], [
      { kind: 'solicitud_tarea', recipients: ['SECRETARIA'], title: `${actor.institution} solicita ${proposedDueDate ? 'una nueva fecha' : 'la reasignación'}: ${label}` },
    ]);
  }, {
    validator: ({ actor, reason, proposedDueDate }) => {
      open();
      responsibleOnly(actor);
      if (s.status === 'completada') refuse(refusals.conflict, 'La tarea está completada y en verificación.');
      if (s.request) refuse(refusals.conflict, 'Ya hay una solicitud pendiente de decisión en esta tarea.');
      if (!reason.trim()) refuse(refusals.rule, 'La solicitud requiere un motivo («reason»).');
      if (proposedDueDate !== undefined && Date.parse(proposedDueDate) <= Date.now()) refuse(refusals.rule, 'La nueva fecha propuesta debe ser futura.');
    },
  });

  setHandler(decideRequestUpdate, async ({ actor, granted, comment, responsible }) => {
    const request = s.request!;
    s.request = null;
    const effects: TaskEffect[] = [];
    if (granted && request.proposedDueDate) {
      s.dueAt = new Date(request.proposedDueDate).toISOString();
      s.overdue = false;
    } else if (granted) {
      // Reassignment: the requesting institution hands its line to the ones the secretariat names.
      delete s.lines[request.institution];
      s.responsible = [...s.responsible.filter((i) => i !== request.institution), ...responsible!.filter((i) => !s.lines[i])];
      for (const i of responsible!) s.lines[i] ??= { accepted: false, percent: 0, completed: false };
      effects.push({ kind: 'responsible', responsible: s.responsible });
      if (s.status === 'en_ejecucion' && !s.responsible.every((i) => s.lines[i]!.accepted)) s.status = 'asignada';
    }
    return record(actor, granted ? 'solicitud_concedida' : 'solicitud_denegada', { institution: request.institution, comment, responsible: responsible ?? null }, effects, [
      { kind: 'solicitud_decidida', recipients: [request.institution, ...(granted ? responsible ?? [] : [])], title: `Solicitud ${granted ? 'concedida' : 'denegada'} (${comment}): ${label}` },
      ...(granted && responsible ? [{ kind: 'tarea_asignada', recipients: responsible, title: `Nueva tarea del ${label}` }] : []),
    ]);
  }, {
    validator: ({ actor, granted, comment, responsible }) => {
      open();
      secretariatOnly(actor, 'decide las solicitudes');
      if (!s.request) refuse(refusals.conflict, 'No hay ninguna solicitud pendiente en esta tarea.');
      if (!comment.trim()) refuse(refusals.rule, 'La decisión requiere un comentario («comment»).');
      if (granted && !s.request!.proposedDueDate && !responsible?.length) {
        refuse(refusals.rule, 'Para conceder una reasignación indique las nuevas instituciones responsables («responsible»).');
      }
    },
  });

  setHandler(reportProgressUpdate, async ({ actor, percent, note, evidenceUrl }) => {
    s.lines[actor.institution]!.percent = percent;
    return record(actor, 'avance', { percent, note: note ?? null, evidenceUrl: evidenceUrl ?? null }, [
      { kind: 'progress', institution: actor.institution, percent, note: note ?? null, evidenceUrl: evidenceUrl ?? null },
    ]);
  }, {
    validator: ({ actor, percent, note }) => {
      open();
      responsibleOnly(actor);
      const line = s.lines[actor.institution]!;
      if (!line.accepted) refuse(refusals.conflict, 'Acepte la tarea antes de informar avances.');
      if (line.completed) refuse(refusals.conflict, 'Su parte de la tarea ya está completada.');
      if (percent < line.percent && !note?.trim()) refuse(refusals.rule, `El avance baja de ${line.percent} % a ${percent} %: explique por qué en «note».`);
    },
  });

  setHandler(completeTaskUpdate, async ({ actor, summary, evidenceUrl }) => {
    const line = s.lines[actor.institution]!;
    line.completed = true;
    line.percent = 100;
    if (s.responsible.every((i) => s.lines[i]!.completed)) s.status = 'completada';
    return record(actor, 'completada', { summary, evidenceUrl: evidenceUrl ?? null }, [
      { kind: 'progress', institution: actor.institution, percent: 100, note: summary, evidenceUrl: evidenceUrl ?? null },
      { kind: 'line', institution: actor.institution, completed: true },
    ], s.status === 'completada' ? [{ kind: 'verificacion_pendiente', recipients: ['SECRETARIA'], title: `Tarea completada, por verificar: ${label}` }] : []);
  }, {
    validator: ({ actor, summary }) => {
      open();
      responsibleOnly(actor);
      if (s.status === 'asignada' || !s.lines[actor.institution]!.accepted) refuse(refusals.conflict, 'La tarea debe estar aceptada por todas las instituciones responsables antes de completarse.');
      if (s.lines[actor.institution]!.completed) refuse(refusals.conflict, 'Su parte de la tarea ya está completada.');
      if (!summary.trim()) refuse(refusals.rule, 'Indique el resultado («summary»).');
    },
  });

  setHandler(verifyTaskUpdate, async ({ actor, accepted, comment }) => {
    const effects: TaskEffect[] = [];
    if (accepted) {
      s.status = 'verificada';
    } else {
      s.status = 'en_ejecucion';
      for (const i of s.responsible) {
        s.lines[i]!.completed = false;
        effects.push({ kind: 'line', institution: i, completed: false });
      }
    }
    return record(actor, accepted ? 'verificada' : 'devuelta', { comment }, effects, [
      { kind: accepted ? 'tarea_verificada' : 'tarea_devuelta', recipients: s.responsible, title: `${accepted ? 'Tarea verificada' : `Tarea devuelta con observaciones (${comment})`}: ${label}` },
    ]);
  }, {
    validator: ({ actor, accepted, comment }) => {
      open();
      secretariatOnly(actor, 'verifica las tareas');
      if (s.status !== 'completada') refuse(refusals.conflict, 'Solo se verifica una tarea completada por todas sus instituciones responsables.');
      if (!accepted && !comment.trim()) refuse(refusals.rule, 'Una tarea devuelta requiere las observaciones («comment»).');
    },
  });

  const assigned = keyed(taskId, 1, { kind: 'tarea_asignada', recipients: s.responsible, title: `Nueva tarea del ${label}. Vence el ${inLimaTime(s.dueAt)} (hora de Lima).` }, about);
  const { carried, after } = splitNotices([assigned]);
  await activities.recordTaskAssigned({ ...input, dueAt: s.dueAt, snapshot: snapshot(), notices: carried });
  seq = 1;
  outbox.push(...after);

  // Reminders before the due date and one escalation when it passes, to those still owing work.
  const timerKey = (what: string) => `${s.dueAt}|${what}`;
  function nextTimer(): { key: string; at: Date; kind: 'recordatorio' | 'vencida' } | null {
    if (s.status === 'completada' || s.status === 'verificada') return null;
    const due = new Date(s.dueAt);
    const all = [
      ...reminders.map((r) => ({ key: timerKey(r), at: subtractDuration(due, r), kind: 'recordatorio' as const }))
        .filter((t) => t.at.getTime() > Date.parse(workflowInfo().startTime.toISOString())),
      { key: timerKey('vencida'), at: due, kind: 'vencida' as const },
    ];
    return all.filter((t) => !fired.includes(t.key)).sort((a, b) => a.at.getTime() - b.at.getTime())[0] ?? null;
  }

  while (s.status !== 'verificada') {
    const timer = nextTimer();
    const state = `${s.status}|${s.dueAt}`;
    await condition(() => outbox.length > 0 || `${s.status}|${s.dueAt}` !== state || s.status === 'verificada',
      timer ? Math.max(timer.at.getTime() - Date.now(), 1) : undefined);
    if (timer && timer.key === nextTimer()?.key && timer.at.getTime() <= Date.now()) {
      fired.push(timer.key);
      const owing = pendingFor().filter((i) => i !== 'SECRETARIA');
      if (timer.kind === 'recordatorio') {
        notify('tarea_por_vencer', owing, `La tarea vence el ${inLimaTime(s.dueAt)} (hora de Lima): ${label}`, `:${timer.key}`);
      } else {
        s.overdue = true;
        await record(null, 'vencida', { dueAt: s.dueAt }, [], [{ kind: 'tarea_vencida', recipients: [...owing, 'SECRETARIA'], title: `Tarea vencida el ${inLimaTime(s.dueAt)}: ${label}` }]);
      }
    }
    while (outbox.length > 0) {
      await activities.notify(outbox[0]!);
      outbox.shift();
    }
  }
  await condition(allHandlersFinished);
  while (outbox.length > 0) {
    await activities.notify(outbox[0]!);
    outbox.shift();
  }
  return s;
}
