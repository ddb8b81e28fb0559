// Queries on the proposal projection. One function per query, taking the database first, so
// activities (which write) and routes (which read) share them without knowing about each other.
import { and, arrayContains, desc, eq, ilike, inArray, lt, not, or, sql, type SQL } from 'drizzle-orm';
import type { Notification, ProposalEffect, ProposalEventRecord, ProposalSnapshot } from '../domain/events';
import type { CorrectableField, MetadataChanges, ProposalPlan } from '../domain/proposal';
import {
  mayReadProposal, proposalForReader, publicFromStage, readsDeliberation, summaryForReader, tallyOf, type Reader,
} from '../domain/visibility';
import type { ProcessStage, ProposalStage, ProposalStatus } from '../domain/vocabulary';
import { appendAudit, entryOfEvent, lockTrail, proposalTrail, verifyTrail, type Anchors, type AuditHead, type AuditKey, type TrailPosition, type Tx } from './audit';
import { checkProposalProjection, proposalProjection } from './audit-projection';
import type { Db } from './client';
import { keysWithDeliveries, recordNotices, type PlanOptions } from './deliveries';
import { failureCode, isPermanentFailure, refusedAction, together, type Rejection } from './errors';
import { after, page, type Cursor } from './paging';
import { publicProposalSql, reachedConsultationSql } from './visibility';
import { proposalWithRows } from './whole';
import {
  proposalAudit, proposalComments, proposalInputs, proposalRounds, proposals, proposalSearch, proposalSignoffs, proposalTimeline, proposalVersions,
} from './schema';
import { isStoppedSql, withStoppedMark } from './stops';


export interface ProposalLaunchedRecord {
  proposalId: string;
  plan: ProposalPlan;
  launchedBy: { userId: string; institution: string };
  at: string;
  snapshot: ProposalSnapshot;
  /** Rows beyond the first version, e.g. the round when the process starts with it. */
  effects: ProposalEffect[];
  notices?: Notification[];
}

/**
 * Writes a launched proposal with its first version, timeline entry, audit entry and notices;
 * once. Returns the notification keys with deliveries to send (see recordProposalEvent).
 */
export async function recordProposalLaunched(db: Db, key: AuditKey, r: ProposalLaunchedRecord, o: PlanOptions): Promise<Recorded> {
  const at = new Date(r.at);
  return db.transaction(async (tx) => {
    await tx.insert(proposals).values({
      id: r.proposalId, title: r.plan.title, summary: r.plan.summary,
      objectives: r.plan.objectives, populations: r.plan.populations,
      leadWorkingGroup: r.plan.leadWorkingGroup, workingGroups: r.plan.workingGroups, plan: r.plan,
      launchedBy: r.launchedBy.userId, launchedByInstitution: r.launchedBy.institution,
      createdAt: at, updatedAt: at, ...snapshotColumns(r.snapshot), stateSeq: 0,
    }).onConflictDoNothing();
    return appendEvents(tx, key, o, [{
      proposalId: r.proposalId, seq: 1, at: r.at, actor: { userId: r.launchedBy.userId, institution: r.launchedBy.institution },
      action: 'lanzada', data: { title: r.plan.title, stage: r.snapshot.stage },
      effects: [
        { kind: 'version', number: 1, text: r.plan.text, changeSummary: 'Versión inicial' },
        { kind: 'timeline', stage: r.snapshot.stage, event: 'lanzada' },
        ...r.effects,
      ],
      snapshot: r.snapshot,
      ...(r.notices ? { notices: r.notices } : {}),
    }]);
  });
}

/**
 * Records a group of events of one proposal (in the order of their numbers) with their notices,
 * in one transaction. Returns the keys of their notices that have deliveries (email, webhooks):
 * the caller starts their delivery once this is committed, and a retry gets the same keys back,
 * so a crash in between loses no message.
 */
export async function recordProposalEvents(db: Db, key: AuditKey, events: ProposalEventRecord[], o: PlanOptions): Promise<Recorded> {
  return db.transaction((tx) => appendEvents(tx, key, o, events));
}

