// Supervision reports (docs/domain.md#supervision), computed in the database from
// the projection: per PNM objective, population and working group, and per institution.
import { inArray, sql, type SQL } from 'drizzle-orm';
import { limaDate, type WorkingCalendar } from '../domain/calendar';
import { taskStatuses } from '../domain/tasks';
import { openProposalStatuses, pnmObjectives, populations, processStages, proposalStatuses } from '../domain/vocabulary';
import { rowsOf, type Db } from './client';
import { workingCalendarSince } from './non-working-days';
import { overdueTaskSql } from './tasks';
import { publicProposalSql } from './visibility';

/** Which proposals a report counts: all of them, or only those civil society may read (domain/visibility.ts). */
export interface ReportScope { publicOnly: boolean }
const counted = (scope: ReportScope) => (scope.publicOnly ? publicProposalSql(sql`p.id`, sql`p.status`) : sql`true`);

export interface DimensionRow {
  key: string;
  proposals: Record<string, number>;
  tasks: Record<string, number>;
  tasksTotal: number;
  overdue: number;
}

/** Tasks are counted as overdue by the one rule (domain/tasks.ts `isOverdue`). */
const overdueTask = overdueTaskSql(sql`t.due_at`, sql`t.status`);

async function byDimension(db: Db, proposalKey: SQL, keys: readonly string[], scope: ReportScope): Promise<DimensionRow[]> {
  const [proposalRows, taskRows] = await Promise.all([
    db.execute(sql`select k as key, p.status, count(*)::int as n from proposals p, ${proposalKey} as k where ${counted(scope)} group by k, p.status`),
    db.execute(sql`select k as key, t.status, count(*)::int as n, count(*) filter (where ${overdueTask})::int as overdue
      from tasks t join proposals p on p.id = t.proposal_id, ${proposalKey} as k where ${counted(scope)} group by k, t.status`),
  ]);
  const rows = new Map(keys.map((key) => [key, {
    key,
    proposals: Object.fromEntries(proposalStatuses.map((s) => [s, 0])),
    tasks: Object.fromEntries(taskStatuses.map((s) => [s, 0])),
    tasksTotal: 0,
    overdue: 0,
  } as DimensionRow]));
  for (const r of rowsOf<{ key: string; status: string; n: number }>(proposalRows)) {
    const row = rows.get(r.key);
    if (row) row.proposals[r.status] = Number(r.n);
  }
  for (const r of rowsOf<{ key: string; status: string; n: number; overdue: number }>(taskRows)) {
    const row = rows.get(r.key);
    if (!row) continue;
    row.tasks[r.status] = Number(r.n);
    row.tasksTotal += Number(r.n);
    row.overdue += Number(r.overdue);
  }
  return [...rows.values()];
}

export async function pnmReport(db: Db, scope: ReportScope = { publicOnly: false }) {
  const groups = rowsOf<{ code: string }>(await db.execute(sql`select code from groups where kind = 'grupo_de_trabajo' order by code`)).map((g) => g.code);
  const [objectives, byPopulation, workingGroups, stages] = await Promise.all([
    byDimension(db, sql`unnest(p.objectives)`, pnmObjectives, scope),
    byDimension(db, sql`unnest(p.populations)`, populations, scope),
    byDimension(db, sql`unnest(array[p.lead_working_group])`, groups, scope),
    db.execute(sql`select p.stage, count(*)::int as n from proposals p where ${inArray(sql`p.status`, [...openProposalStatuses])} and ${counted(scope)} group by p.stage`),
  ]);
  // The pipeline: open proposals in each stage of the process.
  const counts = new Map(rowsOf<{ stage: string; n: number }>(stages).map((r) => [r.stage, Number(r.n)]));
  const pipeline = processStages.map((stage) => ({ stage, proposals: counts.get(stage) ?? 0 }));
  return { generatedAt: new Date().toISOString(), pipeline, objectives, populations: byPopulation, workingGroups };
}

