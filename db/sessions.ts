// Plenary sessions as their workflows record them (docs/domain.md#sesiones), and the reads the
// API and pages make. Each event is written once, in one transaction: its rows, the session's new
// state, its audit entry and its notices, as for proposals and tasks.
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Notification } from '../domain/events';
import type { ActaAnswer, SessionKind } from '../domain/session';
import type { ItemRow, SessionEffectRow, SessionSnapshot } from '../processes/session';
import { appendAudit, digest, entryOfEvent, lockTrail, sessionTrail, verifyTrail, type Anchors, type AuditHead, type AuditKey, type TrailPosition, type Tx } from './audit';
import { compareSnapshot } from './audit-projection';
import type { Db } from './client';
import { keysWithDeliveries, recordNotices, type PlanOptions } from './deliveries';
import { together } from './errors';
import {
  agreements, proposals, sessionActaFiles, sessionActas, sessionAttendance, sessionConfirmations, sessionItems, sessionObservations, sessionPositions, sessions,
} from './schema';

export interface SessionConvenedRecord {
  sessionId: string; at: string; actor: { userId: string; institution: string }; kind: SessionKind; members: string[]; invited: string[];
  items: ItemRow[]; snapshot: SessionSnapshot; notices: Notification[];
}

export interface SessionEventRecord {
  sessionId: string; seq: number; at: string; actor: { userId: string | null; institution: string | null }; action: string;
  data: Record<string, unknown>; effects: SessionEffectRow[]; snapshot: SessionSnapshot; notices: Notification[];
}

export interface SessionRecorded { keys: string[]; head: AuditHead | null }

const snapshotColumns = (s: SessionSnapshot) => ({
  status: s.status, startsAt: new Date(s.startsAt), place: s.place, videoUrl: s.videoUrl, call: s.call,
  secondCallAt: s.secondCallAt ? new Date(s.secondCallAt) : null, openedAt: s.openedAt ? new Date(s.openedAt) : null,
  present: s.present, quorum: s.quorum, sequence: s.sequence, acta: s.acta,
});

/** Long texts go into the audit entry as their SHA-256: the entry proves them without holding them twice. */
const projectionOf = (e: { effects: SessionEffectRow[]; snapshot: SessionSnapshot }) => ({
  snapshot: e.snapshot,
  effects: e.effects.map((f) => ('text' in f ? (({ text, ...rest }) => ({ ...rest, textSha256: digest(text) }))(f) : f)),
});

const itemValues = (sessionId: string, i: ItemRow) => ({ sessionId, ...i });

/** The session as convened: its row, its agenda, its first audit entry and the convocation. */
export async function recordSessionConvened(db: Db, key: AuditKey, r: SessionConvenedRecord, o: PlanOptions): Promise<SessionRecorded> {
  const at = new Date(r.at);
  return db.transaction(async (tx) => {
    await tx.insert(sessions).values({
      id: r.sessionId, kind: r.kind, members: r.members, invited: r.invited, convenedBy: r.actor.userId, createdAt: at, updatedAt: at, stateSeq: 1,
      ...snapshotColumns(r.snapshot),
    }).onConflictDoNothing();
    const trail = await lockTrail(tx, sessionTrail, r.sessionId, 1);
    if (trail.recorded) return { keys: await keysWithDeliveries(tx, r.notices.map((n) => n.key)), head: await entryOfEvent(tx, sessionTrail, r.sessionId, 1) };
    if (r.items.length) await tx.insert(sessionItems).values(r.items.map((i) => itemValues(r.sessionId, i))).onConflictDoNothing();
    const head = await appendAudit(tx, key, sessionTrail, r.sessionId, trail.last, [{
      eventSeq: 1,
      entry: { at: at.toISOString(), actor: r.actor.userId, institution: r.actor.institution, action: 'convocada', data: { kind: r.kind, invited: r.invited, agenda: r.items.map((i) => i.title) } },
      projection: projectionOf({ effects: r.items.map((item) => ({ kind: 'item', item })), snapshot: r.snapshot }),
    }]);
    return { keys: await recordNotices(tx as unknown as Db, r.notices, at, o), head };
  });
}

/** One session event, once: a retried write finds it recorded and answers as the first did. */
export async function recordSessionEvent(db: Db, key: AuditKey, e: SessionEventRecord, o: PlanOptions): Promise<SessionRecorded> {
  return db.transaction(async (tx) => {
    const trail = await lockTrail(tx, sessionTrail, e.sessionId, e.seq);
    if (trail.recorded) return { keys: await keysWithDeliveries(tx, e.notices.map((n) => n.key)), head: await entryOfEvent(tx, sessionTrail, e.sessionId, e.seq) };
    return writeSessionEvent(tx, key, e, trail.last, o);
  });
}

