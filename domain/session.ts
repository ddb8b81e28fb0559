// Plenary sessions (docs/domain.md#sesiones): their vocabulary, the quorum rule and the acta's
// draft. Pure: the session model (processes/session.ts), the API and the pages read the same rules.
import { deadlineProblem, limaDate, limaDay, resolveDeadline, type WorkingCalendar, type ReminderExpression } from './calendar';
import { addDuration, inLimaTime } from './durations';

export const sessionKinds = ['ordinaria', 'extraordinaria'] as const;
export type SessionKind = (typeof sessionKinds)[number];

/** `cancelada` extends the contract's list: a convened session the secretariat calls off. */
export const sessionStatuses = ['convocada', 'en_curso', 'suspendida', 'cerrada', 'acta_aprobada', 'cancelada'] as const;
export type SessionStatus = (typeof sessionStatuses)[number];

export const agendaItemKinds = ['propuesta', 'informe', 'otro'] as const;
export type AgendaItemKind = (typeof agendaItemKinds)[number];

export const itemStatuses = ['pendiente', 'cerrado', 'diferido'] as const;
export type ItemStatus = (typeof itemStatuses)[number];

/** An item that is not a proposal is closed as `tratado`: it was discussed, nothing was voted. */
export const itemOutcomes = ['adoptada', 'observada', 'rechazada', 'tratado'] as const;
export type ItemOutcome = (typeof itemOutcomes)[number];

export const actaStatuses = ['en_observacion', 'aprobada'] as const;
export type ActaStatus = (typeof actaStatuses)[number];

/** How an attending institution answered the acta's draft; `silencio` is approval by silence. */
export const actaAnswers = ['conforme', 'observaciones', 'silencio'] as const;
export type ActaAnswer = (typeof actaAnswers)[number];

/** The session's rules, fixed at convocation from configuration (runtime/config.ts). */
export interface SessionRules {
  /** First call: more than this fraction of the active members must be present. */
  quorum: number;
  /** Second call: more than this fraction. */
  secondCallQuorum: number;
  /** How long after the first call the second one is (ISO 8601 duration). */
  secondCallWait: string;
  /** Reminders before the start, to the invited institutions that have not confirmed. */
  reminders: string[];
}

export const sessionDefaults: SessionRules = { quorum: 0.5, secondCallQuorum: 1 / 3, secondCallWait: 'PT30M', reminders: ['P1D'] };

/**
 * A convocation's minimum notice: a deadline expression with no fixed date (domain/calendar.ts):
 * `{"workingDays": n}` on the Mesa's calendar, `{"days": n}`, or an ISO 8601 duration (exact).
 */
export type NoticeExpression = ReminderExpression;

/** The settings of sessions (runtime/config.ts): the minimum notice (null: by kind) and the rules. */
export interface SessionSettings { notice: NoticeExpression | null; rules: SessionRules }

/** Minimum notice between convocation and start, by kind (MESA_SESSION_NOTICE overrides both). */
export const noticeDefaults: Record<SessionKind, NoticeExpression> = { ordinaria: { workingDays: 5 }, extraordinaria: { workingDays: 2 } };

/** Members that make quorum: more than `fraction` of the active members (docs/domain.md#asistencia-y-quorum). */
export function quorumRequired(fraction: number, members: number): number {
  return Math.floor(fraction * members + 1e-9) + 1;
}

export interface Quorum { required: number; present: number; met: boolean; call: 1 | 2 }

export function quorumOf(fraction: number, members: readonly string[], present: readonly string[], call: 1 | 2): Quorum {
  const here = present.filter((p) => members.includes(p)).length;
  const required = quorumRequired(fraction, members.length);
  return { required, present: here, met: here >= required, call };
}

/** What the acta's draft is made of: the session's record. */
export interface ActaRecord {
  kind: SessionKind;
  startsAt: string;
  openedAt: string | null;
  place: string | null;
  videoUrl: string | null;
  present: Array<{ institution: string; representative: string | null }>;
  absent: string[];
  quorum: Quorum | null;
  items: Array<{
    n: number; title: string; kind: AgendaItemKind; status: ItemStatus; summary: string | null; reason: string | null;
    outcome: ItemOutcome | null; number: string | null; tally: string | null; tasks: string[];
  }>;
}

