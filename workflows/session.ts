// One durable workflow per plenary session (docs/domain.md#sesiones). Wiring only: every update
// is checked by the session model's `validate` (processes/session.ts) before it enters history,
// applied with `apply` one at a time, and answered once its events are in the database. The
// workflow waits on the reminders before the start and on the acta's observation deadline, tells
// a proposal's workflow when the session decided it, and continues as new when history grows.
import {
  allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, proxyActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { createActivities } from '../activities';
import type { AuditHead } from '../db/audit';
import { inLimaTime } from '../domain/durations';
import type { Notification } from '../domain/events';
import {
  apply, convene, decideItem, effectRows, fire, itemRow, nextTimer, signed, snapshotOf, validate, type Applied, type SessionAction,
  type SessionNotice,
} from '../processes/session';
import { Refusal } from '../processes/common';
import { asFailure } from './refused';
import { proposalWorkflowId, type Actor, type Recorded } from './messages';
import {
  approveActaUpdate, cancelSessionUpdate, closeItemUpdate, closeSessionUpdate, confirmAttendanceUpdate, conformActaUpdate, correctActaUpdate,
  decidedInSessionSignal, deferItemUpdate, observeActaUpdate, openSessionUpdate, reorderAgendaUpdate, rescheduleSessionUpdate,
  sessionConvenedUpdate, sessionPositionUpdate, sessionStateQuery, type SessionInput,
} from './session-messages';

const activities = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Updates a run takes before it continues as new, keeping its history short. */
const updatesPerRun = 500;

/** A refusal of the model as the API reads it (api/workflow-updates.ts). */
const failure = (e: unknown): unknown => (e instanceof Refusal ? asFailure(e) : e);

export async function sessionWorkflow(input: SessionInput): Promise<void> {
  const { setup } = input;
  const s = input.resume?.state ?? convene(setup);
  let seq = input.resume?.seq ?? 0;
  let auditHead: AuditHead | null = input.resume?.auditHead ?? null;
  let updates = 0;
  const outbox: Notification[] = [];
  const now = () => new Date();
  const about = { sessionId: s.id };

  const keyed = (n: number, notice: SessionNotice, tag = ''): Notification => ({
    key: `sesion-${s.id}:${n}:${notice.kind}${tag}`, recipients: [...new Set(notice.recipients)], kind: notice.kind, title: notice.title, ...about,
    ...(notice.invitation ? { invitation: notice.invitation } : {}),
  });
  const keepHead = (head: AuditHead | null | undefined) => {
    if (head && head.seq > (auditHead?.seq ?? 0)) auditHead = head;
  };

  /** Each event of an action in turn, with its notices on the last one. */
  async function record(actor: Pick<Actor, 'userId' | 'institution'> | null, applied: Applied): Promise<Recorded> {
    const events = applied.events;
    for (const [i, e] of events.entries()) {
      const n = ++seq;
      const notices = i === events.length - 1 ? applied.notices.map((x) => keyed(n, x)) : [];
      keepHead((await activities.recordSessionEvent({
        sessionId: s.id, seq: n, at: now().toISOString(), actor: { userId: actor?.userId ?? null, institution: actor?.institution ?? null },
        action: e.action, data: e.data, effects: effectRows(s, e.effects), snapshot: snapshotOf(s), notices,
      })).head);
    }
    // A timer's notices with no event (a reminder) go through the outbox.
    if (events.length === 0) outbox.push(...applied.notices.map((x) => keyed(seq, x, `:${s.fired.at(-1) ?? ''}`)));
    return { seq };
  }

  // One action at a time: an action that waits on an activity (an agreement number) must find
  // the session as its validator saw it, so each one checks again once its turn comes.
  let turn: Promise<unknown> = Promise.resolve();
  function serially<T>(body: () => Promise<T>): Promise<T> {
    const mine = turn.then(body);
    turn = mine.catch(() => undefined);
    return mine;
  }

  type Arg<A extends SessionAction> = Omit<A, 'type'>;
  function route<A extends SessionAction>(update: UpdateDefinition<Recorded, [Arg<A>]>, type: A['type']) {
    const action = (arg: Arg<A>) => ({ ...arg, type }) as unknown as SessionAction;
    setHandler(update, (arg) => serially(async () => {
      updates += 1;
      const a = action(arg);
      try {
        validate(s, a, now());
      } catch (e) {
        throw failure(e);
      }
      // A proposal adopted in session gets its agreement number before the item is recorded.
      const number = a.type === 'closeItem' ? await agreementNumberFor(a.n) : null;
      // The acta lists the tasks each agreement created: the proposals' workflows created them.
      if (a.type === 'close') tasksByItem = await activities.sessionAgreementTasks({ sessionId: s.id });
      const applied = apply(s, a.type === 'closeItem' ? { ...a, number } : a, now(), (n) => tasksByItem[n] ?? []);
      const recorded = await record(a.actor, applied);
      if (a.type === 'closeItem') await tellProposal(a.n);
      if (applied.refusal) throw failure(applied.refusal);
      return recorded;
    }), {
      validator: (arg) => {
        try {
          validate(s, action(arg), now());
        } catch (e) {
          throw failure(e);
        }
      },
    });
  }

  let tasksByItem: Record<number, string[]> = {};

  async function agreementNumberFor(n: number): Promise<string | null> {
    const item = s.items.find((i) => i.n === n)!;
    if (item.kind !== 'propuesta' || decideItem(s, item).outcome !== 'adoptada') return null;
    return activities.assignAgreementNumber({ proposalId: item.proposalId!, at: now().toISOString() });
  }

  /** The proposal's workflow carries the decision out (tasks, notices, its own trail) from the session's record. */
  async function tellProposal(n: number): Promise<void> {
    const item = s.items.find((i) => i.n === n)!;
    if (item.kind !== 'propuesta') return;
    await getExternalWorkflowHandle(proposalWorkflowId(item.proposalId!)).signal(decidedInSessionSignal, { sessionId: s.id, n })
      // A proposal whose process already ended (withdrawn meanwhile) keeps its own outcome.
      .catch(() => undefined);
  }

  setHandler(sessionStateQuery, () => ({ ...s, auditHead }));
  setHandler(sessionConvenedUpdate, async () => {
    await condition(() => seq > 0);
    return { seq: 1 };
  });
  route(confirmAttendanceUpdate, 'confirm');
  route(openSessionUpdate, 'open');
  route(sessionPositionUpdate, 'position');
  route(closeItemUpdate, 'closeItem');
  route(deferItemUpdate, 'deferItem');
  route(reorderAgendaUpdate, 'reorder');
  route(rescheduleSessionUpdate, 'reschedule');
  route(cancelSessionUpdate, 'cancel');
  route(closeSessionUpdate, 'close');
  route(observeActaUpdate, 'observe');
  route(conformActaUpdate, 'conform');
  route(correctActaUpdate, 'correct');
  route(approveActaUpdate, 'approveActa');

  if (!input.resume) {
    const invitation = keyed(1, { kind: 'convocatoria', recipients: s.invited, invitation: 'REQUEST', title: convocationTitle() });
    keepHead((await activities.recordSessionConvened({
      sessionId: s.id, at: setup.convenedAt, actor: input.convenedBy, kind: s.kind, members: s.members, invited: s.invited,
      items: s.items.map((i) => itemRow(s, i)), snapshot: snapshotOf(s), notices: [invitation],
    })).head);
    seq = 1;
  }

  function convocationTitle(): string {
    return `Convocatoria a sesión ${s.kind} de la Mesa el ${inLimaTime(s.startsAt)} (hora de Lima): ${s.items.length} punto(s) en agenda`;
  }

  const finished = () => s.status === 'acta_aprobada' || s.status === 'cancelada';
  while (!finished()) {
    const timer = nextTimer(s, setup.convenedAt);
    const version = seq;
    await condition(() => outbox.length > 0 || seq !== version || finished(), timer ? Math.max(Date.parse(timer.at) - Date.now(), 1) : undefined);
    const due = nextTimer(s, setup.convenedAt);
    if (timer && due?.key === timer.key && Date.parse(timer.at) <= Date.now()) {
      await serially(() => record(null, fire(s, timer)));
    }
    while (outbox.length > 0) {
      await activities.notify(outbox[0]!);
      outbox.shift();
    }
    if (updates >= updatesPerRun || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof sessionWorkflow>({ ...input, resume: { state: s, seq, auditHead } });
    }
  }
  await condition(allHandlersFinished);
  if (s.status === 'acta_aprobada' && !s.acta?.sha256) {
    const signature = await activities.signActa({ sessionId: s.id, at: now().toISOString() }).catch((e: unknown) => {
      // Approved but not signed (no signer on this worker): the acta stands; the PDF waits.
      log.error('El acta aprobada no pudo firmarse', { sessionId: s.id, error: String(e) });
      return null;
    });
    if (signature) await record(null, signed(s, signature.sha256, signature.signer));
  }
  while (outbox.length > 0) {
    await activities.notify(outbox[0]!);
    outbox.shift();
  }
}
