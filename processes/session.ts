// A plenary session as a pure model (docs/domain.md#sesiones): its state, `validate(state,
// action, now)`, which says why an action is refused (everything the API checks, since Temporal
// is reachable without it), and `apply(state, action, now)`, which changes the state and says
// what to record and whom to tell. No Temporal here: the workflow (workflows/session.ts) routes
// updates and timers to these functions, records what they return and waits.
import { decideRound, positions, positionsNeedingComment, type CastPosition, type Outcome, type Position, type RoundCounts } from '../domain/decision';
import { addDuration, inLimaTime, subtractDuration } from '../domain/durations';
import type { DecisionRule } from '../domain/vocabulary';
import {
  draftActa, quorumOf, tallyText, type ActaAnswer, type ActaStatus, type AgendaItemKind, type ItemOutcome, type ItemStatus, type Quorum,
  type SessionKind, type SessionRules, type SessionStatus,
} from '../domain/session';
import { textLimits, textProblem, type TextRule } from '../domain/text';
import { Refusal, refuse } from './common';

function checkText(field: string, value: unknown, rule: TextRule): void {
  const problem = textProblem(value, rule);
  if (problem) refuse('InvalidInput', `El campo «${field}» ${problem}.`, [field]);
}

/** Who acts, as the API proves it (workflows/actor-proof.ts). */
export interface SessionActor { userId: string; institution: string; kind: string }

export interface Representative { name: string; email: string }

/** An agenda item as convened: the API resolved what it names (a proposal's title and rule). */
export type AgendaEntry =
  | { kind: 'propuesta'; proposalId: string; title: string; decisionRule: DecisionRule; concernsCivilSociety: boolean }
  | { kind: 'informe'; taskId: string; title: string }
  | { kind: 'otro'; title: string };

export interface CastInSession { position: Position; comment: string | null; onBehalf: boolean; userId: string; at: string }

export interface AgendaItem {
  n: number;
  kind: AgendaItemKind;
  title: string;
  proposalId: string | null;
  taskId: string | null;
  decisionRule: DecisionRule | null;
  concernsCivilSociety: boolean;
  status: ItemStatus;
  /** Current positions of the present members on a proposal item. */
  cast: Record<string, CastInSession>;
  summary: string | null;
  reason: string | null;
  outcome: ItemOutcome | null;
  number: string | null;
  counts: RoundCounts | null;
  /** Members not present: recorded absent on each decision, never tacit. */
  absent: string[];
}

export interface Acta {
  status: ActaStatus;
  version: number;
  text: string;
  deadline: string;
  /** Who must answer: the attending institutions. */
  attending: string[];
  answers: Record<string, ActaAnswer>;
  observations: number;
  sha256: string | null;
}

export interface SessionSetup {
  sessionId: string;
  kind: SessionKind;
  startsAt: string;
  place: string | null;
  videoUrl: string | null;
  agenda: AgendaEntry[];
  /** Active member institutions at convocation: quorum and decisions count them. */
  members: string[];
  /** Everyone convened: members, observers, support bodies, and civil society when an item concerns it. */
  invited: string[];
  rules: SessionRules;
  convenedAt: string;
}

export interface Confirmation { attends: boolean; representative: Representative | null; at: string }

export interface SessionState {
  version: 1;
  id: string;
  kind: SessionKind;
  status: SessionStatus;
  startsAt: string;
  place: string | null;
  videoUrl: string | null;
  members: string[];
  invited: string[];
  rules: SessionRules;
  /** The ICS invitation's SEQUENCE: 0 when convened, one more on each change of date. */
  sequence: number;
  call: 1 | 2;
  secondCallAt: string | null;
  openedAt: string | null;
  confirmations: Record<string, Confirmation>;
  present: string[];
  quorum: Quorum | null;
  items: AgendaItem[];
  acta: Acta | null;
  /** Timers already fired, by key. */
  fired: string[];
}

