// One durable workflow per proposal (docs/domain.md#proceso-1). Deterministic code only: every side
// effect is an activity, every clock read is the workflow's own.
//
// Every action is an Update with a validator: a refused action never enters history, and an
// accepted one answers only after its event is in the database, so "200" means "recorded and
// visible". Timers (reminders, deadlines) run in the main loop; state lives in one `Memory`
// object that continue-as-new carries over, which keeps each run's history short.
import {
  allHandlersFinished, ApplicationFailure, condition, continueAsNew, log, ParentClosePolicy, patched, proxyActivities,
  proxyLocalActivities, setHandler, startChild, workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { createActivities } from '../activities';
import type { AuditHead } from '../db/audit';
import { valueLabel } from '../domain/catalogue';
import { applySilence, decideRound, positions, positionsNeedingComment, tacitComment, type CastPosition } from '../domain/decision';
import { addDuration, inLimaTime, subtractDuration } from '../domain/durations';
import {
  inputDecisions, inputKinds, workingGroupDecisions, type DecisionRecord, type Notification, type ProposalEffect,
  type ProposalEventRecord, type ProposalSnapshot,
} from '../domain/events';
import { countParagraphs } from '../domain/proposal';
import { ownEntry, textLimits } from '../domain/text';
import { checkBoolean, checkInteger, checkOneOf, checkOptionalText, checkText } from './checks';
import type { ProcessStage, ProposalStage, ProposalStatus } from '../domain/vocabulary';
import {
  advanceUpdate, answerInputUpdate, commentUpdate, launchRecordedUpdate, publishVersionUpdate, refusals,
  signoffUpdate, stateQuery, submitInputUpdate, withdrawUpdate, workingGroupDecisionUpdate,
  type Actor, type ProposalInput, type ProposalState,
} from './messages';
import { groupedRecording, inGroups, isRecordRefusal, keyed, splitNotices, throwIfRefused, type Notice, type Recording } from './recording';
import { taskWorkflow } from './task';
import { taskWorkflowId } from './task-messages';

const options = {
  startToCloseTimeout: '30 seconds',
  // Projection writes are idempotent, so retrying them forever is safe: a database outage
  // delays the proposal, it never loses what was acknowledged.
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const;
const activities = proxyActivities<ReturnType<typeof createActivities>>(options);
/** Reads that change nothing run inside the workflow task: no round trip through the server. */
const reads = proxyLocalActivities<ReturnType<typeof createActivities>>(options);

/** Updates per run before continue-as-new: far below the server's 2,000 per run. */
const updatesPerRun = 500;

interface Round {
  number: number;
  version: number;
  members: string[];
  cast: Record<string, CastPosition & { comment: string | null; at: string }>;
  extended: boolean;
  closing: boolean;
}

type Participants = Awaited<ReturnType<ReturnType<typeof createActivities>['proposalParticipants']>>;

/** Everything the proposal needs to go on; carried whole into the next run. */
interface Memory {
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
  /** The audit trail's head after the last recorded event (absent in runs from before it was kept). */
  auditHead?: AuditHead | null;
}

export type ProposalWorkflowArgs = ProposalInput | { resume: Memory };

type ArgOf<U> = U extends UpdateDefinition<any, [infer A], any> ? A : never;

const refuse = (type: string, message: string): never => {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
};

export async function proposalWorkflow(args: ProposalWorkflowArgs): Promise<ProposalState> {
  const m: Memory = 'resume' in args ? args.resume : {
    input: args, recorded: false, status: 'en_curso', stage: args.plan.stages[0]!, stageIndex: 0, returnTo: null,
    needsNewVersion: false, currentVersion: 1, paragraphs: countParagraphs(args.plan.text), deadlines: {},
    stageOpenedAt: new Date(workflowInfo().startTime).toISOString(), consultationOpen: false, inputs: {}, round: null,
    roundNumber: 0, participants: { members: [], oscs: [], observers: [], support: [], coordinators: [], groupMembers: [], secretariat: [] },
    seq: 0, firedTimers: [], number: null, decision: null, tasks: [], outbox: [],
  };
  const { plan, proposalId } = m.input;
  let updatesThisRun = 0;
  /** True while a stage change is being recorded: other stage changes wait their turn. */
  let transitioning = false;
  /**
   * Sign-offs cast in memory whose events are not yet recorded. Since the patch, a round closes
   * only once they are: a sign-off the database refuses is undone, never counted.
   */
  let signoffsRecording = 0;
  const roundWaitsForRecords = patched('conformidad-registrada');
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
    round: m.roundNumber, pendingFor: pendingFor(), auditHead: m.auditHead ?? null,
  });

  /** Histories recorded before the activities answered with the head replay with undefined here. */
  const keepHead = (head: AuditHead | null | undefined) => {
    if (head && head.seq > (m.auditHead?.seq ?? 0)) m.auditHead = head;
  };

  function pendingFor(): string[] {
    switch (m.stage) {
      case 'grupo_de_trabajo': return m.participants.coordinators;
      case 'consulta': return Object.values(m.inputs).some((i) => !i.answered) ? m.participants.secretariat : [];
      case 'revision': return m.participants.secretariat;
      case 'conformidad': return m.round ? m.round.members.filter((i) => !m.round!.cast[i]) : [];
      case 'cerrada': return [];
    }
  }

  function snapshot(): ProposalSnapshot {
    return {
      status: m.status, stage: m.stage, currentVersion: m.currentVersion, deadlines: { ...m.deadlines },
      pendingFor: pendingFor(), round: m.roundNumber, consultationOpen: m.consultationOpen,
      number: m.number, decision: m.decision, tasks: m.tasks,
    };
  }

  const recordInGroup = inGroups<ProposalEventRecord, Recording>((events) => activities.recordProposalEvents({ events }));

  /**
   * Numbers the event now (so its place is fixed), then waits until it is in the database with
   * its notices.
   */
  async function record(actor: Actor | null, action: string, data: Record<string, unknown>, effects: ProposalEffect[] = [], notices: Notice[] = []): Promise<number> {
    const seq = ++m.seq;
    const { carried, after } = splitNotices(notices.map((n) => keyed(proposalId, seq, n, { proposalId })));
    const event: ProposalEventRecord = {
      proposalId, seq, at: now().toISOString(), action, data, effects, snapshot: snapshot(), notices: carried,
      actor: { userId: actor?.userId ?? null, institution: actor?.institution ?? null },
    };
    const recorded = await (groupedRecording() ? recordInGroup(event) : activities.recordProposalEvent(event));
    keepHead(recorded?.head);
    throwIfRefused(recorded, seq);
    m.outbox.push(...after);
    return seq;
  }

  /**
   * Queues a notice that no event carries (a reminder, an escalation); the main loop delivers it,
   * so a slow channel never holds up the process.
   */
  function notify(kind: string, recipients: string[], title: string, tag = '') {
    if (recipients.length > 0) m.outbox.push(keyed(proposalId, m.seq, { kind, recipients, title }, { proposalId }, tag));
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

  // ---- stages ----------------------------------------------------------------------------

  /** Changes the stage in memory, synchronously, so validators see it at once. */
  function enterStage(stage: ProcessStage) {
    m.stage = stage;
    m.stageOpenedAt = now().toISOString();
    m.deadlines[stage] = addDuration(now(), plan.deadlines[stage]).toISOString();
    m.firedTimers = [];
    m.consultationOpen = stage === 'consulta';
    const planned = plan.stages.indexOf(stage);
    if (planned >= 0 && !(stage === 'revision' && m.returnTo)) m.stageIndex = planned;
    if (stage === 'conformidad') {
      m.roundNumber += 1;
      m.round = { number: m.roundNumber, version: m.currentVersion, members: [...m.participants.members], cast: {}, extended: false, closing: false };
    }
  }

  /** What the stage just opened asks of whom, and who is told of it. */
  function stageNotices(): Notice[] {
    const title = plan.title;
    switch (m.stage) {
      case 'grupo_de_trabajo':
        return [{ kind: 'revision_grupo', recipients: m.participants.groupMembers, title: `Revisión en grupo de trabajo: ${title}` }];
      case 'consulta':
        return [{ kind: 'consulta_abierta', recipients: [...m.participants.oscs, ...m.participants.support], title: `Consulta abierta: ${title}` }];
      case 'revision':
        return [{ kind: 'revision', recipients: m.participants.secretariat, title: `Revisión pendiente: ${title}` }];
      case 'conformidad':
        return [
          { kind: 'conformidad_solicitada', recipients: m.round!.members, title: `Se solicita su conformidad (ronda ${m.roundNumber}, versión ${m.currentVersion}): ${title}` },
          { kind: 'informacion', recipients: [...m.participants.observers, ...m.participants.support], title: `Ronda de conformidad abierta: ${title}` },
        ];
      default:
        return [];
    }
  }

  /** Moves to `stage` (refreshing who takes part first), records it and tells those concerned. */
  async function openStage(stage: ProcessStage, actor: Actor | null, event: string, data: Record<string, unknown> = {}) {
    m.participants = await participants();
    if (m.status === 'observada') m.status = 'en_curso';
    enterStage(stage);
    return record(actor, event, { ...data, stage }, [{ kind: 'timeline', stage, event }, ...roundOpened()], stageNotices());
  }

  /** The round just opened, for the projection (reports measure response times from it). */
  function roundOpened(): ProposalEffect[] {
    const r = m.round;
    return m.stage === 'conformidad' && r ? [{ kind: 'round', round: r.number, version: r.version, members: r.members, deadline: m.deadlines.conformidad! }] : [];
  }

  function nextStage(): ProcessStage | null {
    if (m.stage === 'revision' && m.returnTo) return m.returnTo;
    return plan.stages[m.stageIndex + 1] ?? null;
  }

  async function close(status: 'adoptada' | 'rechazada' | 'retirada', actor: Actor | null, event: string, data: Record<string, unknown>, notices: Notice[]) {
    m.status = status;
    m.stage = 'cerrada';
    m.consultationOpen = false;
    return record(actor, event, data, [{ kind: 'timeline', stage: 'cerrada', event }], notices);
  }

  async function sendBackForRevision(actor: Actor | null, event: string, returnTo: ProcessStage, data: Record<string, unknown>, notices: Notice[] = []) {
    m.returnTo = returnTo;
    m.needsNewVersion = true;
    enterStage('revision');
    return record(actor, event, data, [{ kind: 'timeline', stage: 'revision', event }], [...stageNotices(), ...notices]);
  }

  /** Closes the sign-off round: decision, then adoption, revision or rejection. */
  async function closeRound() {
    const round = m.round!;
    round.closing = true;
    const decision = decideRound(plan.decisionRule, plan.quorum, round.members, round.cast);
    m.decision = { ...decision, rule: plan.decisionRule, round: round.number, version: round.version, at: now().toISOString() };
    const everyone = [...m.participants.members, ...m.participants.observers, ...m.participants.support, ...m.participants.secretariat];
    if (decision.outcome === 'adoptada') {
      m.number = await activities.assignAgreementNumber({ proposalId, at: now().toISOString() });
      for (const [i, action] of plan.actions.entries()) {
        const taskId = `${proposalId}-t${i + 1}`;
        await startChild(taskWorkflow, {
          workflowId: taskWorkflowId(taskId),
          // Tasks outlive the proposal: its workflow ends here, theirs go on.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          args: [{ taskId, proposalId, agreementNumber: m.number, index: i + 1, action, adoptedAt: now().toISOString() }],
        });
        m.tasks.push(taskId);
      }
      await close('adoptada', null, 'adoptada', { decision: m.decision, number: m.number, tasks: m.tasks }, [
        { kind: 'decision', recipients: everyone, title: `Propuesta adoptada como ${m.number}: ${plan.title}` },
      ]);
    } else if (decision.outcome === 'observada') {
      m.status = 'observada';
      await sendBackForRevision(null, 'observada', 'conformidad', { decision: m.decision }, [
        { kind: 'decision', recipients: everyone, title: `Propuesta observada (${decision.reason}): ${plan.title}` },
      ]);
    } else {
      await close('rechazada', null, 'rechazada', { decision: m.decision }, [
        { kind: 'decision', recipients: everyone, title: `Propuesta rechazada (${decision.reason}): ${plan.title}` },
      ]);
    }
  }

  const roundComplete = () => m.stage === 'conformidad' && !!m.round && !m.round.closing
    && m.round.members.length > 0 && m.round.members.every((i) => m.round!.cast[i])
    && (!roundWaitsForRecords || signoffsRecording === 0);

  // ---- timers ----------------------------------------------------------------------------

  interface Timer { key: string; at: Date; kind: 'reminder' | 'deadline' }

  function nextTimer(): Timer | null {
    if (m.stage === 'cerrada') return null;
    const deadlineText = m.deadlines[m.stage];
    if (!deadlineText) return null;
    const deadline = new Date(deadlineText);
    const base = `${m.stage}|${m.roundNumber}|${deadlineText}`;
    const opened = Date.parse(m.stageOpenedAt);
    const timers: Timer[] = plan.reminders
      .map((r) => ({ key: `${base}|${r}`, at: subtractDuration(deadline, r), kind: 'reminder' as const }))
      .filter((t) => t.at.getTime() > opened);
    timers.push({ key: `${base}|plazo`, at: deadline, kind: 'deadline' });
    return timers.filter((t) => !m.firedTimers.includes(t.key)).sort((a, b) => a.at.getTime() - b.at.getTime())[0] ?? null;
  }

  /** Who has not acted yet, for reminders and escalations. */
  function silent(): string[] {
    switch (m.stage) {
      case 'consulta': {
        const gave = new Set(Object.values(m.inputs).map((i) => i.institution));
        return m.consultationOpen ? m.participants.oscs.filter((o) => !gave.has(o)) : m.participants.secretariat;
      }
      default: return pendingFor();
    }
  }

  async function fire(timer: Timer) {
    m.firedTimers.push(timer.key);
    const title = plan.title;
    if (timer.kind === 'reminder') {
      notify('recordatorio', silent(), `Recordatorio: el plazo vence el ${inLimaTime(m.deadlines[m.stage as ProcessStage]!)} (hora de Lima): ${title}`, `:${timer.key}`);
      return;
    }
    switch (m.stage) {
      case 'consulta':
        m.consultationOpen = false;
        await record(null, 'consulta_cerrada', {}, [{ kind: 'timeline', stage: 'consulta', event: 'consulta_cerrada' }]);
        if (Object.values(m.inputs).every((i) => i.answered)) await openStage(nextStage()!, null, 'etapa_abierta');
        else notify('escalamiento', m.participants.secretariat, `La consulta cerró con aportes sin responder: ${title}`);
        return;
      case 'conformidad': {
        const round = m.round!;
        const silence = applySilence(plan.silencePolicy, round.members, round.cast, round.extended);
        if (silence.extend) {
          round.extended = true;
          m.deadlines.conformidad = addDuration(new Date(m.deadlines.conformidad!), plan.extension).toISOString();
          await record(null, 'prorroga', { deadline: m.deadlines.conformidad }, [{ kind: 'timeline', stage: 'conformidad', event: 'prorroga' }]);
          notify('escalamiento', [...pendingFor(), ...m.participants.secretariat], `Plazo prorrogado hasta el ${inLimaTime(m.deadlines.conformidad!)} (hora de Lima): ${title}`);
          return;
        }
        const unanswered = round.members.filter((i) => !round.cast[i]);
        round.closing = true; // no late sign-off may slip in while silence is recorded
        const at = now().toISOString();
        for (const institution of silence.tacit) {
          round.cast[institution] = { position: 'aprueba', tacit: true, comment: tacitComment, at };
        }
        if (silence.tacit.length > 0) {
          await record(null, 'conformidad_tacita', { institutions: silence.tacit }, silence.tacit.map((institution) => ({
            kind: 'signoff' as const, round: round.number, version: round.version, institution, position: 'aprueba' as const, comment: tacitComment, tacit: true,
          })));
        }
        notify('escalamiento', [...unanswered, ...m.participants.secretariat], `Sin respuesta en el plazo de la ronda ${round.number}: ${title}`);
        await closeRound();
        return;
      }
      default:
        await record(null, 'plazo_vencido', { stage: m.stage }, [{ kind: 'timeline', stage: m.stage, event: 'plazo_vencido' }]);
        notify('escalamiento', [...silent(), ...m.participants.secretariat], `Plazo vencido en la etapa ${m.stage}: ${title}`);
    }
  }

  // ---- handlers --------------------------------------------------------------------------

  const isSecretariat = (a: Actor) => a.kind === 'secretaria';
  const open = () => {
    if (m.stage === 'cerrada') refuse(refusals.conflict, `La propuesta está cerrada (${m.status}).`);
  };
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
      await record(null, 'estado_restablecido', {}).catch((again: unknown) => log.error('El estado restablecido no pudo registrarse', { proposalId, error: String(again) }));
      throw e;
    }
  }

  /** What a stage change may alter, to put back if its event is refused. */
  function savedStage(): () => void {
    const saved = JSON.parse(JSON.stringify({
      status: m.status, stage: m.stage, stageIndex: m.stageIndex, returnTo: m.returnTo, needsNewVersion: m.needsNewVersion,
      currentVersion: m.currentVersion, paragraphs: m.paragraphs, deadlines: m.deadlines, stageOpenedAt: m.stageOpenedAt,
      consultationOpen: m.consultationOpen, round: m.round, roundNumber: m.roundNumber, firedTimers: m.firedTimers,
    })) as Partial<Memory>;
    return () => {
      Object.assign(m, saved);
    };
  }

  // Validators: run before an update is admitted (a refusal never enters history), and the
  // stage-changing ones again just before they act. Each first checks the shape of what it is
  // sent (checks.ts): Temporal can be reached without the API and its schemas.
  function canDecideInGroup({ actor, decision, reason }: { actor: Actor; decision: string; reason: string }) {
    checkOneOf('decision', decision, workingGroupDecisions);
    checkText('reason', reason, { kind: 'text', max: textLimits.reason });
    open();
    if (!isSecretariat(actor) && !m.participants.coordinators.includes(actor.institution)) {
      refuse(refusals.forbidden, `Solo la Secretaría Técnica o la coordinación del grupo ${plan.leadWorkingGroup} deciden en el grupo de trabajo.`);
    }
    if (m.stage !== 'grupo_de_trabajo') refuse(refusals.conflict, `La propuesta no está en revisión del grupo de trabajo (etapa actual: ${m.stage}).`);
    if (decision !== 'avanzar' && !reason.trim()) refuse(refusals.rule, 'Devolver o rechazar una propuesta requiere un motivo («reason»).');
  }

  function canPublishVersion({ actor, text, changeSummary }: { actor: Actor; text: string; changeSummary: string }) {
    checkText('text', text, { kind: 'text', max: textLimits.document, required: true });
    checkText('changeSummary', changeSummary, { kind: 'text', max: textLimits.reason });
    open();
    if (!isSecretariat(actor)) refuse(refusals.forbidden, 'Solo la Secretaría Técnica publica nuevas versiones.');
    if (m.stage === 'conformidad') refuse(refusals.conflict, 'Durante la ronda de conformidad el texto no cambia: espere su cierre.');
    if (!changeSummary.trim()) refuse(refusals.rule, 'Una nueva versión requiere un resumen de cambios.');
  }

  function canAdvance({ actor }: { actor: Actor }) {
    open();
    if (!isSecretariat(actor)) refuse(refusals.forbidden, 'Solo la Secretaría Técnica hace avanzar una propuesta.');
    if (m.stage === 'conformidad') refuse(refusals.conflict, 'La ronda de conformidad se cierra cuando todos los miembros responden o al vencer su plazo.');
    const unanswered = Object.values(m.inputs).filter((i) => !i.answered).length;
    if (m.stage === 'consulta' && unanswered > 0) {
      refuse(refusals.rule, `Faltan responder ${unanswered} aporte(s) de la consulta antes de pasar a la siguiente etapa.`);
    }
    if (m.stage === 'revision' && m.needsNewVersion) refuse(refusals.rule, 'Publique una nueva versión del texto antes de continuar.');
    if (!nextStage()) refuse(refusals.conflict, 'No hay una etapa siguiente.');
  }

  function canWithdraw({ actor, reason }: { actor: Actor; reason: string }) {
    checkText('reason', reason, { kind: 'text', max: textLimits.reason });
    open();
    if (!isSecretariat(actor)) refuse(refusals.forbidden, 'Solo la Secretaría Técnica retira una propuesta.');
    if (!reason.trim()) refuse(refusals.rule, 'El retiro requiere un motivo.');
  }

  setHandler(stateQuery, state);
  setHandler(launchRecordedUpdate, async () => {
    await condition(() => m.recorded);
    return state();
  });

  setHandler(workingGroupDecisionUpdate, counted(async (arg: ArgOf<typeof workingGroupDecisionUpdate>) => exclusively(() => canDecideInGroup(arg), () => undone(savedStage(), async () => {
    const { actor, decision, reason } = arg;
    const data = { decision, reason };
    if (decision === 'avanzar') return openStage(nextStage()!, actor, 'grupo_avanza', data).then((seq) => ({ seq }));
    if (decision === 'devolver') return { seq: await sendBackForRevision(actor, 'grupo_devuelve', 'grupo_de_trabajo', data) };
    return { seq: await close('rechazada', actor, 'grupo_rechaza', data, []) };
  }))), { validator: canDecideInGroup });

  setHandler(submitInputUpdate, counted(async ({ actor, kind, text, paragraph }) => {
    const seq = m.seq + 1;
    const inputId = `${proposalId}-a${seq}`;
    m.inputs[inputId] = { institution: actor.institution, answered: false };
    await undone(() => delete m.inputs[inputId], () => record(actor, 'aporte', { inputId, kind, paragraph: paragraph ?? null }, [
      { kind: 'input', id: inputId, institution: actor.institution, inputKind: kind, text, paragraph: paragraph ?? null, version: m.currentVersion },
    ]));
    return { seq, inputId };
  }), {
    validator: ({ actor, kind, text, paragraph }) => {
      checkOneOf('kind', kind, inputKinds);
      checkText('text', text, { kind: 'text', max: textLimits.comment, required: true });
      checkInteger('paragraph', paragraph, 1, 1_000_000, true);
      open();
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
  });

  setHandler(answerInputUpdate, counted(async ({ actor, inputId, decision, reason, correction }) => {
    const input = ownEntry(m.inputs, inputId)!;
    const answeredBefore = input.answered;
    input.answered = true;
    // A correction says it is one, in the trail and to the institution that gave the input.
    const seq = await undone(() => { input.answered = answeredBefore; }, () => record(
      actor, correction ? 'respuesta_corregida' : 'aporte_respondido', { inputId, decision, reason, ...(correction ? { correction: true } : {}) },
      [{ kind: 'answer', inputId, decision, reason }],
      [{ kind: 'aporte_respondido', recipients: [input.institution], title: `${correction ? 'Se corrigió la respuesta a su aporte' : 'Su aporte fue respondido'} (${valueLabel(decision).toLowerCase()}): ${plan.title}` }],
    ));
    return { seq };
  }), {
    validator: ({ actor, inputId, decision, reason, correction }) => {
      checkText('inputId', inputId, { kind: 'line', max: 120, required: true });
      checkOneOf('decision', decision, inputDecisions);
      checkText('reason', reason, { kind: 'text', max: textLimits.reason });
      checkBoolean('correction', correction, true);
      open();
      if (!isSecretariat(actor)) refuse(refusals.forbidden, 'Solo la Secretaría Técnica responde los aportes.');
      const input = ownEntry(m.inputs, inputId);
      if (!input) refuse(refusals.notFound, `No existe el aporte «${inputId}» en esta propuesta.`);
      if (!reason.trim()) refuse(refusals.rule, 'La respuesta a un aporte requiere un motivo.');
      if (input!.answered && !correction) {
        refuse(refusals.conflict, `El aporte «${inputId}» ya fue respondido. Para cambiar la respuesta, envíela como corrección («correction»: true).`);
      }
      if (!input!.answered && correction) refuse(refusals.rule, `El aporte «${inputId}» aún no tiene respuesta: no hay nada que corregir.`);
    },
  });

  setHandler(publishVersionUpdate, counted(async (arg: ArgOf<typeof publishVersionUpdate>) => exclusively(() => canPublishVersion(arg), () => undone(savedStage(), async () => {
    const { actor, text, changeSummary } = arg;
    m.currentVersion += 1;
    m.paragraphs = countParagraphs(text);
    m.needsNewVersion = false;
    const number = m.currentVersion;
    const seq = await record(actor, 'nueva_version', { number, changeSummary }, [
      { kind: 'version', number, text, changeSummary },
      { kind: 'timeline', stage: m.stage, event: `version_${number}` },
    ]);
    return { seq, number };
  }))), { validator: canPublishVersion });

  setHandler(advanceUpdate, counted(async (arg: ArgOf<typeof advanceUpdate>) => exclusively(() => canAdvance(arg), () => undone(savedStage(), async () => {
    const { actor } = arg;
    if (m.stage === 'consulta' && m.consultationOpen) {
      m.consultationOpen = false;
      await record(actor, 'consulta_cerrada', {}, [{ kind: 'timeline', stage: 'consulta', event: 'consulta_cerrada' }]);
    }
    return { seq: await openStage(nextStage()!, actor, 'etapa_abierta') };
  }))), { validator: canAdvance });

  setHandler(signoffUpdate, counted(async ({ actor, position, comment }) => {
    const round = m.round!;
    const at = now().toISOString();
    const previous = round.cast[actor.institution];
    round.cast[actor.institution] = { position, tacit: false, comment: comment ?? null, at };
    const undo = () => {
      if (previous) round.cast[actor.institution] = previous;
      else delete round.cast[actor.institution];
    };
    const recording = () => record(actor, previous ? 'conformidad_cambiada' : 'conformidad', { round: round.number, version: round.version, position, comment: comment ?? null }, [
      { kind: 'signoff', round: round.number, version: round.version, institution: actor.institution, position, comment: comment ?? null, tacit: false },
    ]);
    const seq = await (roundWaitsForRecords ? counting(undone(undo, recording)) : undone(undo, recording));
    return { seq, institution: actor.institution, position, comment: comment ?? null, version: round.version, at };
  }), {
    validator: ({ actor, position, comment }) => {
      checkOneOf('position', position, positions);
      checkOptionalText('comment', comment, { kind: 'text', max: textLimits.comment });
      open();
      if (actor.kind !== 'miembro') refuse(refusals.forbidden, 'Solo las instituciones miembro dan su conformidad; observadores y organismos de apoyo pueden comentar.');
      if (m.stage !== 'conformidad' || !m.round || m.round.closing) refuse(refusals.conflict, 'La ronda de conformidad no está abierta.');
      if (!m.round!.members.includes(actor.institution)) refuse(refusals.forbidden, `${actor.institution} no es miembro activo en esta ronda.`);
      if (positionsNeedingComment.includes(position) && !comment?.trim()) {
        refuse(refusals.rule, position === 'objeta' ? 'Una objeción requiere un motivo («comment»).' : 'Las observaciones requieren un texto («comment»).');
      }
    },
  });

  setHandler(commentUpdate, counted(async ({ actor, text }) => {
    const seq = m.seq + 1;
    const commentId = `${proposalId}-c${seq}`;
    await undone(() => {}, () => record(actor, 'comentario', { commentId }, [
      { kind: 'comment', id: commentId, institution: actor.institution, userId: actor.userId, text, version: m.currentVersion },
    ]));
    return { seq, commentId };
  }), {
    validator: ({ actor, text }) => {
      checkText('text', text, { kind: 'text', max: textLimits.comment, required: true });
      open();
      if (actor.kind === 'osc') refuse(refusals.forbidden, 'Las organizaciones de la sociedad civil participan con aportes durante la consulta, no con comentarios.');
    },
  });

  setHandler(withdrawUpdate, counted(async (arg: ArgOf<typeof withdrawUpdate>) => exclusively(() => canWithdraw(arg), () => undone(savedStage(), async () => {
    const { actor, reason } = arg;
    const seq = await close('retirada', actor, 'retirada', { reason }, [
      { kind: 'decision', recipients: [...m.participants.members, ...m.participants.observers, ...m.participants.support], title: `Propuesta retirada: ${plan.title}` },
    ]);
    return { seq };
  }))), { validator: canWithdraw });

  // ---- main loop -------------------------------------------------------------------------

  if (!m.recorded) {
    m.participants = await participants();
    enterStage(m.stage as ProcessStage);
    m.seq = 1;
    const { carried, after } = splitNotices(stageNotices().map((n) => keyed(proposalId, 1, n, { proposalId })));
    keepHead(await activities.recordProposalLaunched({
      proposalId, plan, launchedBy: m.input.launchedBy, at: m.stageOpenedAt, snapshot: snapshot(), effects: roundOpened(), notices: carried,
    }));
    m.recorded = true;
    m.outbox.push(...after);
  }
  await deliverOutbox();

  while (m.stage !== 'cerrada') {
    if (updatesThisRun >= updatesPerRun || workflowInfo().continueAsNewSuggested) {
      // Let every accepted update finish (and answer its caller) before handing over.
      await condition(allHandlersFinished);
      if ((m.stage as ProposalStage) === 'cerrada') break;
      await continueAsNew<typeof proposalWorkflow>({ resume: m });
    }
    const key = `${m.stage}|${m.roundNumber}|${m.deadlines[m.stage as ProcessStage] ?? ''}|${m.firedTimers.length}`;
    const timer = nextTimer();
    await condition(
      () => `${m.stage}|${m.roundNumber}|${m.deadlines[m.stage as ProcessStage] ?? ''}|${m.firedTimers.length}` !== key
        || roundComplete() || updatesThisRun >= updatesPerRun || m.outbox.length > 0,
      timer ? Math.max(timer.at.getTime() - Date.now(), 1) : undefined,
    );
    // A stage change under way finishes first; then what is due is looked at afresh.
    await condition(() => !transitioning);
    try {
      if (roundComplete()) {
        await exclusively(() => {}, closeRound);
      } else if (timer && timer.key === nextTimer()?.key && timer.at.getTime() <= Date.now()) {
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
