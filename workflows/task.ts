// One durable workflow per task of an adopted agreement (docs/domain.md#proceso-2). It outlives the
// proposal that started it. The process itself (what each action may do and changes, reminders,
// overdue escalation) is the pure model in processes/task.ts; this is its wiring: each action is
// an Update whose validator is the model's `validate` (a refusal never enters history), answered
// once its event is in the database; timers; the outbox of notices; continue-as-new.
import {
  allHandlersFinished, condition, continueAsNew, log, patched, proxyActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { AuditHead } from '../db/audit';
import type { TaskStatus } from '../domain/tasks';
import type { Actor, Notice } from '../processes/common';
import {
  apply, assignedNotice, calendarChanged, taskReminders, defaultTaskUpdatesPerRun, fire, initialTaskState, nextTimer, snapshot, taskLabel,
  upgradeTaskMemory, validate, taskMemoryVersion, type TaskAction, type TaskContext, type TaskEvent, type TaskInput, type TaskMemory,
} from '../processes/task';
import {
  acceptTaskUpdate, completeTaskUpdate, decideRequestUpdate, reportProgressUpdate, requestChangeUpdate, taskStateQuery,
  verifyTaskUpdate, type TaskState,
} from './task-messages';
import { calendarChangedSignal } from './calendar-messages';
import { asRefusal, isRecordRefusal, keyed, splitNotices, throwIfRefused } from './recording';
import { admit } from './refused';
import { searchAttributesShown, taskSearchAttributes } from './search-attributes';

const activities = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export type TaskWorkflowArgs = TaskInput | { resume: TaskMemory };

export async function taskWorkflow(args: TaskWorkflowArgs): Promise<TaskState> {
  const m: TaskMemory = 'resume' in args ? upgradeTaskMemory(args.resume) : {
    version: taskMemoryVersion, input: args, state: initialTaskState(args), seq: 0,
    startedAt: workflowInfo().startTime.toISOString(), fired: [], outbox: [], auditHead: null,
  };
  const { input } = m;
  const { taskId } = input;
  const reminders = () => taskReminders(m.input);
  const updatesPerRun = input.updatesPerRun ?? defaultTaskUpdatesPerRun;
  const label = taskLabel(input);
  const about = { proposalId: input.proposalId, taskId };
  let updatesThisRun = 0;

  /** Histories recorded before the activities answered with the head replay with undefined here. */
  const keepHead = (head: AuditHead | null | undefined) => {
    if (head && head.seq > (m.auditHead?.seq ?? 0)) m.auditHead = head;
  };
  const context = (): TaskContext => ({ now: new Date(), label });

  // MesaStatus, MesaPending as the task moves (workflows/search-attributes.ts).
  const attributes = searchAttributesShown();
  const showAttributes = () => attributes.show(taskSearchAttributes({
    status: m.state.status, agreement: input.agreementNumber,
    // Who still has to act: the ministries that have not completed their part (none once completed).
    pending: m.state.status === 'completada' || m.state.status === 'verificada' ? [] : m.state.responsible.filter((i) => !m.state.lines[i]?.completed),
  }));

  /** Numbers the event, then waits until it is in the database with its notices. */
  async function record(actor: Actor | null, { action, data, effects }: TaskEvent, notices: Notice[]) {
    const at = new Date().toISOString();
    const n = ++m.seq;
    const { carried, after } = splitNotices(notices.map((x) => keyed(taskId, n, x, about)));
    const recorded = await activities.recordTaskEvent({
      taskId, seq: n, at, action, data, effects, snapshot: snapshot(m.state), notices: carried,
      actor: { userId: actor?.userId ?? null, institution: actor?.institution ?? null },
    }).catch((e: unknown) => { throw asRefusal(e); });
    keepHead(recorded?.head);
    throwIfRefused(recorded, n);
    m.outbox.push(...after);
    showAttributes();
    return { seq: n };
  }

  /**
   * An update applying `type` through the model. The new state is taken at once (validators see it);
   * if the database refuses the event (recording.ts), the model's undo takes back what the action
   * changed and the caller is refused. The task row was not touched, and the task goes on.
   */
  function handle<A extends { actor: Actor }>(type: TaskAction['type']) {
    const action = (arg: A) => ({ type, ...arg }) as TaskAction;
    return [
      async (arg: A) => {
        // The page can show the task a moment before its workflow learns the assignment is
        // recorded: an action admitted then waits for it, so that it takes the next number (not
        // the assignment's, 1), and is checked again against the state it then finds. Runs that
        // never admitted one then replay without this wait.
        if (m.seq === 0) {
          await condition(() => m.seq > 0);
          admit(validate(m.state, action(arg), context()));
        }
        updatesThisRun += 1;
        const outcome = apply(m.state, action(arg), context());
        m.state = outcome.state;
        try {
          return await record(arg.actor, outcome.event, outcome.notices);
        } catch (e) {
          if (isRecordRefusal(e)) m.state = outcome.undo(m.state);
          throw e;
        }
      },
      { validator: (arg: A) => admit(validate(m.state, action(arg), context())) },
    ] as const;
  }

  // Non-working days were added: the calendar is read again (an activity, so it is in the history)
  // and the due date moves if it now ends later, recorded and told (docs/domain.md#calendario-y-plazos).
  // Tasks adopted before the calendar keep their due dates; histories without the patch never had the signal.
  setHandler(calendarChangedSignal, async ({ dates }) => {
    if (!m.input.calendar || m.state.status === 'verificada' || !patched('tarea-calendario-laboral')) return;
    await condition(() => m.seq > 0);
    const calendar = await activities.workingCalendar();
    const moved = calendarChanged(m.state, m.input, calendar, dates, label);
    if (!moved) {
      m.input = { ...m.input, calendar };
      return;
    }
    const before = m.state;
    m.state = moved.state;
    await record(null, moved.event, moved.notices).then(() => {
      m.input = { ...m.input, calendar };
    }, (e: unknown) => {
      if (!isRecordRefusal(e)) throw e;
      // Refused by the database: the due date stays as recorded.
      m.state = { ...m.state, dueAt: before.dueAt };
      log.error('El plazo movido de la tarea fue rechazado por la base de datos', { taskId, error: String(e) });
    });
  });
  setHandler(taskStateQuery, () => ({ ...m.state, auditHead: m.auditHead }));
  setHandler(acceptTaskUpdate, ...handle('accept'));
  setHandler(requestChangeUpdate, ...handle('requestChange'));
  setHandler(decideRequestUpdate, ...handle('decideRequest'));
  setHandler(reportProgressUpdate, ...handle('reportProgress'));
  setHandler(completeTaskUpdate, ...handle('complete'));
  setHandler(verifyTaskUpdate, ...handle('verify'));

  async function deliverOutbox() {
    while (m.outbox.length > 0) {
      await activities.notify(m.outbox[0]!);
      m.outbox.shift();
    }
  }

  if (m.seq === 0) {
    const { carried, after } = splitNotices([keyed(taskId, 1, assignedNotice(m.state, label, input.action.dueIn), about)]);
    const { updatesPerRun: _cap, ...assigned } = input;
    keepHead(await activities.recordTaskAssigned({ ...assigned, dueAt: m.state.dueAt, snapshot: snapshot(m.state), notices: carried }));
    m.seq = 1;
    m.outbox.push(...after);
  }

  const startedAt = new Date(m.startedAt);
  const timerFor = () => nextTimer(m.state, reminders(), startedAt, m.fired, m.input.calendar);
  const tooLong = () => updatesThisRun >= updatesPerRun || workflowInfo().continueAsNewSuggested;
  while (m.state.status !== 'verificada') {
    if (tooLong()) {
      // Tasks run for months: their history is cut into runs. Every accepted update finishes
      // (and answers its caller) before the state is handed over.
      await condition(allHandlersFinished);
      if ((m.state.status as TaskStatus) === 'verificada') break;
      await continueAsNew<typeof taskWorkflow>({ resume: m });
    }
    const timer = timerFor();
    const state = `${m.state.status}|${m.state.dueAt}`;
    await condition(() => m.outbox.length > 0 || `${m.state.status}|${m.state.dueAt}` !== state || m.state.status === 'verificada'
      || updatesThisRun >= updatesPerRun,
    timer ? Math.max(timer.at.getTime() - Date.now(), 1) : undefined);
    if (timer && timer.key === timerFor()?.key && timer.at.getTime() <= Date.now()) {
      m.fired.push(timer.key);
      const fired = fire(m.state, timer, label);
      m.state = fired.state;
      if (!fired.event) {
        const tag = `:${timer.key}`;
        for (const n of fired.notices) if (n.recipients.length > 0) m.outbox.push(keyed(taskId, m.seq, n, about, tag));
      } else {
        await record(null, fired.event, fired.notices)
          // The process's own event refused by the database: the trail shows it, the task goes on.
          .catch((e: unknown) => {
            if (!isRecordRefusal(e)) throw e;
            log.error('Un evento de la tarea fue rechazado por la base de datos', { taskId, error: String(e) });
          });
      }
    }
    await deliverOutbox();
  }
  await condition(allHandlersFinished);
  await deliverOutbox();
  return m.state;
}