function snapshotColumns(s: ProposalSnapshot) {
  return {
    status: s.status, stage: s.stage, currentVersion: s.currentVersion, deadlines: s.deadlines, pendingFor: s.pendingFor,
    round: s.round, consultationOpen: s.consultationOpen, number: s.number, decision: s.decision, tasks: s.tasks,
  };
}

/**
 * What a write did: the notification keys with deliveries to start, the events refused, and the
 * audit trail's head after them (the workflow keeps it as an anchor outside the database).
 */
export interface Recorded { keys: string[]; rejected: Rejection[]; head: AuditHead | null }

/**
 * Events of one proposal, in the caller's transaction: their rows, their audit entries, the
 * proposal's newest state and their notices. The proposal row is locked first, so concurrent
 * writers take their places in the chain one by one. A group is written whole or not at all, so
 * finding its first event in the trail means a retried activity: nothing changes. The writes go
 * in one round trip (the server runs them in order).
 *
 * When the database refuses the group for what one event holds (see db/errors.ts), the events
 * are written again one by one, each in a savepoint: a refused one leaves only an audit entry
 * without its data (`registro_rechazado`, with the SQLSTATE), and the others are recorded.
 */
async function appendEvents(tx: Tx, key: AuditKey, o: PlanOptions, events: ProposalEventRecord[]): Promise<Recorded> {
  const first = events[0];
  const newest = events.at(-1);
  if (!first || !newest) return { keys: [], rejected: [], head: null };
  const trail = await lockTrail(tx, proposalTrail, first.proposalId, first.seq);
  if (trail.recorded) {
    const [keys, rejected, head] = await together([
      keysWithDeliveries(tx, events.flatMap((e) => e.notices ?? []).map((n) => n.key)),
      refusedEarlier(tx, first.proposalId, events.map((e) => e.seq)),
      entryOfEvent(tx, proposalTrail, first.proposalId, newest.seq),
    ]);
    return { keys, rejected, head };
  }
  try {
    return { ...await tx.transaction((sp) => writeEvents(sp, key, o, events, trail.last)), rejected: [] };
  } catch (e) {
    if (!isPermanentFailure(e)) throw e;
  }
  const keys: string[] = [];
  const rejected: Rejection[] = [];
  let last = trail.last;
  for (const e of events) {
    try {
      const written = await tx.transaction((sp) => writeEvents(sp, key, o, [e], last));
      keys.push(...written.keys);
      last = written.head;
    } catch (error) {
      if (!isPermanentFailure(error)) throw error;
      const code = failureCode(error);
      rejected.push({ seq: e.seq, code });
      // What was refused wrote nothing into the projection, and its entry says so.
      last = await appendAudit(tx, key, proposalTrail, e.proposalId, last, [{
        eventSeq: e.seq,
        entry: { at: new Date(e.at).toISOString(), actor: e.actor.userId, institution: e.actor.institution, action: refusedAction, data: { accion: e.action, codigo: code } },
        projection: { effects: [] },
      }]);
    }
  }
  return { keys, rejected, head: last };
}

/** Of these events, the ones a previous attempt recorded as refused. */
async function refusedEarlier(tx: Tx, proposalId: string, seqs: number[]): Promise<Rejection[]> {
  const rows = await tx.select({ seq: proposalAudit.eventSeq, data: proposalAudit.data }).from(proposalAudit)
    .where(and(eq(proposalAudit.proposalId, proposalId), inArray(proposalAudit.eventSeq, seqs), eq(proposalAudit.action, refusedAction)));
  return rows.map((r) => ({ seq: r.seq, code: String((r.data as { codigo?: unknown } | null)?.codigo ?? '') }));
}