export function convene(setup: SessionSetup): SessionState {
  return {
    version: 1, id: setup.sessionId, kind: setup.kind, status: 'convocada', startsAt: setup.startsAt, place: setup.place, videoUrl: setup.videoUrl,
    members: [...setup.members], invited: [...setup.invited], rules: setup.rules, sequence: 0, call: 1, secondCallAt: null, openedAt: null,
    confirmations: {}, present: [], quorum: null, acta: null, fired: [],
    items: setup.agenda.map((a, i) => ({
      n: i + 1, kind: a.kind, title: a.title, proposalId: a.kind === 'propuesta' ? a.proposalId : null, taskId: a.kind === 'informe' ? a.taskId : null,
      decisionRule: a.kind === 'propuesta' ? a.decisionRule : null, concernsCivilSociety: a.kind === 'propuesta' && a.concernsCivilSociety,
      status: 'pendiente', cast: {}, summary: null, reason: null, outcome: null, number: null, counts: null, absent: [],
    })),
  };
}

export type SessionAction =
  | { type: 'confirm'; actor: SessionActor; attends: boolean; representative?: Representative | null }
  | { type: 'open'; actor: SessionActor; present: string[] }
  | { type: 'position'; actor: SessionActor; n: number; position: Position; comment?: string; institution?: string }
  | { type: 'closeItem'; actor: SessionActor; n: number; summary: string; number?: string | null }
  | { type: 'deferItem'; actor: SessionActor; n: number; reason: string }
  | { type: 'reorder'; actor: SessionActor; order: number[] }
  | { type: 'reschedule'; actor: SessionActor; startsAt: string; minimumStart: string }
  | { type: 'cancel'; actor: SessionActor; reason: string }
  | { type: 'close'; actor: SessionActor; observationDeadline: string }
  | { type: 'observe'; actor: SessionActor; text: string }
  | { type: 'conform'; actor: SessionActor }
  | { type: 'correct'; actor: SessionActor; text: string; changeSummary: string }
  | { type: 'approveActa'; actor: SessionActor };

/** What the projection gets from an event besides the session's new state (db/sessions.ts). */
export type SessionEffect =
  | { kind: 'item'; n: number }
  | { kind: 'confirmation'; institution: string }
  | { kind: 'position'; n: number; institution: string; position: Position; comment: string | null; onBehalf: boolean; userId: string }
  | { kind: 'attendance'; present: string[]; call: 1 | 2 }
  | { kind: 'acta'; version: number; text: string; deadline: string }
  | { kind: 'observation'; institution: string; text: string };

export interface SessionNotice { kind: string; recipients: string[]; title: string; invitation?: 'REQUEST' | 'CANCEL' }

export interface SessionEvent { action: string; data: Record<string, unknown>; effects: SessionEffect[] }

export interface Applied {
  events: SessionEvent[];
  notices: SessionNotice[];
  /** Set when the action is recorded but its caller is told no (an opening without quorum). */
  refusal?: Refusal;
}

const secretariatOnly = (actor: SessionActor, what: string) => {
  if (actor.kind !== 'secretaria') refuse('Forbidden', `Solo la Secretaría Técnica ${what}.`);
};

const itemOf = (s: SessionState, n: unknown): AgendaItem => {
  if (typeof n !== 'number' || !Number.isInteger(n)) refuse('InvalidInput', 'El número de punto («n») debe ser un entero.', ['n']);
  return s.items.find((i) => i.n === n) ?? refuse('Conflict', `La agenda no tiene el punto ${String(n)}.`);
};

/** The item under discussion: the first one not yet closed or deferred, in the agenda's order. */
export const currentItem = (s: SessionState) => s.items.find((i) => i.status === 'pendiente') ?? null;

const inProgress = (s: SessionState) => {
  if (s.status !== 'en_curso') refuse('Conflict', s.status === 'convocada' || s.status === 'suspendida' ? 'La sesión aún no se ha abierto.' : 'La sesión ya no está en curso.');
};

/** The decision an item would get now: the proposal's rule over the members present. */
export function decideItem(s: SessionState, item: AgendaItem): { outcome: Outcome; counts: RoundCounts; reason: string } {
  const voters = s.present.filter((p) => s.members.includes(p));
  const cast: Record<string, CastPosition> = Object.fromEntries(Object.entries(item.cast).map(([i, c]) => [i, { position: c.position, tacit: false }]));
  // Every present member has a position when an item closes: quorum 1 over those present.
  const d = decideRound(item.decisionRule ?? 'consenso', 1, voters, cast);
  return { outcome: d.outcome, counts: d.counts, reason: d.reason };
}