async function writeSessionEvent(tx: Tx, key: AuditKey, e: SessionEventRecord, last: TrailPosition['last'], o: PlanOptions): Promise<SessionRecorded> {
  const at = new Date(e.at);
  for (const f of e.effects) {
    switch (f.kind) {
      case 'item':
        await tx.insert(sessionItems).values(itemValues(e.sessionId, f.item))
          .onConflictDoUpdate({ target: [sessionItems.sessionId, sessionItems.n], set: (({ n: _n, ...rest }) => rest)(f.item) });
        break;
      case 'confirmation':
        await tx.insert(sessionConfirmations).values({ sessionId: e.sessionId, institution: f.institution, attends: f.attends, representative: f.representative, at })
          .onConflictDoUpdate({ target: [sessionConfirmations.sessionId, sessionConfirmations.institution], set: { attends: f.attends, representative: f.representative, at } });
        break;
      case 'position':
        await tx.insert(sessionPositions).values({
          sessionId: e.sessionId, eventSeq: e.seq, n: f.n, institution: f.institution, position: f.position, comment: f.comment, onBehalf: f.onBehalf, userId: f.userId, at,
        });
        break;
      case 'attendance':
        if (f.present.length) {
          await tx.insert(sessionAttendance).values(f.present.map((institution) => ({ sessionId: e.sessionId, eventSeq: e.seq, call: f.call, institution, at })));
        }
        break;
      case 'acta':
        await tx.insert(sessionActas).values({ sessionId: e.sessionId, version: f.version, text: f.text, deadline: new Date(f.deadline), at });
        break;
      case 'observation':
        await tx.insert(sessionObservations).values({ sessionId: e.sessionId, eventSeq: e.seq, institution: f.institution, text: f.text, at });
    }
  }
  const [, head] = await together([
    tx.update(sessions).set({ ...snapshotColumns(e.snapshot), stateSeq: e.seq, updatedAt: at, ...(e.action === 'acta_aprobada' ? { actaApprovedAt: at } : {}) }).where(and(eq(sessions.id, e.sessionId), lt(sessions.stateSeq, e.seq))),
    appendAudit(tx, key, sessionTrail, e.sessionId, last, [{
      eventSeq: e.seq, entry: { at: at.toISOString(), actor: e.actor.userId, institution: e.actor.institution, action: e.action, data: e.data },
      projection: projectionOf(e),
    }]),
  ]);
  return { keys: await recordNotices(tx as unknown as Db, e.notices, at, o), head };
}

/** The tasks each adopted item's agreement created, by item number: what the acta lists. */
export async function agreementTasks(db: Db, sessionId: string): Promise<Record<number, string[]>> {
  const rows = await db.select({ n: sessionItems.n, tasks: proposals.tasks }).from(sessionItems)
    .innerJoin(proposals, eq(proposals.id, sessionItems.proposalId))
    .where(and(eq(sessionItems.sessionId, sessionId), eq(sessionItems.outcome, 'adoptada')));
  return Object.fromEntries(rows.map((r) => [r.n, r.tasks]));
}