/** The group's rows, newest state, audit entries and notices; nothing else is read. */
async function writeEvents(tx: Tx, key: AuditKey, o: PlanOptions, events: ProposalEventRecord[], last: TrailPosition['last']): Promise<{ keys: string[]; head: AuditHead | null }> {
  const first = events[0]!;
  const newest = events.at(-1)!;
  const [head] = await together([
    appendAudit(tx, key, proposalTrail, first.proposalId, last, events.map((e) => ({
      eventSeq: e.seq,
      entry: {
        at: new Date(e.at).toISOString(), actor: e.actor.userId, institution: e.actor.institution, action: e.action,
        data: { ...e.data, version: e.snapshot.currentVersion },
      },
      projection: proposalProjection(e),
    }))),
    ...events.flatMap((e) => e.effects.map((effect) => applyEffect(tx, e, effect, new Date(e.at)))),
    tx.update(proposals).set({ ...snapshotColumns(newest.snapshot), stateSeq: newest.seq, updatedAt: new Date(newest.at) })
      .where(and(eq(proposals.id, newest.proposalId), lt(proposals.stateSeq, newest.seq))),
  ]);
  // After the effects, which it reads; a sign-off changes nothing a search reads, and skips it.
  if (events.some(changesSearch)) await storeSearchDocuments(tx, newest.proposalId);
  const keys = await together(events.map((e) => recordNotices(tx, e.notices ?? [], new Date(e.at), o)));
  return { keys: keys.flat(), head };
}

/** Stores again what search reads of a proposal, whole, from its rows as they are now (db/schema.ts, proposalSearch). */
export async function storeSearchDocuments(db: Db | Tx, proposalId: string): Promise<void> {
  await db.execute(sql`insert into ${proposalSearch} (proposal_id, created_at, number, title, summary, search_all, search_public)
    select p.id, p.created_at, p.number, p.title, p.summary, d.with_inputs, d.without_inputs
    from ${proposals} p, mesa_search_documents(p.id) d where p.id = ${proposalId}
    on conflict (proposal_id) do update set number = excluded.number, title = excluded.title, summary = excluded.summary,
      search_all = excluded.search_all, search_public = excluded.search_public`);
}

/**
 * Whether an event changes what search reads (db/migrations/0019, mesa_search_documents): a new
 * version, an input, corrected data, or a stage change (the agreement number comes with the
 * closing).
 */
const changesSearch = (e: ProposalEventRecord) => e.effects.some((f) => f.kind === 'version' || f.kind === 'input' || f.kind === 'metadata' || f.kind === 'timeline');

async function applyEffect(tx: Tx, e: ProposalEventRecord, f: ProposalEffect, at: Date): Promise<void> {
  const proposalId = e.proposalId;
  switch (f.kind) {
    case 'version':
      await tx.insert(proposalVersions).values({ proposalId, number: f.number, text: f.text, changeSummary: f.changeSummary, at }).onConflictDoNothing();
      return;
    case 'timeline':
      await tx.insert(proposalTimeline).values({ proposalId, seq: e.seq, at, stage: f.stage, event: f.event }).onConflictDoNothing();
      return;
    case 'input':
      await tx.insert(proposalInputs).values({
        id: f.id, proposalId, institution: f.institution, kind: f.inputKind, text: f.text, paragraph: f.paragraph, version: f.version, at,
      }).onConflictDoNothing();
      return;
    case 'answer':
      await tx.update(proposalInputs).set({ answerDecision: f.decision, answerReason: f.reason, answeredAt: at })
        .where(and(eq(proposalInputs.id, f.inputId), eq(proposalInputs.proposalId, proposalId)));
      return;
    case 'signoff':
      await tx.insert(proposalSignoffs).values({
        proposalId, eventSeq: e.seq, institution: f.institution, round: f.round, version: f.version,
        position: f.position, comment: f.comment, tacit: f.tacit, at,
      }).onConflictDoNothing();
      return;
    case 'round':
      await tx.insert(proposalRounds).values({
        proposalId, round: f.round, version: f.version, members: f.members, openedAt: at, deadline: new Date(f.deadline),
      }).onConflictDoNothing();
      return;
    case 'comment':
      await tx.insert(proposalComments).values({
        id: f.id, proposalId, institution: f.institution, userId: f.userId, text: f.text, version: f.version, at,
      }).onConflictDoNothing();
      return;
    case 'metadata': {
      // The columns lists and search read, and the plan the page reads the rest from; setting the
      // same values again (a retried write) changes nothing.
      const { title, summary, objectives, populations } = f.changes;
      await tx.update(proposals).set({
        ...(title !== undefined ? { title } : {}), ...(summary !== undefined ? { summary } : {}),
        ...(objectives !== undefined ? { objectives } : {}), ...(populations !== undefined ? { populations } : {}),
        plan: sql`${proposals.plan} || ${JSON.stringify(f.changes)}::jsonb`,
      }).where(eq(proposals.id, proposalId));
    }
  }
}