export function validate(s: SessionState, a: SessionAction, now: Date): void {
  switch (a.type) {
    case 'confirm': {
      if (typeof a.attends !== 'boolean') refuse('InvalidInput', 'El campo «attends» debe ser verdadero o falso.', ['attends']);
      if (a.representative) {
        checkText('representative.name', a.representative.name, { kind: 'line', max: textLimits.name, required: true });
        checkText('representative.email', a.representative.email, { kind: 'line', max: 320, required: true });
        if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a.representative.email)) refuse('InvalidInput', 'El campo «representative.email» debe ser un correo electrónico.', ['representative.email']);
      }
      if (!s.invited.includes(a.actor.institution)) refuse('Forbidden', `${a.actor.institution} no está convocada a esta sesión.`);
      if (s.status !== 'convocada') refuse('Conflict', 'La asistencia se confirma mientras la sesión está convocada.');
      return;
    }
    case 'open': {
      secretariatOnly(a.actor, 'abre la sesión');
      if (!Array.isArray(a.present) || a.present.some((p) => typeof p !== 'string')) refuse('InvalidInput', 'El campo «present» debe ser una lista de códigos de institución.', ['present']);
      if (new Set(a.present).size !== a.present.length) refuse('InvalidInput', 'El campo «present» no puede repetir instituciones.', ['present']);
      const stranger = a.present.find((p) => !s.invited.includes(p));
      if (stranger) refuse('BusinessRule', `${stranger} no está convocada a esta sesión: no puede figurar entre los presentes («present»).`, ['present']);
      if (s.status === 'en_curso') refuse('Conflict', 'La sesión ya está abierta: no se abre dos veces.');
      if (s.status !== 'convocada') refuse('Conflict', `La sesión está ${s.status}: solo se abre una sesión convocada.`);
      if (s.call === 2 && s.secondCallAt && now.getTime() < Date.parse(s.secondCallAt)) {
        refuse('Conflict', `La segunda convocatoria es el ${inLimaTime(s.secondCallAt)} (hora de Lima): ábrala entonces.`);
      }
      if (s.call === 1 && now.getTime() < Date.parse(s.startsAt)) refuse('Conflict', `La sesión empieza el ${inLimaTime(s.startsAt)} (hora de Lima): no se abre antes.`);
      return;
    }
    case 'position': {
      if (!positions.includes(a.position)) refuse('InvalidInput', `El campo «position» debe ser uno de: ${positions.join(', ')}.`, ['position']);
      if (a.comment !== undefined) checkText('comment', a.comment, { kind: 'text', max: textLimits.comment });
      const item = itemOf(s, a.n);
      const onBehalf = a.institution !== undefined && a.institution !== a.actor.institution;
      const who = a.institution ?? a.actor.institution;
      if (onBehalf && a.actor.kind !== 'secretaria') refuse('Forbidden', 'Solo la Secretaría Técnica registra posiciones en nombre de otra institución.');
      if (!onBehalf && a.actor.kind !== 'miembro') refuse('Forbidden', 'Solo las instituciones miembro toman posición; la Secretaría Técnica la registra en su nombre indicando «institution».');
      inProgress(s);
      if (!s.members.includes(who)) refuse('BusinessRule', `${who} no es una institución miembro: no toma posición.`);
      if (!s.present.includes(who)) refuse('BusinessRule', `${who} no está presente en la sesión: una institución ausente no toma posición.`);
      if (item.kind !== 'propuesta') refuse('Conflict', `El punto ${item.n} no es una propuesta: no se toman posiciones.`);
      if (item.status !== 'pendiente' || currentItem(s)?.n !== item.n) refuse('Conflict', `El punto ${item.n} no está en debate: se toman posiciones solo sobre el punto en curso.`);
      if (positionsNeedingComment.includes(a.position) && !a.comment?.trim()) refuse('BusinessRule', `La posición «${a.position}» requiere un comentario («comment»).`);
      return;
    }
    case 'closeItem': {
      checkText('summary', a.summary, { kind: 'text', max: textLimits.comment, required: true });
      secretariatOnly(a.actor, 'cierra los puntos de la agenda');
      const item = itemOf(s, a.n);
      inProgress(s);
      if (item.status !== 'pendiente') refuse('Conflict', `El punto ${item.n} ya fue ${item.status === 'cerrado' ? 'cerrado' : 'diferido'}.`);
      if (currentItem(s)?.n !== item.n) refuse('Conflict', `Los puntos se tratan en orden: el punto en curso es el ${currentItem(s)!.n}.`);
      if (item.kind === 'propuesta') {
        const missing = s.present.filter((p) => s.members.includes(p) && !item.cast[p]);
        if (missing.length) refuse('BusinessRule', `Falta la posición de ${missing.join(', ')}: cada miembro presente toma posición antes de cerrar el punto.`);
      }
      return;
    }
    case 'deferItem': {
      checkText('reason', a.reason, { kind: 'text', max: textLimits.reason, required: true });
      secretariatOnly(a.actor, 'difiere los puntos de la agenda');
      const item = itemOf(s, a.n);
      if (s.status !== 'en_curso' && s.status !== 'convocada') refuse('Conflict', 'Solo se difieren puntos de una sesión convocada o en curso.');
      if (item.status !== 'pendiente') refuse('Conflict', `El punto ${item.n} ya fue ${item.status === 'cerrado' ? 'cerrado' : 'diferido'}.`);
      if (Object.keys(item.cast).length > 0) refuse('Conflict', `El punto ${item.n} ya tiene posiciones: ciérrelo.`);
      return;
    }
    case 'reorder': {
      secretariatOnly(a.actor, 'ordena la agenda');
      if (s.status !== 'en_curso' && s.status !== 'convocada' && s.status !== 'suspendida') refuse('Conflict', 'La agenda ya no cambia: la sesión terminó.');
      const pending = s.items.filter((i) => i.status === 'pendiente' && Object.keys(i.cast).length === 0).map((i) => i.n);
      if (!Array.isArray(a.order) || a.order.length !== pending.length || [...a.order].sort((x, y) => x - y).join() !== [...pending].sort((x, y) => x - y).join()) {
        refuse('BusinessRule', `El nuevo orden («order») debe listar una vez cada punto pendiente sin posiciones: ${pending.join(', ')}.`, ['order']);
      }
      return;
    }
    case 'reschedule': {
      secretariatOnly(a.actor, 'reprograma las sesiones');
      const at = Date.parse(a.startsAt);
      if (Number.isNaN(at)) refuse('InvalidInput', 'El campo «startsAt» debe ser una fecha y hora con zona horaria.', ['startsAt']);
      if (s.status !== 'convocada' && s.status !== 'suspendida') refuse('Conflict', 'Solo se reprograma una sesión convocada o suspendida.');
      if (at <= now.getTime()) refuse('BusinessRule', 'La nueva fecha («startsAt») ya pasó: una sesión se convoca para el futuro.');
      if (at < Date.parse(a.minimumStart)) refuse('BusinessRule', `La convocatoria requiere anticipación: la sesión no puede empezar antes del ${inLimaTime(a.minimumStart)} (hora de Lima).`);
      return;
    }
    case 'cancel': {
      checkText('reason', a.reason, { kind: 'text', max: textLimits.reason, required: true });
      secretariatOnly(a.actor, 'cancela las sesiones');
      if (s.status !== 'convocada' && s.status !== 'suspendida') refuse('Conflict', 'Solo se cancela una sesión convocada o suspendida.');
      return;
    }
    case 'close': {
      secretariatOnly(a.actor, 'cierra la sesión');
      const deadline = Date.parse(a.observationDeadline);
      if (Number.isNaN(deadline)) refuse('InvalidInput', 'El campo «observationDeadline» debe ser una fecha y hora o una duración.', ['observationDeadline']);
      inProgress(s);
      const open = s.items.filter((i) => i.status === 'pendiente').map((i) => i.n);
      if (open.length) refuse('Conflict', `Quedan puntos por cerrar o diferir: ${open.join(', ')}.`);
      if (deadline <= now.getTime()) refuse('BusinessRule', 'El plazo de observaciones al acta («observationDeadline») debe ser futuro.');
      return;
    }
    case 'observe':
    case 'conform': {
      if (a.type === 'observe') checkText('text', a.text, { kind: 'text', max: textLimits.comment, required: true });
      if (!s.acta || s.acta.status !== 'en_observacion') refuse('Conflict', 'El acta no está en observación.');
      if (!s.acta.attending.includes(a.actor.institution)) refuse('Forbidden', `${a.actor.institution} no asistió a la sesión: solo quienes asistieron observan el acta.`);
      if (now.getTime() > Date.parse(s.acta.deadline)) refuse('Conflict', 'El plazo de observaciones al acta ya venció.');
      return;
    }
    case 'correct': {
      checkText('text', a.text, { kind: 'text', max: textLimits.document, required: true });
      checkText('changeSummary', a.changeSummary, { kind: 'text', max: textLimits.reason, required: true });
      secretariatOnly(a.actor, 'corrige el acta');
      if (!s.acta || s.acta.status !== 'en_observacion') refuse('Conflict', 'El acta no está en observación.');
      return;
    }
    case 'approveActa': {
      secretariatOnly(a.actor, 'aprueba el acta');
      if (!s.acta || s.acta.status !== 'en_observacion') refuse('Conflict', s.acta ? 'El acta ya fue aprobada.' : 'La sesión aún no tiene acta.');
      const silent = s.acta.attending.filter((i) => !s.acta!.answers[i]);
      if (silent.length && now.getTime() < Date.parse(s.acta.deadline)) {
        refuse('BusinessRule', `El plazo de observaciones vence el ${inLimaTime(s.acta.deadline)} (hora de Lima) y aún no responden: ${silent.join(', ')}. El acta se aprueba al vencer el plazo o cuando todos hayan respondido.`);
      }
      return;
    }
  }
}