/** A session, whole, as GET /sessions/:id answers. */
export async function getSession(db: Db, id: string) {
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
  if (!row) return null;
  const [items, confirmations, positions, actas, observations] = await Promise.all([
    db.select().from(sessionItems).where(eq(sessionItems.sessionId, id)).orderBy(asc(sessionItems.ord)),
    db.select().from(sessionConfirmations).where(eq(sessionConfirmations.sessionId, id)).orderBy(asc(sessionConfirmations.institution)),
    db.select().from(sessionPositions).where(eq(sessionPositions.sessionId, id)).orderBy(asc(sessionPositions.eventSeq)),
    db.select().from(sessionActas).where(eq(sessionActas.sessionId, id)).orderBy(desc(sessionActas.version)),
    db.select().from(sessionObservations).where(eq(sessionObservations.sessionId, id)).orderBy(asc(sessionObservations.eventSeq)),
  ]);
  const quorum = row.quorum ?? { required: 0, present: 0, met: false, call: 1 as const };
  return {
    id: row.id, kind: row.kind, status: row.status, startsAt: row.startsAt.toISOString(), place: row.place, videoUrl: row.videoUrl,
    call: row.call, secondCallAt: row.secondCallAt?.toISOString() ?? null, openedAt: row.openedAt?.toISOString() ?? null, sequence: row.sequence,
    invited: row.invited, members: row.members,
    agenda: items.map((i) => {
      const latest = new Map<string, (typeof positions)[number]>();
      for (const p of positions.filter((p) => p.n === i.n)) latest.set(p.institution, p);
      return {
        n: i.n, kind: i.kind, title: i.title, proposalId: i.proposalId, taskId: i.taskId, status: i.status, summary: i.summary, reason: i.reason,
        outcome: i.outcome, number: i.number, counts: i.counts, absent: i.absent,
        positions: [...latest.values()].map((p) => ({ institution: p.institution, position: p.position, comment: p.comment, onBehalf: p.onBehalf, at: p.at.toISOString() })),
        history: positions.filter((p) => p.n === i.n).map((p) => ({ institution: p.institution, position: p.position, comment: p.comment, onBehalf: p.onBehalf, at: p.at.toISOString() })),
      };
    }),
    confirmations: confirmations.map((c) => ({ institution: c.institution, attends: c.attends, representative: c.representative, at: c.at.toISOString() })),
    present: row.present,
    quorum,
    acta: row.acta ? {
      status: row.acta.status, deadline: row.acta.deadline, version: row.acta.version, sha256: row.acta.sha256, answers: row.acta.answers,
      text: actas[0]?.text ?? '', observations: observations.map((o) => ({ institution: o.institution, text: o.text, at: o.at.toISOString() })),
    } : null,
  };
}

export type SessionView = NonNullable<Awaited<ReturnType<typeof getSession>>>;

/** Sessions in a window of start dates, soonest first. */
export async function listSessions(db: Db, f: { from?: string; to?: string }) {
  const conditions = [
    ...(f.from ? [gte(sessions.startsAt, new Date(f.from))] : []),
    ...(f.to ? [lt(sessions.startsAt, new Date(f.to))] : []),
  ];
  const rows = await db.select({
    id: sessions.id, kind: sessions.kind, status: sessions.status, startsAt: sessions.startsAt, place: sessions.place, videoUrl: sessions.videoUrl,
    items: sql<number>`(select count(*)::int from ${sessionItems} where ${sessionItems.sessionId} = ${sessions.id})`,
  }).from(sessions).where(conditions.length ? and(...conditions) : undefined).orderBy(asc(sessions.startsAt), asc(sessions.id)).limit(500);
  return rows.map((r) => ({ ...r, startsAt: r.startsAt.toISOString(), items: Number(r.items) }));
}

/**
 * The register of actas: every approved acta, the latest approved first, from the sessions' rows
 * (the `sessions_acta_approved` index), with how it was approved: who agreed, who observed, and
 * who said nothing by the deadline (approval by silence).
 */