/** The acta's first draft, in Spanish, from the session's record; the secretariat may correct it. */
export function draftActa(r: ActaRecord): string {
  const lines = [
    `ACTA DE LA SESIÓN ${r.kind === 'ordinaria' ? 'ORDINARIA' : 'EXTRAORDINARIA'}`,
    'Mesa de Trabajo Intersectorial para la Gestión Migratoria (MTIGM)',
    '',
    `Fecha y hora: ${inLimaTime(r.openedAt ?? r.startsAt)} (hora de Lima).`,
    `Lugar: ${[r.place, r.videoUrl].filter(Boolean).join(' — ') || 'no indicado'}.`,
    '',
    'Asistencia:',
    ...r.present.map((p) => `- ${p.institution}${p.representative ? `, representada por ${p.representative}` : ''}.`),
    ...(r.absent.length ? [`Ausentes: ${r.absent.join(', ')}.`] : []),
    r.quorum ? `Quórum: ${r.quorum.present} miembros presentes; se requerían ${r.quorum.required} (${r.quorum.call === 1 ? 'primera' : 'segunda'} convocatoria).` : '',
    '',
    'Orden del día:',
  ];
  for (const i of r.items) {
    lines.push('', `${i.n}. ${i.title}`);
    if (i.status === 'diferido') {
      lines.push(`   Diferido a la próxima sesión${i.reason ? `: ${i.reason}` : ''}.`);
      continue;
    }
    if (i.summary) lines.push(`   Deliberación: ${i.summary}`);
    if (i.outcome && i.outcome !== 'tratado') {
      lines.push(`   Resultado: ${i.outcome}${i.tally ? ` (${i.tally})` : ''}.`);
      if (i.number) lines.push(`   Acuerdo: ${i.number}.`);
      if (i.tasks.length) lines.push(`   Tareas creadas: ${i.tasks.join(', ')}.`);
    }
  }
  return lines.join('\n');
}

/** A tally in words: "12 a favor, 1 en contra, 2 abstenciones; ausentes: 7". */
export function tallyText(c: { aprueba: number; aprueba_con_observaciones: number; objeta: number; se_abstiene: number }, absent: number): string {
  return `${c.aprueba + c.aprueba_con_observaciones} a favor, ${c.objeta} en contra, ${c.se_abstiene} abstenciones; ausentes: ${absent}`;
}

/** The acta as the projection keeps it (its texts are in session_actas). */
export interface ActaState {
  status: ActaStatus;
  version: number;
  deadline: string;
  attending: string[];
  answers: Record<string, ActaAnswer>;
  observations: number;
  sha256: string | null;
}

/** A notice of no time at all ("PT0S", "P0D"): a session may start at any future moment (tests, demos). */
const zeroDuration = /^P(?:0+[YMWD]|T0+[HMS])$/i;

/** What is wrong with a minimum notice, as a Spanish sentence naming `field`, or null. */
export function noticeProblem(field: string, value: unknown): string | null {
  return typeof value === 'string' && zeroDuration.test(value) ? null : deadlineProblem(field, value, new Date(0), { reminder: true });
}

/**
 * The earliest start a convocation made at `now` allows. Counted in days, the notice is a plazo
 * that starts the day after the convocation, and the session may be held on its last day, from
 * the start of that day: with 5 working days, a session convened on Monday may be held from the
 * next Monday. An ISO duration is exact time (PT0S: any future moment).
 */
export function earliestStart(now: Date, notice: NoticeExpression, calendar: WorkingCalendar): Date {
  if (typeof notice === 'string') return zeroDuration.test(notice) ? now : addDuration(now, notice);
  return limaDay(limaDate(resolveDeadline(now, notice, calendar))).toJSDate();
}