const everyone = (s: SessionState) => s.invited;

/** The acta's record: what its draft is made of. */
function actaRecord(s: SessionState, tasksOf: (n: number) => string[]) {
  return {
    kind: s.kind, startsAt: s.startsAt, openedAt: s.openedAt, place: s.place, videoUrl: s.videoUrl,
    present: s.present.map((i) => ({ institution: i, representative: s.confirmations[i]?.representative?.name ?? null })),
    absent: s.members.filter((m) => !s.present.includes(m)), quorum: s.quorum,
    items: s.items.map((i) => ({
      n: i.n, title: i.title, kind: i.kind, status: i.status, summary: i.summary, reason: i.reason, outcome: i.outcome, number: i.number,
      tally: i.counts ? tallyText(i.counts, i.absent.length) : null, tasks: tasksOf(i.n),
    })),
  };
}

/**
 * Applies an action that `validate` accepted, changing `s` in place. `tasksOf` names the tasks an
 * agreement created (for the acta); the workflow passes what the projection knows.
 */
export function apply(s: SessionState, a: SessionAction, now: Date, tasksOf: (n: number) => string[] = () => []): Applied {
  const at = now.toISOString();
  const label = `Sesión ${s.kind} del ${inLimaTime(s.startsAt)}`;
  switch (a.type) {
    case 'confirm': {
      const previous = s.confirmations[a.actor.institution];
      s.confirmations[a.actor.institution] = { attends: a.attends, representative: a.attends ? a.representative ?? null : null, at };
      return {
        events: [{
          action: previous ? 'asistencia_cambiada' : 'asistencia_confirmada',
          data: { attends: a.attends, representative: a.attends ? a.representative ?? null : null },
          effects: [{ kind: 'confirmation', institution: a.actor.institution }],
        }],
        notices: [],
      };
    }
    case 'open': {
      const fraction = s.call === 1 ? s.rules.quorum : s.rules.secondCallQuorum;
      const quorum = quorumOf(fraction, s.members, a.present, s.call);
      s.quorum = quorum;
      if (quorum.met) {
        s.status = 'en_curso';
        s.present = [...a.present];
        s.openedAt = at;
        return {
          events: [{ action: 'abierta', data: { present: s.present, quorum }, effects: [{ kind: 'attendance', present: s.present, call: s.call }] }],
          notices: [],
        };
      }
      const shortBy = `Sin quórum: ${quorum.present} miembros presentes, se requieren ${quorum.required}`;
      if (s.call === 1) {
        s.call = 2;
        s.secondCallAt = addDuration(now, s.rules.secondCallWait).toISOString();
        return {
          events: [{ action: 'sin_quorum', data: { present: a.present, quorum, secondCallAt: s.secondCallAt }, effects: [{ kind: 'attendance', present: a.present, call: 1 }] }],
          notices: [{ kind: 'segunda_convocatoria', recipients: everyone(s), title: `${label}: sin quórum en primera convocatoria; segunda convocatoria el ${inLimaTime(s.secondCallAt)} (hora de Lima).` }],
          refusal: new Refusal('Conflict', `${shortBy}. Se pasa a segunda convocatoria, el ${inLimaTime(s.secondCallAt)} (hora de Lima).`),
        };
      }
      s.status = 'suspendida';
      return {
        events: [{ action: 'suspendida', data: { present: a.present, quorum }, effects: [{ kind: 'attendance', present: a.present, call: 2 }] }],
        notices: [{ kind: 'sesion_suspendida', recipients: everyone(s), title: `${label}: suspendida por falta de quórum en segunda convocatoria; se volverá a convocar con la misma agenda.` }],
        refusal: new Refusal('Conflict', `${shortBy} en segunda convocatoria. La sesión queda suspendida y puede volver a convocarse con la misma agenda.`),
      };
    }
    case 'position': {
      const item = s.items.find((i) => i.n === a.n)!;
      const who = a.institution ?? a.actor.institution;
      const onBehalf = who !== a.actor.institution;
      const previous = item.cast[who];
      const cast = { position: a.position, comment: a.comment?.trim() ? a.comment : null, onBehalf, userId: a.actor.userId, at };
      item.cast[who] = cast;
      return {
        events: [{
          action: previous ? 'posicion_cambiada' : 'posicion',
          data: { n: a.n, institution: who, position: a.position, comment: cast.comment, onBehalf, ...(previous ? { previous: previous.position } : {}) },
          effects: [{ kind: 'position', n: a.n, institution: who, position: a.position, comment: cast.comment, onBehalf, userId: a.actor.userId }],
        }],
        notices: [],
      };
    }
    case 'closeItem': {
      const item = s.items.find((i) => i.n === a.n)!;
      item.status = 'cerrado';
      item.summary = a.summary;
      item.absent = s.members.filter((m) => !s.present.includes(m));
      const notices: SessionNotice[] = [];
      if (item.kind === 'propuesta') {
        const d = decideItem(s, item);
        item.outcome = d.outcome;
        item.counts = d.counts;
        item.number = d.outcome === 'adoptada' ? a.number ?? null : null;
      } else {
        item.outcome = 'tratado';
      }
      return {
        events: [{
          action: 'punto_cerrado',
          data: { n: item.n, outcome: item.outcome, number: item.number, counts: item.counts, absent: item.absent, summary: a.summary },
          effects: [{ kind: 'item', n: item.n }],
        }],
        notices,
      };
    }
    case 'deferItem': {
      const item = s.items.find((i) => i.n === a.n)!;
      item.status = 'diferido';
      item.reason = a.reason;
      return { events: [{ action: 'punto_diferido', data: { n: item.n, reason: a.reason }, effects: [{ kind: 'item', n: item.n }] }], notices: [] };
    }
    case 'reorder': {
      const rank = new Map(a.order.map((n, i) => [n, i]));
      const fixed = s.items.filter((i) => !rank.has(i.n));
      const moved = a.order.map((n) => s.items.find((i) => i.n === n)!);
      s.items = [...fixed, ...moved];
      return {
        events: [{ action: 'agenda_reordenada', data: { order: s.items.map((i) => i.n) }, effects: s.items.map((i) => ({ kind: 'item' as const, n: i.n })) }],
        notices: [{ kind: 'agenda_modificada', recipients: everyone(s), title: `${label}: la agenda cambió de orden.` }],
      };
    }
    case 'reschedule': {
      const suspended = s.status === 'suspendida';
      s.startsAt = new Date(a.startsAt).toISOString();
      s.status = 'convocada';
      s.sequence += 1;
      s.call = 1;
      s.secondCallAt = null;
      s.quorum = null;
      s.confirmations = {};
      return {
        events: [{ action: suspended ? 'reconvocada' : 'reprogramada', data: { startsAt: s.startsAt, sequence: s.sequence }, effects: [] }],
        notices: [{
          kind: 'convocatoria', recipients: everyone(s), invitation: 'REQUEST',
          title: `${suspended ? 'Nueva convocatoria, con la misma agenda' : 'Sesión reprogramada'}: sesión ${s.kind} el ${inLimaTime(s.startsAt)} (hora de Lima).`,
        }],
      };
    }
    case 'cancel': {
      s.status = 'cancelada';
      s.sequence += 1;
      return {
        events: [{ action: 'cancelada', data: { reason: a.reason }, effects: [] }],
        notices: [{ kind: 'sesion_cancelada', recipients: everyone(s), invitation: 'CANCEL', title: `${label}: cancelada (${a.reason}).` }],
      };
    }
    case 'close': {
      s.status = 'cerrada';
      const attending = [...s.present];
      const text = draftActa(actaRecord(s, tasksOf));
      s.acta = { status: 'en_observacion', version: 1, text, deadline: new Date(a.observationDeadline).toISOString(), attending, answers: {}, observations: 0, sha256: null };
      return {
        events: [{ action: 'cerrada', data: { observationDeadline: s.acta.deadline }, effects: [{ kind: 'acta', version: 1, text, deadline: s.acta.deadline }] }],
        notices: [{ kind: 'acta_en_observacion', recipients: attending, title: `${label}: proyecto de acta para observaciones hasta el ${inLimaTime(s.acta.deadline)} (hora de Lima); el silencio es aprobación.` }],
      };
    }
    case 'observe': {
      s.acta!.answers[a.actor.institution] = 'observaciones';
      s.acta!.observations += 1;
      return {
        events: [{ action: 'acta_observada', data: { text: a.text }, effects: [{ kind: 'observation', institution: a.actor.institution, text: a.text }] }],
        notices: [{ kind: 'acta_observacion', recipients: ['SECRETARIA'], title: `${a.actor.institution} observa el proyecto de acta: ${label}.` }],
      };
    }
    case 'conform': {
      s.acta!.answers[a.actor.institution] = 'conforme';
      return { events: [{ action: 'acta_conforme', data: {}, effects: [] }], notices: [] };
    }
    case 'correct': {
      const acta = s.acta!;
      acta.version += 1;
      acta.text = a.text;
      return {
        events: [{ action: 'acta_corregida', data: { version: acta.version, changeSummary: a.changeSummary }, effects: [{ kind: 'acta', version: acta.version, text: a.text, deadline: acta.deadline }] }],
        notices: [{ kind: 'acta_en_observacion', recipients: acta.attending, title: `${label}: proyecto de acta corregido (versión ${acta.version}): ${a.changeSummary}` }],
      };
    }
    case 'approveActa':
      return approveActa(s, label);
  }
}

