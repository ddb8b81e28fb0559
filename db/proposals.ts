// Queries on the proposal projection. One function per query, taking the database first, so
// activities (which write) and routes (which read) share them without knowing about each other.
import { and, arrayContains, asc, desc, eq, ilike, lt, or, type SQL } from 'drizzle-orm';
import type { ProposalPlan } from '../domain/proposal';
import type { ProcessStage, ProposalStage, ProposalStatus } from '../domain/vocabulary';
import type { Db } from './client';
import { proposals, proposalTimeline, proposalVersions } from './schema';

export interface ProposalLaunchedRecord {
  proposalId: string;
  plan: ProposalPlan;
  launchedBy: { userId: string; institution: string };
  at: string;
  stage: ProcessStage;
  deadlines: Partial<Record<ProcessStage, string>>;
}

/** Writes a launched proposal, its first version and first timeline entry; once only. */
export async function recordProposalLaunched(db: Db, r: ProposalLaunchedRecord): Promise<void> {
  const at = new Date(r.at);
  await db.transaction(async (tx) => {
    const inserted = await tx.insert(proposals).values({
      id: r.proposalId,
      title: r.plan.title,
      summary: r.plan.summary,
      status: 'en_curso',
      stage: r.stage,
      objectives: r.plan.objectives,
      populations: r.plan.populations,
      leadWorkingGroup: r.plan.leadWorkingGroup,
      workingGroups: r.plan.workingGroups,
      plan: r.plan,
      currentVersion: 1,
      deadlines: r.deadlines,
      launchedBy: r.launchedBy.userId,
      launchedByInstitution: r.launchedBy.institution,
      createdAt: at,
      updatedAt: at,
    }).onConflictDoNothing().returning({ id: proposals.id });
    if (inserted.length === 0) return; // already recorded by an earlier attempt
    await tx.insert(proposalVersions).values({
      proposalId: r.proposalId, number: 1, text: r.plan.text, changeSummary: 'Versión inicial', at,
    });
    await tx.insert(proposalTimeline).values({
      proposalId: r.proposalId, seq: 1, at, stage: r.stage, event: 'lanzada',
    });
  });
}

export interface ProposalSummary {
  id: string;
  number: string | null;
  title: string;
  summary: string;
  status: ProposalStatus;
  stage: ProposalStage;
  objectives: string[];
  populations: string[];
  leadWorkingGroup: string;
  workingGroups: string[];
  currentVersion: number;
  deadlines: Partial<Record<ProcessStage, string>>;
  pendingFor: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ProposalWhole extends Omit<ProposalSummary, 'pendingFor'> {
  migrationStages: string[];
  priority: string;
  rules: Pick<ProposalPlan, 'stages' | 'decisionRule' | 'quorum' | 'silencePolicy' | 'reminders'>;
  actions: ProposalPlan['actions'];
  launchedBy: { userId: string; institution: string };
  versions: Array<{ number: number; text: string; changeSummary: string; at: string }>;
  inputs: unknown[];
  signoffs: unknown[];
  pendingSignoffs: string[];
  decision?: unknown;
  comments: unknown[];
  tasks: string[];
  timeline: Array<{ at: string; stage: ProposalStage; event: string }>;
}

type ProposalRow = typeof proposals.$inferSelect;

function toSummary(row: ProposalRow): ProposalSummary {
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    summary: row.summary,
    status: row.status,
    stage: row.stage,
    objectives: row.objectives,
    populations: row.populations,
    leadWorkingGroup: row.leadWorkingGroup,
    workingGroups: row.workingGroups,
    currentVersion: row.currentVersion,
    deadlines: row.deadlines,
    pendingFor: row.pendingFor,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getProposal(db: Db, id: string): Promise<ProposalWhole | null> {
  const [row] = await db.select().from(proposals).where(eq(proposals.id, id));
  if (!row) return null;
  const [versions, timeline] = await Promise.all([
    db.select().from(proposalVersions).where(eq(proposalVersions.proposalId, id)).orderBy(asc(proposalVersions.number)),
    db.select().from(proposalTimeline).where(eq(proposalTimeline.proposalId, id)).orderBy(asc(proposalTimeline.seq)),
  ]);
  const { pendingFor: _pending, ...summary } = toSummary(row);
  const plan = row.plan;
  return {
    ...summary,
    migrationStages: plan.migrationStages,
    priority: plan.priority,
    rules: {
      stages: plan.stages, decisionRule: plan.decisionRule, quorum: plan.quorum,
      silencePolicy: plan.silencePolicy, reminders: plan.reminders,
    },
    actions: plan.actions,
    launchedBy: { userId: row.launchedBy, institution: row.launchedByInstitution },
    versions: versions.map((v) => ({ number: v.number, text: v.text, changeSummary: v.changeSummary, at: v.at.toISOString() })),
    inputs: [],
    signoffs: [],
    pendingSignoffs: row.stage === 'conformidad' ? row.pendingFor : [],
    comments: [],
    tasks: [],
    timeline: timeline.map((t) => ({ at: t.at.toISOString(), stage: t.stage, event: t.event })),
  };
}

export interface ProposalFilters {
  stage?: ProposalStage;
  status?: ProposalStatus;
  objective?: string;
  workingGroup?: string;
  pendingFor?: string;
  q?: string;
  limit: number;
  cursor?: ProposalCursor;
}

/** Position after the last item of a page: newest first, ties broken by id. */
export interface ProposalCursor { createdAt: string; id: string }

export async function listProposals(db: Db, f: ProposalFilters): Promise<{ items: ProposalSummary[]; next: ProposalCursor | null }> {
  const where: SQL[] = [];
  if (f.stage) where.push(eq(proposals.stage, f.stage));
  if (f.status) where.push(eq(proposals.status, f.status));
  if (f.objective) where.push(arrayContains(proposals.objectives, [f.objective]));
  if (f.pendingFor) where.push(arrayContains(proposals.pendingFor, [f.pendingFor]));
  if (f.workingGroup) {
    where.push(or(eq(proposals.leadWorkingGroup, f.workingGroup), arrayContains(proposals.workingGroups, [f.workingGroup]))!);
  }
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(proposals.title, like), ilike(proposals.summary, like))!);
  }
  if (f.cursor) {
    const at = new Date(f.cursor.createdAt);
    where.push(or(lt(proposals.createdAt, at), and(eq(proposals.createdAt, at), lt(proposals.id, f.cursor.id)))!);
  }
  const rows = await db.select().from(proposals).where(and(...where))
    .orderBy(desc(proposals.createdAt), desc(proposals.id)).limit(f.limit + 1);
  const items = rows.slice(0, f.limit).map(toSummary);
  const last = items.at(-1);
  return { items, next: rows.length > f.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}
