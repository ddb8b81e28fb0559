// Who may read what (docs/domain.md#lectura). The Mesa deliberates among State
// institutions; civil society is consulted and sees what became of what it said, but each
// ministry's position is its own to share. Every reader — API answers, pages (which read through
// the API), emails, webhooks, the calendar feed and CSV exports — takes its rules from here, so
// one table decides and no route decides on its own. Pure functions of the reader and the data.
import type { InstitutionKind } from './vocabulary';
import type { RoundCounts } from './decision';

/** Who reads: the institution the user acts for, and its kind. */
export interface Reader {
  institution: string;
  kind: InstitutionKind;
}

/** The State's side reads the whole deliberation; civil society reads what is public. */
export const readsDeliberation = (r: Reader) => r.kind !== 'osc';

/** User ids (who exactly acted) are the secretariat's; everyone else sees the institution. */
export const readsUserIds = (r: Reader) => r.kind === 'secretaria';

/**
 * When a proposal becomes public (readable by civil society): once it reached consultation —
 * it was in `consulta` at some point, so anything after that too — or once it was adopted. The
 * database applies the same rule in its queries (db/visibility.ts, `publicProposalSql`).
 */
export const publicFromStage = 'consulta' as const;
export const publicStatuses = ['adoptada'] as const;

export interface ProposalPublicity {
  status: string;
  /** The proposal was in `consulta` at some point (its timeline has an entry in that stage). */
  reachedConsultation: boolean;
}

export const isPublic = (p: ProposalPublicity) => p.reachedConsultation || (publicStatuses as readonly string[]).includes(p.status);

/** A proposal the reader may not read is, for that reader, a proposal that does not exist (404). */
export const mayReadProposal = (r: Reader, p: ProposalPublicity) => readsDeliberation(r) || isPublic(p);

/**
 * Who an institution waits for is, in a round, who has not signed off yet: the members' positions
 * by another name. Civil society sees only whether it is waited for itself.
 */
export const pendingForReader = (r: Reader, pendingFor: string[]) => (readsDeliberation(r) ? pendingFor : pendingFor.filter((c) => c === r.institution));

/** A filter by `pendingFor` on another institution would tell the same; civil society may filter by itself only. */
export const mayFilterPendingFor = (r: Reader, code: string) => readsDeliberation(r) || code === r.institution;

const positions = ['aprueba', 'aprueba_con_observaciones', 'objeta', 'se_abstiene'] as const;

/** The round in figures, what civil society sees instead of each member's position. */
export type Tally = RoundCounts & { round: number };

export function tallyOf(round: number, members: number, current: Array<{ position: string; tacit: boolean }>): Tally {
  const t: Tally = { round, members, answered: current.length, aprueba: 0, aprueba_con_observaciones: 0, objeta: 0, se_abstiene: 0, tacit: 0 };
  for (const s of current) {
    if ((positions as readonly string[]).includes(s.position)) t[s.position as (typeof positions)[number]] += 1;
    if (s.tacit) t.tacit += 1;
  }
  return t;
}

/** The parts of a whole proposal that the rules hide. */
interface ProposalParts {
  pendingFor: string[];
  pendingSignoffs: string[];
  launchedBy: { userId: string; institution: string };
  signoffs: unknown[];
  signoffHistory: unknown[];
  comments: unknown[];
}

/**
 * A whole proposal as the reader may read it. Civil society: no member's position or comment, no
 * comments, no one else's pending step (the tally and the decision stay). Everyone but the
 * secretariat: who launched it by institution, not by user.
 */
export function proposalForReader<P extends ProposalParts>(r: Reader, p: P) {
  const { launchedBy, ...rest } = p;
  const launcher = readsUserIds(r) ? launchedBy : { institution: launchedBy.institution };
  if (readsDeliberation(r)) return { ...rest, launchedBy: launcher };
  // The lists stay, empty, so the proposal keeps the contract's shape for every reader.
  return {
    ...rest, launchedBy: launcher, pendingFor: pendingForReader(r, p.pendingFor), pendingSignoffs: [] as string[],
    signoffs: [] as P['signoffs'], signoffHistory: [] as P['signoffHistory'], comments: [] as P['comments'],
  };
}

/** A summary in a list: only its pending institutions are sensitive. */
export const summaryForReader = <S extends { pendingFor: string[] }>(r: Reader, s: S): S => ({ ...s, pendingFor: pendingForReader(r, s.pendingFor) });

/**
 * An audit trail as the reader may read it: civil society gets the verification result only (the
 * entries carry each position and comment); the State's side gets the entries by institution;
 * the secretariat also sees which user acted.
 */
export function auditForReader<
  E extends { actor: string | null }, A extends { events: E[]; verified: boolean; problems?: Array<{ field: string; message: string }> },
>(r: Reader, audit: A & { events: E[] }) {
  if (!readsDeliberation(r)) return { events: [] as E[], verified: audit.verified };
  if (readsUserIds(r)) return audit;
  // A broken actor column would be described with the user ids it holds.
  const problems = audit.problems?.map((p) => (p.field === 'actor' ? { ...p, message: 'El autor registrado de esta entrada no es el que se selló.' } : p));
  return { ...audit, events: audit.events.map((e) => ({ ...e, actor: null })), ...(problems ? { problems } : {}) };
}

/**
 * A task as the reader may read it. Its lines, percentages and dates are public; a progress
 * report's note and evidence link are the ministry's working record with the secretariat, so
 * civil society sees each report's figure and date only.
 */
export function taskForReader<T extends { progress: Array<{ note: string | null; evidenceUrl: string | null }> }>(r: Reader, task: T) {
  if (readsDeliberation(r)) return task;
  return { ...task, progress: task.progress.map(({ note: _note, evidenceUrl: _evidence, ...figure }) => figure) };
}

/** Contacts, deliveries and webhooks: the secretariat reads every institution's, the others their own. */
export const readsEveryInstitution = (r: Reader) => r.kind === 'secretaria';
export const mayReadContactsOf = (r: Reader, institution: string) => readsEveryInstitution(r) || r.institution === institution;

/**
 * The institutions report as the reader may read it: how each member answered sign-off rounds
 * (answered, tacit, how fast) describes its positions, so civil society sees the task figures only.
 */
export function institutionsReportForReader<
  Row extends { signoffsAnswered: number; signoffsTacit: number; averageHoursToAnswer: number | null; averageWorkingDaysToAnswer: number | null },
  Rep extends { institutions: Row[] },
>(r: Reader, report: Rep) {
  if (readsDeliberation(r)) return report;
  return { ...report, institutions: report.institutions.map((i) => ({ ...i, signoffsAnswered: null, signoffsTacit: null, averageHoursToAnswer: null, averageWorkingDaysToAnswer: null })) };
}

/** The notice's recipients that may be told about a proposal with this publicity. */
export const mayBeToldAbout = (r: Reader, p: ProposalPublicity | null) => readsDeliberation(r) || p === null || isPublic(p);