// ---- reads -------------------------------------------------------------------------------

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
  round: number;
  consultationOpen: boolean;
  createdAt: string;
  updatedAt: string;
}

type ProposalRow = typeof proposals.$inferSelect;

/** The columns a summary shows: lists never read the launch plan, the widest column. */
const summaryColumns = {
  id: proposals.id, number: proposals.number, title: proposals.title, summary: proposals.summary, status: proposals.status,
  stage: proposals.stage, objectives: proposals.objectives, populations: proposals.populations, leadWorkingGroup: proposals.leadWorkingGroup,
  workingGroups: proposals.workingGroups, currentVersion: proposals.currentVersion, deadlines: proposals.deadlines,
  pendingFor: proposals.pendingFor, round: proposals.round, consultationOpen: proposals.consultationOpen,
  createdAt: proposals.createdAt, updatedAt: proposals.updatedAt,
};

/** A list's columns: the summary, and whether the proposal's process is stopped (db/stops.ts). */
const listColumns = () => ({ ...summaryColumns, stopped: isStoppedSql('propuesta', proposals) });

function toSummary(row: Pick<ProposalRow, keyof typeof summaryColumns>): ProposalSummary {
  return {
    id: row.id, number: row.number, title: row.title, summary: row.summary, status: row.status, stage: row.stage,
    objectives: row.objectives, populations: row.populations, leadWorkingGroup: row.leadWorkingGroup,
    workingGroups: row.workingGroups, currentVersion: row.currentVersion, deadlines: row.deadlines,
    pendingFor: row.pendingFor, round: row.round, consultationOpen: row.consultationOpen,
    createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Only the status, without reading the whole row: why an action found no running workflow (unknown,
 * or closed), and whether an audit has a workflow to anchor it.
 */
export async function getProposalStatus(db: Db, id: string): Promise<ProposalStatus | null> {
  const [row] = await db.select({ status: proposals.status }).from(proposals).where(eq(proposals.id, id));
  return row?.status ?? null;
}

export async function getProposalRow(db: Db, id: string): Promise<ProposalRow | null> {
  const [row] = await db.select().from(proposals).where(eq(proposals.id, id));
  return row ?? null;
}

/** Only proposals civil society may read, in a query on `proposals`. */
export const publicProposal = () => publicProposalSql(proposals.id, proposals.status);

/**
 * Whether the proposal exists but the reader may not read it (yet). The State's side reads every
 * proposal, so only civil society's requests cost a query.
 */
export async function hiddenFrom(db: Db, reader: Reader, id: string): Promise<boolean> {
  if (readsDeliberation(reader)) return false;
  const [row] = await db.select({
    status: proposals.status,
    reachedConsultation: reachedConsultationSql(proposals.id),
  }).from(proposals).where(eq(proposals.id, id));
  return row ? !mayReadProposal(reader, row) : false;
}

/** The proposal, whole, as the reader may read it; null when it does not exist or the reader may not read it. */
export async function readProposal(db: Db, reader: Reader, id: string) {
  const whole = await getProposal(db, id);
  if (!whole) return null;
  const reachedConsultation = whole.timeline.some((t) => t.stage === publicFromStage);
  return mayReadProposal(reader, { status: whole.status, reachedConsultation }) ? proposalForReader(reader, whole) : null;
}

export async function getProposal(db: Db, id: string) {
  const row = await proposalWithRows(db, id);
  if (!row) return null;
  const { versions, timeline, inputs, signoffs, comments } = row;
  const currentRound = row.rounds.find((r) => r.round === row.round);
  const plan = row.plan;
  const signoffView = (s: typeof signoffs[number]) => ({
    institution: s.institution, position: s.position, comment: s.comment, version: s.version, round: s.round,
    at: s.at.toISOString(), tacit: s.tacit,
  });
  // The current position of each institution in the latest round; earlier ones stay in history.
  const latest = new Map<string, ReturnType<typeof signoffView>>();
  for (const s of signoffs) if (s.round === row.round) latest.set(s.institution, signoffView(s));
  return {
    ...toSummary(row),
    migrationStages: plan.migrationStages,
    priority: plan.priority,
    rules: {
      stages: plan.stages, decisionRule: plan.decisionRule, quorum: plan.quorum,
      silencePolicy: plan.silencePolicy, reminders: plan.reminders, extension: plan.extension,
      decisionInSession: plan.decisionInSession ?? false,
    },
    actions: plan.actions,
    launchedBy: { userId: row.launchedBy, institution: row.launchedByInstitution },
    versions: versions.map((v) => ({ number: v.number, text: v.text, changeSummary: v.changeSummary, at: v.at.toISOString() })),
    inputs: inputs.map(inputView),
    signoffs: [...latest.values()],
    signoffHistory: signoffs.map(signoffView),
    // Decided in session, no one owes a written sign-off (the secretariat owes an agenda item).
    pendingSignoffs: row.stage === 'conformidad' && !plan.decisionInSession ? row.pendingFor : [],
    ...(row.decision ? { decision: row.decision } : {}),
    ...(row.round > 0 ? { tally: tallyOf(row.round, currentRound?.members.length ?? latest.size, [...latest.values()]) } : {}),
    comments: comments.map((c) => ({ id: c.id, institution: c.institution, text: c.text, version: c.version, at: c.at.toISOString() })),
    tasks: row.tasks,
    timeline: timeline.map((t) => ({ at: t.at.toISOString(), stage: t.stage, event: t.event })),
    corrections: await proposalCorrections(db, id),
  };
}

/** The corrections of the description after launch, oldest first, as the audit trail sealed them. */
async function proposalCorrections(db: Db, id: string) {
  const rows = await db.select({ at: proposalAudit.at, institution: proposalAudit.institution, data: proposalAudit.data }).from(proposalAudit)
    .where(and(eq(proposalAudit.proposalId, id), eq(proposalAudit.action, 'datos_corregidos'))).orderBy(proposalAudit.seq);
  return rows.map((r) => {
    const d = r.data as { fields: CorrectableField[]; before: MetadataChanges; after: MetadataChanges; reason: string };
    return { at: r.at.toISOString(), institution: r.institution, fields: d.fields, before: d.before, after: d.after, reason: d.reason };
  });
}

function inputView(i: typeof proposalInputs.$inferSelect) {
  return {
    id: i.id, institution: i.institution, kind: i.kind, text: i.text, paragraph: i.paragraph, version: i.version, at: i.at.toISOString(),
    ...(i.answerDecision ? { answer: { decision: i.answerDecision, reason: i.answerReason, at: i.answeredAt?.toISOString() } } : {}),
  };
}

/**
 * The audit trail, verified: its chain recomputed with the key, its head checked against the
 * anchors given, and the projection against what the trail says it wrote.
 */
export const getAudit = (db: Db, key: AuditKey, id: string, anchors: Anchors = {}) =>
  verifyTrail(db, key, proposalTrail, id, checkProposalProjection, anchors);

export interface ProposalFilters {
  stage?: ProposalStage;
  status?: ProposalStatus;
  objective?: string;
  workingGroup?: string;
  pendingFor?: string;
  q?: string;
  /** Only proposals civil society may read (domain/visibility.ts), filtered before paging. */
  publicOnly?: boolean;
  limit: number;
  cursor?: Cursor;
}


/**
 * How a search matches: by its words (the full-text documents) or, for the rest of a page, only by
 * the typed letters (see search).
 */
export type SearchStep = 'words' | 'letters';

/** The list query itself, apart, so its plan can be inspected (npm run bench prints it). */
export function proposalListQuery(db: Db, f: ProposalFilters, step: SearchStep = 'words') {
  const where: SQL[] = [];
  if (f.stage) where.push(eq(proposals.stage, f.stage));
  if (f.status) where.push(eq(proposals.status, f.status));
  if (f.objective) where.push(arrayContains(proposals.objectives, [f.objective]));
  if (f.pendingFor) where.push(arrayContains(proposals.pendingFor, [f.pendingFor]));
  if (f.workingGroup) {
    where.push(or(eq(proposals.leadWorkingGroup, f.workingGroup), arrayContains(proposals.workingGroups, [f.workingGroup]))!);
  }
  if (f.publicOnly) where.push(publicProposal());
  if (f.q) {
    const { words, letters, rank } = search(f.q, !f.publicOnly);
    // Ranked, best first: one page of the best matches (a rank is no keyset to page on). The
    // matches are ranked in the narrow search table and then read from proposals in that order,
    // only until the page is full. The subquery's own order keeps PostgreSQL from merging the two
    // into one join of every match with every proposal, which reads the whole wide table.
    const matches = step === 'words' ? words : and(letters, not(words))!;
    const hits = db.select({ id: proposalSearch.proposalId, createdAt: proposalSearch.createdAt, rank: rank.as('rank') })
      .from(proposalSearch).where(matches).orderBy(desc(rank), desc(proposalSearch.createdAt), desc(proposalSearch.proposalId)).as('hits');
    return db.select(listColumns()).from(hits).innerJoin(proposals, eq(proposals.id, hits.id)).where(and(...where))
      .orderBy(desc(hits.rank), desc(hits.createdAt), desc(hits.id)).limit(f.limit);
  }
  if (f.cursor) where.push(after(proposals.createdAt, proposals.id, f.cursor));
  return db.select(listColumns()).from(proposals).where(and(...where)).orderBy(desc(proposals.createdAt), desc(proposals.id)).limit(f.limit + 1);
}

/**
 * Full-text search in Spanish: the agreement number and title weigh most, then the summary, the
 * text of the current version and, for the State's side, the inputs received. Each is read twice,
 * by the Spanish configuration (stems of accented words: "convalidar" finds "convalidación") and by
 * `mesa_es`, the same with accents removed first (db/migrations/0009: "situacion" finds
 * "situación"). The document is stored, indexed, in the search table (db/schema.ts,
 * proposalSearch), so a search reads it instead of rebuilding every proposal's. A title, summary
 * or number containing the typed letters still matches (a trigram index), ranked after: its rank
 * is 0, below every match by words.
 */
function search(q: string, withInputs: boolean) {
  const document = withInputs ? proposalSearch.searchAll : proposalSearch.searchPublic;
  const query = sql`(websearch_to_tsquery('spanish', ${q}) || websearch_to_tsquery('mesa_es', ${q}))`;
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return {
    words: sql`${document} @@ ${query}`,
    letters: or(ilike(proposalSearch.title, like), ilike(proposalSearch.summary, like), ilike(proposalSearch.number, like))!,
    rank: sql<number>`ts_rank(${document}, ${query})`,
  };
}

export async function listProposals(db: Db, f: ProposalFilters, reader?: Reader) {
  const rows = await proposalListQuery(db, f);
  // The typed letters are looked for only when the words leave the page short: they rank after
  // every match by words, and matching them means reading every title and summary (ILIKE), three
  // times the cost of the rest of a search when a common word already fills the page.
  if (f.q && rows.length < f.limit) rows.push(...await proposalListQuery(db, { ...f, limit: f.limit - rows.length }, 'letters'));
  return page(rows.map((r) => {
    const summary = reader ? summaryForReader(reader, toSummary(r)) : toSummary(r);
    // While its process is stopped a proposal says so (api/routes/recovery.ts).
    return withStoppedMark(summary, r.stopped);
  }), f.limit);
}

export async function getInput(db: Db, proposalId: string, id: string) {
  const [i] = await db.select().from(proposalInputs).where(and(eq(proposalInputs.id, id), eq(proposalInputs.proposalId, proposalId)));
  return i ? inputView(i) : null;
}

export async function getComment(db: Db, id: string) {
  const [c] = await db.select().from(proposalComments).where(eq(proposalComments.id, id));
  return c ? { id: c.id, institution: c.institution, text: c.text, version: c.version, at: c.at.toISOString() } : null;
}

export async function getVersion(db: Db, proposalId: string, number: number) {
  const [v] = await db.select().from(proposalVersions).where(and(eq(proposalVersions.proposalId, proposalId), eq(proposalVersions.number, number)));
  return v ? { number: v.number, text: v.text, changeSummary: v.changeSummary, at: v.at.toISOString() } : null;
}