/** Approval: whoever never answered approved by silence, and the record says so. */
function approveActa(s: SessionState, label: string): Applied {
  const acta = s.acta!;
  const silent = acta.attending.filter((i) => !acta.answers[i]);
  for (const i of silent) acta.answers[i] = 'silencio';
  acta.status = 'aprobada';
  s.status = 'acta_aprobada';
  return {
    events: [{
      action: 'acta_aprobada',
      data: { version: acta.version, silent, note: silent.length ? `Aprobada por silencio de: ${silent.join(', ')} (no respondieron en el plazo).` : null },
      effects: [],
    }],
    notices: [{ kind: 'acta_aprobada', recipients: s.invited, title: `${label}: acta aprobada${silent.length ? ` (por silencio de ${silent.join(', ')})` : ''}.` }],
  };
}

/** The approved acta signed: its SHA-256 goes into the trail. */
export function signed(s: SessionState, sha256: string, signer: string): Applied {
  s.acta!.sha256 = sha256;
  return { events: [{ action: 'acta_firmada', data: { sha256, signer }, effects: [] }], notices: [] };
}

export interface SessionTimer { key: string; at: string; kind: 'recordatorio' | 'plazo_acta' }

/** The next timer due: reminders before the start (only those after convocation), then the acta's deadline. */
export function nextTimer(s: SessionState, convenedAt: string): SessionTimer | null {
  const timers: SessionTimer[] = [];
  if (s.status === 'convocada') {
    for (const r of s.rules.reminders) {
      const at = subtractDuration(new Date(s.startsAt), r);
      if (at.getTime() > Date.parse(convenedAt)) timers.push({ key: `recordatorio|${s.sequence}|${r}`, at: at.toISOString(), kind: 'recordatorio' });
    }
  }
  if (s.acta?.status === 'en_observacion') timers.push({ key: `plazo_acta|${s.acta.deadline}`, at: s.acta.deadline, kind: 'plazo_acta' });
  return timers.filter((t) => !s.fired.includes(t.key)).sort((x, y) => Date.parse(x.at) - Date.parse(y.at))[0] ?? null;
}