export interface InstitutionRow {
  institution: string;
  name: string;
  tasks: Record<string, number>;
  overdue: number;
  /** Working days from assignment to acceptance, on average (docs/domain.md#calendario-y-plazos). */
  averageDaysToAccept: number | null;
  signoffsAnswered: number;
  signoffsTacit: number;
  averageHoursToAnswer: number | null;
  /** Working days from the round's opening to the first answer, on average. */
  averageWorkingDaysToAnswer: number | null;
}

/** The average of working days elapsed between each pair's two instants, Lima time; null without pairs. */
function averageWorkingDays(calendar: WorkingCalendar, pairs: Array<{ from: unknown; to: unknown }>): number | null {
  if (pairs.length === 0) return null;
  const total = pairs.reduce((sum, p) => sum + calendar.countWorkingDays(limaDate(new Date(String(p.from))), limaDate(new Date(String(p.to)))), 0);
  return total / pairs.length;
}

export async function institutionsReport(db: Db) {
  const [members, taskRows, acceptance, signoffs] = await Promise.all([
    db.execute(sql`select code, name from institutions where kind = 'miembro' order by code`),
    db.execute(sql`select i as institution, t.status, count(*)::int as n, count(*) filter (where ${overdueTask})::int as overdue
      from tasks t, unnest(t.responsible) as i group by i, t.status`),
    db.execute(sql`select a.institution, t.created_at as "from", a.at as "to"
      from task_audit a join tasks t on t.id = a.task_id where a.action = 'aceptada'`),
    // Response time: from the round's opening to the institution's first answer in it.
    db.execute(sql`select s.institution,
        count(*) filter (where not s.tacit)::int as answered, count(*) filter (where s.tacit)::int as tacit,
        avg(extract(epoch from s.at - r.opened_at)) filter (where not s.tacit) / 3600 as hours,
        coalesce(json_agg(json_build_object('from', r.opened_at, 'to', s.at)) filter (where not s.tacit), '[]') as answers
      from (select distinct on (proposal_id, round, institution) * from proposal_signoffs order by proposal_id, round, institution, event_seq) s
      join proposal_rounds r on r.proposal_id = s.proposal_id and r.round = s.round
      group by s.institution`),
  ]);
  // Every recorded non-working day: the table holds a few a year.
  const calendar = await workingCalendarSince(db, '2000-01-01');
  const round2 = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);
  const rows = new Map(rowsOf<{ code: string; name: string }>(members).map((m) => [m.code, {
    institution: m.code, name: m.name, tasks: Object.fromEntries(taskStatuses.map((s) => [s, 0])), overdue: 0,
    averageDaysToAccept: null, signoffsAnswered: 0, signoffsTacit: 0, averageHoursToAnswer: null, averageWorkingDaysToAnswer: null,
  } as InstitutionRow]));
  for (const r of rowsOf<{ institution: string; status: string; n: number; overdue: number }>(taskRows)) {
    const row = rows.get(r.institution);
    if (!row) continue;
    row.tasks[r.status] = Number(r.n);
    row.overdue += Number(r.overdue);
  }
  const accepted = new Map<string, Array<{ from: unknown; to: unknown }>>();
  for (const r of rowsOf<{ institution: string; from: unknown; to: unknown }>(acceptance)) {
    accepted.set(r.institution, [...accepted.get(r.institution) ?? [], r]);
  }
  for (const [institution, pairs] of accepted) {
    const row = rows.get(institution);
    if (row) row.averageDaysToAccept = round2(averageWorkingDays(calendar, pairs));
  }
  for (const r of rowsOf<{ institution: string; answered: number; tacit: number; hours: unknown; answers: unknown }>(signoffs)) {
    const row = rows.get(r.institution);
    if (!row) continue;
    row.signoffsAnswered = Number(r.answered);
    row.signoffsTacit = Number(r.tacit);
    row.averageHoursToAnswer = round2(r.hours);
    const answers = (typeof r.answers === 'string' ? JSON.parse(r.answers) : r.answers) as Array<{ from: string; to: string }>;
    row.averageWorkingDaysToAnswer = round2(averageWorkingDays(calendar, answers));
  }
  return { generatedAt: new Date().toISOString(), institutions: [...rows.values()] };
}
