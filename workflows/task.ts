// One durable workflow per task of an adopted agreement (docs/domain.md#proceso-2). It outlives the
// proposal that started it: assignment, acceptance (or a request for reassignment or a new due
// date, which the secretariat decides), progress, reminders, overdue escalation, completion and
// verification. As in the proposal workflow, every action is an Update whose validator refuses
// before anything enters history, and which answers once its event is in the database.
import {
  allHandlersFinished, ApplicationFailure, condition, log, proxyActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { AuditHead } from '../db/audit';
import { addDuration, inLimaTime, subtractDuration } from '../domain/durations';
import type { Notification } from '../domain/events';
import { secretariat } from '../domain/registry-codes';
import type { TaskEffect, TaskSnapshot } from '../domain/tasks';
import { ownEntry, textLimits } from '../domain/text';
import { checkBoolean, checkCodes, checkInstant, checkInteger, checkOptionalText, checkOptionalWebAddress, checkText } from './checks';
import { refusals, type Actor } from './messages';
import {
  acceptTaskUpdate, completeTaskUpdate, decideRequestUpdate, reportProgressUpdate, requestChangeUpdate, taskStateQuery,
  verifyTaskUpdate, type TaskInput, type TaskState,
} from './task-messages';
import { asRefusal, isRecordRefusal, keyed, splitNotices, throwIfRefused, type Notice } from './recording';

const activities = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Reminders before the due date unless the planned action says otherwise. */
export const defaultTaskReminders = ['P7D', 'P1D'];


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
  let auditHead: AuditHead | null = null;
  /** Histories recorded before the activities answered with the head replay with undefined here. */
  const keepHead = (head: AuditHead | null | undefined) => {
    if (head && head.seq > (auditHead?.seq ?? 0)) auditHead = head;
  };
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
    if (s.request || s.status === 'completada') return [secretariat];
    return s.responsible.filter((i) => s.status === 'asignada' ? !s.lines[i]!.accepted : !s.lines[i]!.completed);
  }

  const about = { proposalId: input.proposalId, taskId };

  /** Numbers the event, then waits until it is in the database with its notices. */
  async function record(actor: Actor | null, action: string, data: Record<string, unknown>, effects: TaskEffect[] = [], notices: Notice[] = []) {
    const at = now().toISOString();
    const n = ++seq;
    const { carried, after } = splitNotices(notices.map((x) => keyed(taskId, n, x, about)));
    const recorded = await activities.recordTaskEvent({
      taskId, seq: n, at, action, data, effects, snapshot: snapshot(), notices: carried,
      actor: { userId: actor?.userId ?? null, institution: actor?.institution ?? null },
    }).catch((e: unknown) => { throw asRefusal(e); });
    keepHead(recorded?.head);
    throwIfRefused(recorded, n);
    outbox.push(...after);
    return { seq: n };
  }

  /**
   * Records an action's event; if the database refuses it (recording.ts), `undo` takes back what
   * the action changed and the caller is refused. The task row was not touched, and the task goes on.
   */
  async function undone<T>(undo: () => void, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (e) {
      if (isRecordRefusal(e)) undo();
      throw e;
    }
  }

  /** The line of an institution responsible for the task; nothing for any other code, "__proto__" included. */
  const lineOf = (institution: string) => ownEntry(s.lines, institution);

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
    if (!lineOf(actor.institution)) refuse(refusals.forbidden, `${actor.institution} no es responsable de esta tarea: solo informa sobre sus propias tareas.`);
  };
  const secretariatOnly = (actor: Actor, what: string) => {
    if (actor.kind !== 'secretaria') refuse(refusals.forbidden, `Solo la Secretaría Técnica ${what}.`);
  };

  setHandler(taskStateQuery, () => ({ ...s, auditHead }));

  setHandler(acceptTaskUpdate, async ({ actor }) => {
    const status = s.status;
    const line = lineOf(actor.institution)!;
    line.accepted = true;
    if (s.responsible.every((i) => s.lines[i]!.accepted)) s.status = 'en_ejecucion';
    return undone(() => { line.accepted = false; s.status = status; }, () => record(actor, 'aceptada', {}, [{ kind: 'line', institution: actor.institution, accepted: true }]));
  }, {
    validator: ({ actor }) => {
      open();
      responsibleOnly(actor);
      if (lineOf(actor.institution)!.accepted) refuse(refusals.conflict, 'Su institución ya aceptó esta tarea.');
      if (s.request?.institution === actor.institution) refuse(refusals.conflict, 'Su solicitud está pendiente de decisión de la Secretaría Técnica.');
    },
  });

  setHandler(requestChangeUpdate, async ({ actor, reason, proposedDueDate }) => {
    s.request = { institution: actor.institution, reason, proposedDueDate: proposedDueDate ?? null };
    return undone(() => { s.request = null; }, () => record(actor, proposedDueDate ? 'nueva_fecha_solicitada' : 'reasignacion_solicitada', { reason, proposedDueDate: proposedDueDate ?? null }, [], [
      { kind: 'solicitud_tarea', recipients: [secretariat], title: `${actor.institution} solicita ${proposedDueDate ? 'una nueva fecha' : 'la reasignación'}: ${label}` },
    ]));
  }, {
    validator: ({ actor, reason, proposedDueDate }) => {
      checkText('reason', reason, { kind: 'text', max: textLimits.reason });
      if (proposedDueDate !== undefined) checkInstant('proposedDueDate', proposedDueDate, now());
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
    const before = JSON.parse(JSON.stringify({ request: s.request, dueAt: s.dueAt, overdue: s.overdue, responsible: s.responsible, lines: s.lines, status: s.status })) as Partial<TaskState>;
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
    return undone(() => { Object.assign(s, before); }, () => record(actor, granted ? 'solicitud_concedida' : 'solicitud_denegada', { institution: request.institution, comment, responsible: responsible ?? null }, effects, [
      { kind: 'solicitud_decidida', recipients: [request.institution, ...(granted ? responsible ?? [] : [])], title: `Solicitud ${granted ? 'concedida' : 'denegada'} (${comment}): ${label}` },
      ...(granted && responsible ? [{ kind: 'tarea_asignada', recipients: responsible, title: `Nueva tarea del ${label}` }] : []),
    ]));
  }, {
    validator: ({ actor, granted, comment, responsible }) => {
      checkBoolean('granted', granted);
      checkText('comment', comment, { kind: 'text', max: textLimits.reason });
      if (responsible !== undefined) checkCodes('responsible', responsible);
      open();
      secretariatOnly(actor, 'decide las solicitudes');
      if (!s.request) refuse(refusals.conflict, 'No hay ninguna solicitud pendiente en esta tarea.');
      if (!comment.trim()) refuse(refusals.rule, 'La decisión requiere un comentario («comment»).');
      if (granted && !s.request!.proposedDueDate && !responsible?.length) {
        refuse(refusals.rule, 'Para conceder una reasignación indique las nuevas instituciones responsables («responsible»).');
      }
      if (granted && !s.request!.proposedDueDate) reassignmentRule(s.request!.institution, responsible!);
    },
  });

  /**
   * A reassignment must leave the task someone to carry it out: the requesting institution hands
   * its part to others, and not only to institutions that have already completed theirs (the
   * task would then sit at 100 % with nobody able to complete it). Whether the codes name active
   * member institutions is checked against the registry by the API.
   */
  function reassignmentRule(requester: string, responsible: string[]) {
    if (responsible.includes(requester)) {
      refuse(refusals.rule, `${requester} pide dejar la tarea: no puede figurar entre las nuevas instituciones responsables.`);
    }
    const remaining = [...s.responsible.filter((i) => i !== requester), ...responsible.filter((i) => !lineOf(i))];
    if (remaining.every((i) => lineOf(i)?.completed)) {
      refuse(refusals.rule, 'Con esa reasignación solo quedarían instituciones que ya completaron su parte: nombre al menos una institución que asuma la parte pendiente.');
    }
  }

  setHandler(reportProgressUpdate, async ({ actor, percent, note, evidenceUrl }) => {
    const line = lineOf(actor.institution)!;
    const before = line.percent;
    line.percent = percent;
    return undone(() => { line.percent = before; }, () => record(actor, 'avance', { percent, note: note ?? null, evidenceUrl: evidenceUrl ?? null }, [
      { kind: 'progress', institution: actor.institution, percent, note: note ?? null, evidenceUrl: evidenceUrl ?? null },
    ]));
  }, {
    validator: ({ actor, percent, note, evidenceUrl }) => {
      checkInteger('percent', percent, 0, 100);
      checkOptionalText('note', note, { kind: 'text', max: textLimits.comment });
      checkOptionalWebAddress('evidenceUrl', evidenceUrl);
      open();
      responsibleOnly(actor);
      const line = lineOf(actor.institution)!;
      if (!line.accepted) refuse(refusals.conflict, 'Acepte la tarea antes de informar avances.');
      if (line.completed) refuse(refusals.conflict, 'Su parte de la tarea ya está completada.');
      if (percent < line.percent && !note?.trim()) refuse(refusals.rule, `El avance baja de ${line.percent} % a ${percent} %: explique por qué en «note».`);
    },
  });

  setHandler(completeTaskUpdate, async ({ actor, summary, evidenceUrl }) => {
    const line = lineOf(actor.institution)!;
    const before = { ...line };
    const status = s.status;
    line.completed = true;
    line.percent = 100;
    if (s.responsible.every((i) => s.lines[i]!.completed)) s.status = 'completada';
    return undone(() => { Object.assign(line, before); s.status = status; }, () => record(actor, 'completada', { summary, evidenceUrl: evidenceUrl ?? null }, [
      { kind: 'progress', institution: actor.institution, percent: 100, note: summary, evidenceUrl: evidenceUrl ?? null },
      { kind: 'line', institution: actor.institution, completed: true },
    ], s.status === 'completada' ? [{ kind: 'verificacion_pendiente', recipients: [secretariat], title: `Tarea completada, por verificar: ${label}` }] : []));
  }, {
    validator: ({ actor, summary, evidenceUrl }) => {
      checkText('summary', summary, { kind: 'text', max: textLimits.comment });
      checkOptionalWebAddress('evidenceUrl', evidenceUrl);
      open();
      responsibleOnly(actor);
      if (s.status === 'asignada' || !lineOf(actor.institution)!.accepted) refuse(refusals.conflict, 'La tarea debe estar aceptada por todas las instituciones responsables antes de completarse.');
      if (lineOf(actor.institution)!.completed) refuse(refusals.conflict, 'Su parte de la tarea ya está completada.');
      if (!summary.trim()) refuse(refusals.rule, 'Indique el resultado («summary»).');
    },
  });

  setHandler(verifyTaskUpdate, async ({ actor, accepted, comment }) => {
    const before = JSON.parse(JSON.stringify({ status: s.status, lines: s.lines })) as Partial<TaskState>;
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
    return undone(() => { Object.assign(s, before); }, () => record(actor, accepted ? 'verificada' : 'devuelta', { comment }, effects, [
      { kind: accepted ? 'tarea_verificada' : 'tarea_devuelta', recipients: s.responsible, title: `${accepted ? 'Tarea verificada' : `Tarea devuelta con observaciones (${comment})`}: ${label}` },
    ]));
  }, {
    validator: ({ actor, accepted, comment }) => {
      checkBoolean('accepted', accepted);
      checkText('comment', comment, { kind: 'text', max: textLimits.comment });
      open();
      secretariatOnly(actor, 'verifica las tareas');
      if (s.status !== 'completada') refuse(refusals.conflict, 'Solo se verifica una tarea completada por todas sus instituciones responsables.');
      if (!accepted && !comment.trim()) refuse(refusals.rule, 'Una tarea devuelta requiere las observaciones («comment»).');
    },
  });

  const assigned = keyed(taskId, 1, { kind: 'tarea_asignada', recipients: s.responsible, title: `Nueva tarea del ${label}. Vence el ${inLimaTime(s.dueAt)} (hora de Lima).` }, about);
  const { carried, after } = splitNotices([assigned]);
  keepHead(await activities.recordTaskAssigned({ ...input, dueAt: s.dueAt, snapshot: snapshot(), notices: carried }));
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
      const owing = pendingFor().filter((i) => i !== secretariat);
      if (timer.kind === 'recordatorio') {
        notify('tarea_por_vencer', owing, `La tarea vence el ${inLimaTime(s.dueAt)} (hora de Lima): ${label}`, `:${timer.key}`);
      } else {
        s.overdue = true;
        await record(null, 'vencida', { dueAt: s.dueAt }, [], [{ kind: 'tarea_vencida', recipients: [...owing, secretariat], title: `Tarea vencida el ${inLimaTime(s.dueAt)}: ${label}` }])
          // The process's own event refused by the database: the trail shows it, the task goes on.
          .catch((e: unknown) => {
            if (!isRecordRefusal(e)) throw e;
            log.error('Un evento de la tarea fue rechazado por la base de datos', { taskId, error: String(e) });
          });
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