/** A timer that fired: what to record and whom to tell. */
export function fire(s: SessionState, t: SessionTimer): Applied {
  s.fired.push(t.key);
  const label = `Sesión ${s.kind} del ${inLimaTime(s.startsAt)}`;
  if (t.kind === 'recordatorio') {
    const unconfirmed = s.invited.filter((i) => !s.confirmations[i]);
    return { events: [], notices: unconfirmed.length ? [{ kind: 'confirmacion_pendiente', recipients: unconfirmed, title: `${label}: confirme su asistencia y su representante.` }] : [] };
  }
  // The deadline: without observations the acta is approved, silence counted as approval.
  if (s.acta!.observations === 0) return approveActa(s, label);
  const silent = s.acta!.attending.filter((i) => !s.acta!.answers[i]);
  for (const i of silent) s.acta!.answers[i] = 'silencio';
  return {
    events: [{ action: 'plazo_acta_vencido', data: { silent }, effects: [] }],
    notices: [{ kind: 'acta_observacion', recipients: ['SECRETARIA'], title: `${label}: venció el plazo de observaciones al acta; hay observaciones por atender antes de aprobarla.` }],
  };
}


/** The session's state as the projection's row keeps it (and its audit entry proves). */
export interface SessionSnapshot {
  status: SessionStatus; startsAt: string; place: string | null; videoUrl: string | null; call: 1 | 2; secondCallAt: string | null;
  openedAt: string | null; present: string[]; quorum: Quorum | null; sequence: number; acta: Omit<Acta, 'text'> | null;
}