export async function listActas(db: Db) {
  const rows = await db.select({
    id: sessions.id, kind: sessions.kind, startsAt: sessions.startsAt, approvedAt: sessions.actaApprovedAt, acta: sessions.acta,
    signedAt: sessionActaFiles.signedAt,
  }).from(sessions).leftJoin(sessionActaFiles, eq(sessionActaFiles.sessionId, sessions.id))
    .where(isNotNull(sessions.actaApprovedAt)).orderBy(desc(sessions.actaApprovedAt), asc(sessions.id));
  return rows.map((r) => {
    const answers = Object.entries(r.acta?.answers ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const who = (answer: ActaAnswer) => answers.filter(([, a]) => a === answer).map(([institution]) => institution);
    const silent = who('silencio');
    return {
      sessionId: r.id, kind: r.kind, startsAt: r.startsAt.toISOString(), approvedAt: r.approvedAt!.toISOString(), version: r.acta?.version ?? 1,
      sha256: r.acta?.sha256 ?? null, signedAt: r.signedAt?.toISOString() ?? null,
      approval: { bySilence: silent.length > 0, conforme: who('conforme'), observaciones: who('observaciones'), silencio: silent },
    };
  });
}

/** Proposals on the agenda of a session still open: a proposal is decided in one session at a time. */
export async function proposalsOnOpenAgendas(db: Db, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectDistinct({ id: sessionItems.proposalId }).from(sessionItems).innerJoin(sessions, eq(sessions.id, sessionItems.sessionId))
    .where(and(inArray(sessionItems.proposalId, ids), eq(sessionItems.status, 'pendiente'), inArray(sessions.status, ['convocada', 'en_curso', 'suspendida'])));
  return rows.map((r) => r.id!);
}

export async function verifiedSessionAuditOf(db: Db, key: AuditKey, id: string, anchors: Anchors = {}) {
  return verifyTrail(db, key, sessionTrail, id, async (tx, subjectId, entries) => {
    const [row] = await tx.select().from(sessions).where(eq(sessions.id, subjectId));
    if (!row) return entries.length ? [{ seq: null, field: 'sessions', message: `La sesión ${subjectId} no existe, pero tiene registro de auditoría.` }] : [];
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    return compareSnapshot('sessions', 'la sesión', {
      stateSeq: row.stateSeq, status: row.status, startsAt: iso(row.startsAt), place: row.place, videoUrl: row.videoUrl, call: row.call,
      secondCallAt: iso(row.secondCallAt), openedAt: iso(row.openedAt), present: row.present, quorum: row.quorum, sequence: row.sequence, acta: row.acta,
    }, entries);
  }, anchors);
}

/** The acta to sign: its approved text, and the session's date and place for the signature. */
export async function actaToSign(db: Db, sessionId: string) {
  const [[row], [latest]] = await Promise.all([
    db.select().from(sessions).where(eq(sessions.id, sessionId)),
    db.select().from(sessionActas).where(eq(sessionActas.sessionId, sessionId)).orderBy(desc(sessionActas.version)).limit(1),
  ]);
  return row && latest ? { session: row, text: latest.text, version: latest.version } : null;
}

/** Keeps the first signed PDF of an acta; a retried signature finds it and keeps it. */
export async function keepSignedActa(db: Db, f: { sessionId: string; version: number; pdf: Buffer; sha256: string; signer: string; signedAt: Date }) {
  await db.insert(sessionActaFiles).values(f).onConflictDoNothing();
  return signedActa(db, f.sessionId);
}

export async function signedActa(db: Db, sessionId: string) {
  const [row] = await db.select().from(sessionActaFiles).where(eq(sessionActaFiles.sessionId, sessionId));
  return row ? { ...row, pdf: Buffer.from(row.pdf) } : null;
}

/**
 * What a session decided on a proposal, from its record (not from the message that announced
 * it): null unless that item of that session names that proposal and is closed with a decision.
 */
export async function sessionDecisionOf(db: Db, sessionId: string, n: number, proposalId: string) {
  const [item] = await db.select().from(sessionItems)
    .where(and(eq(sessionItems.sessionId, sessionId), eq(sessionItems.n, n), eq(sessionItems.proposalId, proposalId), eq(sessionItems.status, 'cerrado')));
  if (!item?.counts || !item.outcome || item.outcome === 'tratado') return null;
  return { outcome: item.outcome, counts: item.counts, absent: item.absent, number: item.number };
}

/**
 * The year's sessions in figures: sessions held (opened) by kind, attendance per member institution
 * (sessions it was convened to that were held, and those it was present at), and agreements adopted
 * in session against those adopted in written rounds.
 */
export async function sessionsReport(db: Db, year: number) {
  const from = new Date(Date.UTC(year, 0, 1, 5));
  const to = new Date(Date.UTC(year + 1, 0, 1, 5));
  const held = await db.select({ id: sessions.id, kind: sessions.kind, members: sessions.members, present: sessions.present }).from(sessions)
    .where(and(gte(sessions.startsAt, from), lt(sessions.startsAt, to), inArray(sessions.status, ['en_curso', 'cerrada', 'acta_aprobada'])));
  const attendance = new Map<string, { convened: number; present: number }>();
  for (const s of held) {
    for (const m of s.members) {
      const a = attendance.get(m) ?? { convened: 0, present: 0 };
      a.convened += 1;
      if (s.present.includes(m)) a.present += 1;
      attendance.set(m, a);
    }
  }
  const [agreed] = await db.select({
    total: sql<number>`count(*)::int`,
    inSession: sql<number>`count(*) filter (where exists (select 1 from ${sessionItems} where ${sessionItems.proposalId} = ${agreements.proposalId} and ${sessionItems.outcome} = 'adoptada'))::int`,
  }).from(agreements).where(eq(agreements.year, year));
  return {
    year,
    sessionsHeld: { ordinaria: held.filter((s) => s.kind === 'ordinaria').length, extraordinaria: held.filter((s) => s.kind === 'extraordinaria').length },
    attendance: [...attendance.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([institution, a]) => ({ institution, ...a })),
    agreements: { inSession: Number(agreed?.inSession ?? 0), inWrittenRounds: Number(agreed?.total ?? 0) - Number(agreed?.inSession ?? 0) },
  };
}
