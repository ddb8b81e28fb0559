// One durable workflow per proposal (docs/domain.md#proceso-1). Deterministic code only: every side
// effect is an activity, every clock read is the workflow's own.
//
// The process itself (its memory, what each action may do, each step's event and notices, the
// timers) is the pure model in processes/proposal.ts; this is its wiring. Every action is an
// Update whose validator is the model's `validate`: a refused action never enters history, and an
// accepted one answers only after its event is in the database, so "200" means "recorded and
// visible". Timers (reminders, deadlines) run in the main loop; the memory is one value that
// continue-as-new carries over, which keeps each run's history short.
import {
  allHandlersFinished, condition, continueAsNew, log, ParentClosePolicy, patched, proxyActivities,
  proxyLocalActivities, setHandler, startChild, workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { calendarChangedSignal } from './calendar-messages';
import type { createActivities } from '../activities';
import type { AuditHead } from '../db/audit';
import type { ProposalEventRecord } from '../domain/events';
import { changedFields, metadataOf } from '../domain/proposal';
import type { ProcessStage, ProposalStage } from '../domain/vocabulary';
import type { Actor, Notice } from '../processes/common';
import {
  adopted, calendarChanged, commented, consultationClosed, consultationEscalation, deadlineEscalation, deadlinePassed, extensionEscalation,
  groupDecided, initialProposalMemory, inputAnswered, inputSubmitted, launched, nextStage, nextTimer, notAdopted, pendingFor,
  decidableInSession, plannedTasks, proposalUpdatesPerRun, reminder, roundAnswered, roundDecided, roundDecidedInSession, roundExtended, sessionDecides, signedOff, signoffUndone,
  silenceAtDeadline, silenceCounted, snapshot, stageFields, stageOpened, timerState, upgradeProposalMemory, validate,
  versionPublished, withdrawn, metadataCorrected, type ProposalAction, type ProposalEvent, type ProposalMemory, type ProposalMemoryV1, type Step, type Timer,
} from '../processes/proposal';
import {
  advanceUpdate, answerInputUpdate, commentUpdate, correctMetadataUpdate, launchRecordedUpdate, publishVersionUpdate,
  signoffUpdate, stateQuery, submitInputUpdate, withdrawUpdate, workingGroupDecisionUpdate,
  type ProposalInput, type ProposalState,
} from './messages';
import { groupedRecording, inGroups, isRecordRefusal, keyed, splitNotices, throwIfRefused, type Recording } from './recording';
import { admit } from './refused';
import { proposalSearchAttributes, searchAttributesShown, taskSearchAttributes } from './search-attributes';
import { taskWorkflow } from './task';
import { taskWorkflowId } from './task-messages';
import { decidedInSessionSignal } from './session-messages';

const options = {
  startToCloseTimeout: '30 seconds',
  // Projection writes are idempotent, so retrying them forever is safe: a database outage
  // delays the proposal, it never loses what was acknowledged.
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const;
const activities = proxyActivities<ReturnType<typeof createActivities>>(options);
/** Reads that change nothing run inside the workflow task: no round trip through the server. */
const reads = proxyLocalActivities<ReturnType<typeof createActivities>>(options);

/** Runs continued before the memory had a version hand over version 1 (processes/proposal.ts upgradeProposalMemory). */
export type ProposalWorkflowArgs = ProposalInput | { resume: ProposalMemory | ProposalMemoryV1 };

type ArgOf<U> = U extends UpdateDefinition<any, [infer A], any> ? A : never;

export async function proposalWorkflow(args: ProposalWorkflowArgs): Promise<ProposalState> {
  // Never held across an await: every change takes the memory as it is then (see `take`).
  let m: ProposalMemory = 'resume' in args ? upgradeProposalMemory(args.resume) : initialProposalMemory(args, workflowInfo().startTime);
  const { plan, proposalId } = m.input;
  let updatesThisRun = 0;
  /** True while a stage change is being recorded: other stage changes wait their turn. */
  let transitioning = false;
  /**
   * Sign-offs cast in memory whose events are not yet recorded. Since the patch, a round closes
   * only once they are: a sign-off the database refuses is undone, never counted.
   * Lifecycle: see README.md, "Versioning": `deprecatePatch('conformidad-registrada')` once no
   * open proposal started before the patch, then removed with this flag (always true).
   */
  let signoffsRecording = 0;
  const roundWaitsForRecords = patched('conformidad-registrada');
  // MesaStage, MesaStatus, MesaPending… as the proposal moves (workflows/search-attributes.ts).
  const attributes = searchAttributesShown();
  const showAttributes = () => attributes.show(proposalSearchAttributes({
    // The plan as corrected last (a correction may change the objectives).
    stage: m.stage, status: m.status, objectives: m.input.plan.objectives, pending: pendingFor(m), agreement: m.number ?? null,
  }));
  async function counting<T>(recording: Promise<T>): Promise<T> {
    signoffsRecording += 1;
    try {
      return await recording;
    } finally {
      signoffsRecording -= 1;
    }
  }

  const now = () => new Date();
  const state = (): ProposalState => ({
    status: m.status, stage: m.stage, currentVersion: m.currentVersion, deadlines: m.deadlines, recorded: m.recorded,
    round: m.roundNumber, pendingFor: pendingFor(m), auditHead: m.auditHead ?? null,
  });

  /** Histories recorded before the activities answered with the head replay with undefined here. */
  const keepHead = (head: AuditHead | null | undefined) => {
    if (head && head.seq > (m.auditHead?.seq ?? 0)) m.auditHead = head;
  };

  const recordInGroup = inGroups<ProposalEventRecord, Recording>((events) => activities.recordProposalEvents({ events }));

  /**
   * Numbers the event now (so its place is fixed), then waits until it is in the database with
   * its notices.
   */
  async function record(actor: Actor | null, { action, data, effects }: ProposalEvent, notices: Notice[] = []): Promise<number> {
    const seq = ++m.seq;
    const { carried, after } = splitNotices(notices.map((n) => keyed(proposalId, seq, n, { proposalId })));
    const event: ProposalEventRecord = {
      proposalId, seq, at: now().toISOString(), action, data, effects, snapshot: snapshot(m), notices: carried,
      actor: { userId: actor?.userId ?? null, institution: actor?.institution ?? null },
    };
    const recorded = await (groupedRecording() ? recordInGroup(event) : activities.recordProposalEvent(event));
    keepHead(recorded?.head);
    throwIfRefused(recorded, seq);
    m.outbox.push(...after);
    showAttributes();
    return seq;
  }

  /** Takes a step of the model: its memory at once (validators see it), then records its event. */
  function take(actor: Actor | null, step: Step): Promise<number> {
    m = step.memory;
    return record(actor, step.event, step.notices);
  }

  /** A step that changes the stage (or closes the proposal). */
  async function transition(actor: Actor | null, step: Step): Promise<number> {
    return take(actor, step);
  }

  /**
   * Queues a notice that no event carries (a reminder, an escalation); the main loop delivers it,
   * so a slow channel never holds up the process.
   */
  function notify(notice: Notice, tag = '') {
    if (notice.recipients.length > 0) m.outbox.push(keyed(proposalId, m.seq, notice, { proposalId }, tag));
  }

  /**
   * Who takes part now (the registry may have changed since the last stage). Not async itself: an
   * extra await would reorder commands against recorded histories.
   */
  const participants = () => (groupedRecording() ? reads : activities)
    .proposalParticipants({ leadWorkingGroup: plan.leadWorkingGroup, workingGroups: plan.workingGroups });

  async function deliverOutbox() {
    while (m.outbox.length > 0) {
      await activities.notify(m.outbox[0]!);
      m.outbox.shift();
    }
  }

  /** Moves to `stage` (refreshing who takes part first), records it and tells those concerned. */
  async function openStage(stage: ProcessStage, actor: Actor | null, event: string, data: Record<string, unknown> = {}) {
    const taking = await participants();
    return take(actor, stageOpened(m, stage, taking, now(), event, data));
  }

  /**
   * Closes the sign-off round: decision (by the plan's rule, or the one a session took), then
   * adoption (with its tasks), revision or rejection.
   */
  async function closeRound(decide: (memory: ProposalMemory) => ProposalMemory = (memory) => roundDecided(memory, now())) {
    m = decide(m);
    if (m.decision!.outcome !== 'adoptada') {
      await transition(null, notAdopted(m, now()));
      return;
    }
    const number = await activities.assignAgreementNumber({ proposalId, at: now().toISOString() });
    m = { ...m, number };
    for (const { taskId, index, action } of plannedTasks(m)) {
      await startChild(taskWorkflow, {
        workflowId: taskWorkflowId(taskId),
        // Tasks outlive the proposal: its workflow ends here, theirs go on.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        args: [{ taskId, proposalId, agreementNumber: number, index, action, adoptedAt: now().toISOString(), ...(m.calendar ? { calendar: m.calendar } : {}) }],
        ...(attributes.enabled ? {
          typedSearchAttributes: taskSearchAttributes({ status: 'asignada', pending: action.responsible, agreement: number }),
          memo: { title: action.title },
        } : {}),
      });
      m = { ...m, tasks: [...m.tasks, taskId] };
    }
    await transition(null, adopted(m, number, m.tasks));
  }

  /**
   * A session said it decided the proposal: the decision is taken from the session's record in
   * the database, never from the signal (anyone who reaches Temporal could send one), and only
   * while the round is still open.
   */
  async function decideInSession() {
    const said = m.sessionDecision!;
    m = { ...m, sessionDecision: null };
    if (!decidableInSession(m)) return;
    const decided = await activities.sessionDecision({ sessionId: said.sessionId, n: said.n, proposalId });
    if (!decided || !decidableInSession(m)) {
      log.warn('Una sesión anunció una decisión que su registro no respalda, o la ronda ya se cerró', { proposalId, ...said });
      return;
    }
    await closeRound((memory) => roundDecidedInSession(memory, said, { ...decided, outcome: decided.outcome as 'adoptada' | 'observada' | 'rechazada' }, now()));
  }

  const roundComplete = () => roundAnswered(m) && (!roundWaitsForRecords || signoffsRecording === 0);

  /** A reminder, or a stage's deadline: what the model says it does. */
  async function fire(timer: Timer) {
    m = { ...m, firedTimers: [...m.firedTimers, timer.key] };
    if (timer.kind === 'reminder') {
      notify(reminder(m), `:${timer.key}`);
      return;
    }
    switch (m.stage) {
      case 'consulta':
        await take(null, consultationClosed(m));
        if (Object.values(m.inputs).every((i) => i.answered)) await openStage(nextStage(m)!, null, 'etapa_abierta');
        else notify(consultationEscalation(m));
        return;
      case 'conformidad': {
        // Decided in session: its deadline records itself and tells the secretariat, like another
        // stage's; no silence is counted. No recorded history holds such a plan, so none replays here.
        if (sessionDecides(m)) break;
        const silence = silenceAtDeadline(m);
        if (silence.extend) {
          await take(null, roundExtended(m));
          notify(extensionEscalation(m));
          return;
        }
        const counted = silenceCounted(m, silence.tacit, now());
        m = counted.memory; // closing: no late sign-off may slip in while silence is recorded
        if (counted.event) await record(null, counted.event);
        notify(counted.escalation);
        await closeRound();
        return;
      }
    }
    await take(null, deadlinePassed(m));
    notify(deadlineEscalation(m));
  }

  // ---- handlers --------------------------------------------------------------------------

  /**
   * Runs a stage change once any other one has been recorded. `recheck` is the action's validator,
   * run again then: in the rare case the other change made this one impossible, it fails.
   */
  async function exclusively<T>(recheck: () => void, body: () => Promise<T>): Promise<T> {
    await condition(() => !transitioning);
    recheck();
    transitioning = true;
    try {
      return await body();
    } finally {
      transitioning = false;
    }
  }
  const counted = <A extends unknown[], R>(handler: (...args: A) => Promise<R>) => (...args: A) => {
    updatesThisRun += 1;
    return handler(...args);
  };

  /**
   * Runs an action's recording; if the database refuses its event (recording.ts), `undo` takes
   * back what the action changed in memory, a fresh event records the state as it now is (later
   * events of the same group may have carried the refused change), and the caller is refused.
   * Everything else the process does goes on. Histories from before group commit replay as
   * they were recorded: no wrapper there, since an extra await would reorder their commands.
   */
  function undone<T>(undo: () => void, body: () => Promise<T>): Promise<T> {
    return groupedRecording() ? undoneIfRefused(undo, body) : body();
  }

  async function undoneIfRefused<T>(undo: () => void, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (e) {
      if (!isRecordRefusal(e)) throw e;
      undo();
      await record(null, { action: 'estado_restablecido', data: {}, effects: [] })
        .catch((again: unknown) => log.error('El estado restablecido no pudo registrarse', { proposalId, error: String(again) }));
      throw e;
    }
  }

  /** Puts back what a stage change may alter, if its event is refused. */
  function stageRestorer(): () => void {
    const saved = stageFields(m);
    return () => {
      m = { ...m, ...saved };
    };
  }

  // Validators: the model's rules, run before an update is admitted (a refusal never enters
  // history), and for the stage-changing ones again just before they act.
  const check = (action: ProposalAction) => admit(validate(m, action));
  const canDecideInGroup = (arg: ArgOf<typeof workingGroupDecisionUpdate>) => check({ type: 'workingGroupDecision', ...arg });
  const canPublishVersion = (arg: ArgOf<typeof publishVersionUpdate>) => check({ type: 'publishVersion', ...arg });
  const canAdvance = (arg: ArgOf<typeof advanceUpdate>) => check({ type: 'advance', ...arg });
  const canWithdraw = (arg: ArgOf<typeof withdrawUpdate>) => check({ type: 'withdraw', ...arg });

  // Non-working days were added: the calendar is read again (an activity, so it is in the history)
  // and the open stage's deadline moves if it now ends later, recorded and told
  // (docs/domain.md#calendario-y-plazos). Runs started before the calendar keep their deadlines.
  setHandler(calendarChangedSignal, async ({ dates }) => {
    if (!m.calendar || m.stage === 'cerrada') return;
    await exclusively(() => undefined, async () => {
      const calendar = await activities.workingCalendar();
      const { memory, step } = calendarChanged(m, calendar, dates);
      if (step && m.stage !== 'cerrada') await take(null, step);
      else m = { ...m, calendar: memory.calendar };
    });
  });

  setHandler(stateQuery, state);
  // A signal, not an update: the session's workflow sends it and cannot sign as the API does.
  setHandler(decidedInSessionSignal, (said) => {
    m = { ...m, sessionDecision: said };
  });
  setHandler(launchRecordedUpdate, async () => {
    await condition(() => m.recorded);
    return state();
  });

  setHandler(workingGroupDecisionUpdate, counted(async (arg: ArgOf<typeof workingGroupDecisionUpdate>) => exclusively(() => canDecideInGroup(arg), () => undone(stageRestorer(), async () => {
    const { actor, decision, reason } = arg;
    if (decision === 'avanzar') return openStage(nextStage(m)!, actor, 'grupo_avanza', { decision, reason }).then((seq) => ({ seq }));
    return { seq: await transition(actor, groupDecided(m, decision, reason, now())) };
  }))), { validator: canDecideInGroup });

  setHandler(submitInputUpdate, counted(async (arg) => {
    const step = inputSubmitted(m, { type: 'submitInput', ...arg });
    const { inputId } = step;
    m = step.memory;
    const seq = m.seq + 1;
    await undone(() => {
      const { [inputId]: _dropped, ...inputs } = m.inputs;
      m = { ...m, inputs };
    }, () => record(arg.actor, step.event, step.notices));
    return { seq, inputId };
  }), { validator: (arg) => check({ type: 'submitInput', ...arg }) });

  setHandler(answerInputUpdate, counted(async (arg) => {
    const answeredBefore = m.inputs[arg.inputId]!.answered;
    const step = inputAnswered(m, { type: 'answerInput', ...arg });
    m = step.memory;
    const seq = await undone(() => {
      m = { ...m, inputs: { ...m.inputs, [arg.inputId]: { ...m.inputs[arg.inputId]!, answered: answeredBefore } } };
    }, () => record(arg.actor, step.event, step.notices));
    return { seq };
  }), { validator: (arg) => check({ type: 'answerInput', ...arg }) });

  setHandler(publishVersionUpdate, counted(async (arg: ArgOf<typeof publishVersionUpdate>) => exclusively(() => canPublishVersion(arg), () => undone(stageRestorer(), async () => {
    const step = versionPublished(m, { type: 'publishVersion', ...arg });
    return { seq: await take(arg.actor, step), number: step.memory.currentVersion };
  }))), { validator: canPublishVersion });

  setHandler(advanceUpdate, counted(async (arg: ArgOf<typeof advanceUpdate>) => exclusively(() => canAdvance(arg), () => undone(stageRestorer(), async () => {
    if (m.stage === 'consulta' && m.consultationOpen) await take(arg.actor, consultationClosed(m));
    return { seq: await openStage(nextStage(m)!, arg.actor, 'etapa_abierta') };
  }))), { validator: canAdvance });

  setHandler(signoffUpdate, counted(async (arg) => {
    const before = m;
    const at = now();
    const step = signedOff(m, { type: 'signoff', ...arg }, at);
    m = step.memory;
    const { actor, position, comment } = arg;
    const undo = () => { m = signoffUndone(m, before, actor.institution); };
    const recording = () => record(actor, step.event, step.notices);
    const seq = await (roundWaitsForRecords ? counting(undone(undo, recording)) : undone(undo, recording));
    return { seq, institution: actor.institution, position, comment: comment ?? null, version: before.round!.version, at: at.toISOString() };
  }), { validator: (arg) => check({ type: 'signoff', ...arg }) });

  setHandler(commentUpdate, counted(async (arg) => {
    const step = commented(m, { type: 'comment', ...arg });
    const seq = m.seq + 1;
    await undone(() => {}, () => take(arg.actor, step));
    return { seq, commentId: step.commentId };
  }), { validator: (arg) => check({ type: 'comment', ...arg }) });

  setHandler(withdrawUpdate, counted(async (arg: ArgOf<typeof withdrawUpdate>) => exclusively(() => canWithdraw(arg), () => undone(stageRestorer(), async () => {
    return { seq: await transition(arg.actor, withdrawn(m, arg.reason)) };
  }))), { validator: canWithdraw });

  // A correction of the description changes no stage and starts no timer: a new handler, so no
  // recorded history holds it and none needs a patch to replay.
  setHandler(correctMetadataUpdate, counted(async (arg) => {
    const before = metadataOf(m.input.plan, changedFields(m.input.plan, arg.changes));
    const step = metadataCorrected(m, { type: 'correctMetadata', ...arg });
    const seq = await undone(() => {
      m = { ...m, input: { ...m.input, plan: { ...m.input.plan, ...before } } };
    }, () => take(arg.actor, step));
    return { seq };
  }), { validator: (arg) => check({ type: 'correctMetadata', ...arg }) });

  // ---- main loop -------------------------------------------------------------------------

  if (!m.recorded) {
    // The calendar its deadlines in days are counted on, read once and kept in the history; runs
    // started before the calendar existed count on the national holidays only, as they did.
    if (patched('calendario-laboral')) m = { ...m, calendar: await activities.workingCalendar() };
    const start = launched(m, await participants(), now());
    m = start.memory;
    const { carried, after } = splitNotices(start.notices.map((n) => keyed(proposalId, 1, n, { proposalId })));
    keepHead(await activities.recordProposalLaunched({
      proposalId, plan, launchedBy: m.input.launchedBy, at: m.stageOpenedAt, snapshot: snapshot(m), effects: start.effects, notices: carried,
    }));
    m.recorded = true;
    m.outbox.push(...after);
  }
  showAttributes();
  await deliverOutbox();

  while (m.stage !== 'cerrada') {
    if (updatesThisRun >= proposalUpdatesPerRun || workflowInfo().continueAsNewSuggested) {
      // Let every accepted update finish (and answer its caller) before handing over.
      await condition(allHandlersFinished);
      if ((m.stage as ProposalStage) === 'cerrada') break;
      await continueAsNew<typeof proposalWorkflow>({ resume: m });
    }
    const key = timerState(m);
    const timer = nextTimer(m);
    await condition(
      () => timerState(m) !== key || roundComplete() || updatesThisRun >= proposalUpdatesPerRun || m.outbox.length > 0 || !!m.sessionDecision,
      timer ? Math.max(timer.at.getTime() - Date.now(), 1) : undefined,
    );
    // A stage change under way finishes first; then what is due is looked at afresh.
    await condition(() => !transitioning);
    try {
      if (m.sessionDecision) {
        await exclusively(() => {}, decideInSession);
      } else if (roundComplete()) {
        await exclusively(() => {}, () => closeRound());
      } else if (timer && timer.key === nextTimer(m)?.key && timer.at.getTime() <= Date.now()) {
        await exclusively(() => {}, () => fire(timer));
      }
    } catch (e) {
      // An event of the process itself (no participant's text) refused by the database: the
      // trail shows it, the operators are told, and the proposal keeps answering its members.
      if (!isRecordRefusal(e)) throw e;
      log.error('Un evento del proceso fue rechazado por la base de datos', { proposalId, error: String(e) });
    }
    await deliverOutbox();
  }
  await condition(allHandlersFinished);
  await deliverOutbox();
  return state();
}