export function snapshotOf(s: SessionState): SessionSnapshot {
  const acta = s.acta ? (({ text: _text, ...rest }) => rest)(s.acta) : null;
  return {
    status: s.status, startsAt: s.startsAt, place: s.place, videoUrl: s.videoUrl, call: s.call, secondCallAt: s.secondCallAt, openedAt: s.openedAt,
    present: [...s.present], quorum: s.quorum, sequence: s.sequence, acta,
  };
}

/** An agenda item as its projection row holds it. */
export interface ItemRow {
  n: number; ord: number; kind: AgendaItemKind; title: string; proposalId: string | null; taskId: string | null; status: ItemStatus;
  summary: string | null; reason: string | null; outcome: ItemOutcome | null; number: string | null; counts: RoundCounts | null; absent: string[];
}

export type SessionEffectRow =
  | ({ kind: 'item' } & { item: ItemRow })
  | { kind: 'confirmation'; institution: string; attends: boolean; representative: Representative | null }
  | Exclude<SessionEffect, { kind: 'item' } | { kind: 'confirmation' }>;

export function itemRow(s: SessionState, item: AgendaItem): ItemRow {
  return {
    n: item.n, ord: s.items.indexOf(item) + 1, kind: item.kind, title: item.title, proposalId: item.proposalId, taskId: item.taskId, status: item.status,
    summary: item.summary, reason: item.reason, outcome: item.outcome, number: item.number, counts: item.counts, absent: item.absent,
  };
}

/** What an event writes, whole: items and confirmations as they now stand. */
export function effectRows(s: SessionState, effects: SessionEffect[]): SessionEffectRow[] {
  return effects.map((f): SessionEffectRow => {
    if (f.kind === 'item') return { kind: 'item', item: itemRow(s, s.items.find((i) => i.n === f.n)!) };
    if (f.kind === 'confirmation') {
      const c = s.confirmations[f.institution]!;
      return { kind: 'confirmation', institution: f.institution, attends: c.attends, representative: c.representative };
    }
    return f;
  });
}
