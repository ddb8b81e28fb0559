// Append-only audit trails, one per proposal and one per task. The same code serves both trails;
// they differ only in their table and the column that names the subject.
//
// Each entry is sealed with HMAC-SHA256 under MESA_AUDIT_KEY, a secret kept outside the database
// (scheme 2), over the trail's kind, the subject's id and every column: seq, event_seq, at,
// actor, institution, action, data, what the event wrote into the projection, and prev_hash, the
// seal of the entry before. Whoever can write to the database but does not hold the key can
// neither edit an entry nor forge one, nor move a trail to another subject. What a chain alone
// cannot show (its last entries deleted) is shown by its head kept outside the trail: in the
// workflow's memory and in the signed checkpoints (db/audit-checkpoints.ts). A short HMAC per
// column, tied to the seal, names the column that changed when a seal breaks.
//
// Entries written before the key existed keep scheme 1: SHA-256 of the previous hash and the
// entry, with no key and no subject. They are verified that way and are only as strong as it:
// anyone with database access could have rewritten them and recomputed their hashes. Nothing is
// written with scheme 1 any more, so such an entry after a keyed one, or beyond the head of the
// latest checkpoint, is a forgery.
import { createHash, createHmac } from 'node:crypto';
import { and, asc, desc, eq, getTableName, sql } from 'drizzle-orm';
import { canonicalJson } from '../domain/canonical-json';
import type { Db } from './client';
import { proposalAudit, proposals, sessionAudit, sessions, taskAudit, tasks } from './schema';
import { together } from './errors';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** MESA_AUDIT_KEY: the secret that seals every new entry; never stored in the database. */
export type AuditKey = string;

/**
 * A trail: its table, the column that names the subject, and the subject's own table (locked while
 * entries are appended). Every audit table has the same columns (db/schema.ts auditColumns).
 */
export interface Trail {
  kind: 'proposal' | 'task' | 'session';
  table: typeof proposalAudit | typeof taskAudit | typeof sessionAudit;
  subject: typeof proposalAudit.proposalId | typeof taskAudit.taskId | typeof sessionAudit.sessionId;
  owner: typeof proposals | typeof tasks | typeof sessions;
  noun: string;
}
export const proposalTrail: Trail = { kind: 'proposal', table: proposalAudit, subject: proposalAudit.proposalId, owner: proposals, noun: 'la propuesta' };
export const taskTrail: Trail = { kind: 'task', table: taskAudit, subject: taskAudit.taskId, owner: tasks, noun: 'la tarea' };
export const sessionTrail: Trail = { kind: 'session', table: sessionAudit, subject: sessionAudit.sessionId, owner: sessions, noun: 'la sesión' };

/** The trail's table name, as problems name it. */
export const trailTable = (trail: Trail) => getTableName(trail.table);

export interface AuditEntry { seq: number; at: string; actor: string | null; institution: string | null; action: string; data: unknown }

/** Where a trail ends: its last entry's number and seal. */
export interface AuditHead { seq: number; hash: string }

/** What broke, and where: the entry (null when it is not one entry) and the column or field. */
export interface AuditProblem { seq: number | null; field: string; message: string }

export const genesis = '0'.repeat(64);
export const currentScheme = 2;

const legacyHashOf = (prevHash: string, e: AuditEntry) => createHash('sha256').update(`${prevHash}\n${canonicalJson(e)}`).digest('hex');

interface Sealed {
  seq: number; eventSeq: number; at: string; actor: string | null; institution: string | null; action: string;
  data: unknown; projection: unknown; prevHash: string;
}

function sealOf(key: AuditKey, trail: Trail, subjectId: string, e: Sealed): string {
  return createHmac('sha256', key)
    .update(canonicalJson({ scheme: currentScheme, trail: trail.kind, subject: subjectId, ...e }))
    .digest('hex');
}

/** The columns under the seal, by their names in the table. */
const sealedColumns: Array<[keyof Sealed, string]> = [
  ['seq', 'seq'], ['eventSeq', 'event_seq'], ['at', 'at'], ['actor', 'actor'], ['institution', 'institution'],
  ['action', 'action'], ['data', 'data'], ['projection', 'projection'], ['prevHash', 'prev_hash'],
];

/**
 * A short HMAC of each column, tied to the entry's seal: not what proves the entry (the seal
 * does), but what tells which column changed when the seal breaks.
 */
function columnSeals(key: AuditKey, trail: Trail, subjectId: string, seal: string, e: Sealed): Record<string, string> {
  return Object.fromEntries(sealedColumns.map(([field, column]) => [column, createHmac('sha256', key)
    .update(canonicalJson({ trail: trail.kind, subject: subjectId, seal, column, value: e[field] })).digest('hex').slice(0, 16)]));
}

/** SHA-256 of a text, as the projection record keeps long texts. */
export const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/** Where a trail stands for one event: already holding it (a retried write), and its last entry. */
export interface TrailPosition { recorded: boolean; last: AuditHead | null }

const ofSubject = (trail: Trail, subjectId: string) => eq(trail.subject, subjectId);

/**
 * Locks the subject's row, so concurrent events take their places in the chain one by one, and
 * reads where its trail stands. The statements go together (one round trip): the server runs the
 * reads after the lock is granted, each with a fresh snapshot, so they see every entry committed
 * before.
 */
export async function lockTrail(tx: Tx, trail: Trail, subjectId: string, eventSeq: number): Promise<TrailPosition> {
  const [, recorded, [last]] = await together([
    tx.select({ one: sql`1` }).from(trail.owner).where(eq(trail.owner.id, subjectId)).for('update'),
    entryOfEvent(tx, trail, subjectId, eventSeq),
    tx.select({ seq: trail.table.seq, hash: trail.table.hash }).from(trail.table)
      .where(ofSubject(trail, subjectId)).orderBy(desc(trail.table.seq)).limit(1),
  ]);
  return { recorded: recorded !== null, last: last ?? null };
}

/** The entry that holds an event, for a retried write that must answer with the same head. */
export async function entryOfEvent(tx: Tx | Db, trail: Trail, subjectId: string, eventSeq: number): Promise<AuditHead | null> {
  const [row] = await tx.select({ seq: trail.table.seq, hash: trail.table.hash }).from(trail.table)
    .where(and(ofSubject(trail, subjectId), eq(trail.table.eventSeq, eventSeq)));
  return row ?? null;
}

const asStored = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

export interface NewEntry { eventSeq: number; entry: Omit<AuditEntry, 'seq'>; projection: Record<string, unknown> }

/**
 * Appends the entries after `last` (from lockTrail, in the same transaction), sealed with the key
 * and chained in the order given, in one statement. Returns the trail's new head.
 */
export async function appendAudit(tx: Tx, key: AuditKey, trail: Trail, subjectId: string, last: TrailPosition['last'], entries: NewEntry[]): Promise<AuditHead | null> {
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? genesis;
  const rows = entries.map(({ eventSeq, entry: e, projection }) => {
    // The data as the database will give it back (jsonb drops undefined), so the seal recomputes.
    const data = asStored(e.data) as Record<string, unknown>;
    const sealed: Sealed = { seq: ++seq, eventSeq, at: e.at, actor: e.actor, institution: e.institution, action: e.action, data, projection: asStored(projection), prevHash };
    const hash = sealOf(key, trail, subjectId, sealed);
    const row = {
      seq: sealed.seq, eventSeq, at: new Date(e.at), actor: e.actor, institution: e.institution, action: e.action, data,
      hash, prevHash, scheme: currentScheme, projection, seals: columnSeals(key, trail, subjectId, hash, sealed),
    };
    prevHash = hash;
    return row;
  });
  if (rows.length === 0) return last;
  switch (trail.kind) {
    case 'proposal': await tx.insert(proposalAudit).values(rows.map((r) => ({ proposalId: subjectId, ...r }))); break;
    case 'task': await tx.insert(taskAudit).values(rows.map((r) => ({ taskId: subjectId, ...r }))); break;
    case 'session': await tx.insert(sessionAudit).values(rows.map((r) => ({ sessionId: subjectId, ...r }))); break;
  }
  return { seq, hash: prevHash };
}

/** One stored entry, as verification reads it. */
export interface StoredEntry {
  seq: number; eventSeq: number; at: string; actor: string | null; institution: string | null; action: string;
  data: Record<string, unknown>; hash: string; prevHash: string; scheme: number; projection: Record<string, unknown> | null;
  seals: Record<string, string> | null;
}

/**
 * Runs `read` on one snapshot of the database, so a trail and the projection it is checked
 * against are seen at the same moment, whatever is being recorded meanwhile.
 */
export function oneSnapshot<T>(db: Db, read: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction((tx) => read(tx as unknown as Db), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

export async function readEntries(db: Db, trail: Trail, subjectId: string): Promise<StoredEntry[]> {
  const a = trail.table;
  const rows = await db.select({
    seq: a.seq, eventSeq: a.eventSeq, at: a.at, actor: a.actor, institution: a.institution, action: a.action, data: a.data,
    hash: a.hash, prevHash: a.prevHash, scheme: a.scheme, projection: a.projection, seals: a.seals,
  }).from(a).where(ofSubject(trail, subjectId)).orderBy(asc(a.seq));
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}

/**
 * Heads kept outside the trail. `checkpoint.head` is null when the checkpoint does not list the
 * subject (its trail began after it was written).
 */
export interface Anchors {
  workflow?: AuditHead | null;
  checkpoint?: { at: string; head: AuditHead | null } | null;
}

/** Recomputes the chain of a trail and checks its head against the anchors given. */
export function verifyChain(key: AuditKey, trail: Trail, subjectId: string, entries: StoredEntry[], anchors: Anchors = {}): AuditProblem[] {
  const problems: AuditProblem[] = [];
  let prev = genesis;
  let expected = 1;
  let keyed = false;
  const sealedAt = anchors.checkpoint ? (anchors.checkpoint.head?.seq ?? 0) : null;
  for (const e of entries) {
    if (e.seq !== expected) {
      problems.push(e.seq > expected
        ? { seq: expected, field: 'seq', message: `Falta la entrada ${expected}${e.seq > expected + 1 ? ` (y hasta la ${e.seq - 1})` : ''}: el registro salta de la ${expected - 1} a la ${e.seq}.` }
        : { seq: e.seq, field: 'seq', message: `La entrada ${e.seq} está fuera de orden: se esperaba la ${expected}.` });
    }
    expected = e.seq + 1;
    if (e.prevHash !== prev) {
      problems.push({ seq: e.seq, field: 'prev_hash', message: `La entrada ${e.seq} no enlaza con la anterior: su «prev_hash» no es el sello de la entrada ${e.seq - 1}.` });
    }
    if (e.scheme === currentScheme) {
      keyed = true;
      const stored: Sealed = {
        seq: e.seq, eventSeq: e.eventSeq, at: e.at, actor: e.actor, institution: e.institution, action: e.action,
        data: e.data, projection: e.projection, prevHash: e.prevHash,
      };
      if (sealOf(key, trail, subjectId, stored) !== e.hash) problems.push(brokenSeal(key, trail, subjectId, e, stored));
    } else if (e.scheme === 1) {
      if (keyed) {
        problems.push({ seq: e.seq, field: 'scheme', message: `La entrada ${e.seq} dice usar el esquema anterior (SHA-256 sin clave) después de entradas selladas con clave: ninguna entrada nueva se escribe así.` });
      } else if (sealedAt !== null && e.seq > sealedAt) {
        problems.push({ seq: e.seq, field: 'scheme', message: `La entrada ${e.seq} dice usar el esquema anterior (SHA-256 sin clave), pero es posterior a lo que sella el punto de control del ${anchors.checkpoint!.at}: no pudo escribirse así.` });
      } else if (legacyHashOf(prev, { seq: e.seq, at: e.at, actor: e.actor, institution: e.institution, action: e.action, data: e.data }) !== e.hash) {
        problems.push({ seq: e.seq, field: 'hash', message: `La entrada ${e.seq} («${e.action}») no corresponde a su hash (esquema anterior, SHA-256): alguno de sus campos fue modificado.` });
      }
    } else {
      problems.push({ seq: e.seq, field: 'scheme', message: `La entrada ${e.seq} tiene un esquema de sellado desconocido (${e.scheme}).` });
    }
    prev = e.hash;
  }
  const anchored: Array<[string, AuditHead | null | undefined]> = [
    ['el workflow en ejecución', anchors.workflow],
    [`el punto de control firmado del ${anchors.checkpoint?.at ?? ''}`, anchors.checkpoint?.head],
  ];
  for (const [source, head] of anchored) {
    if (!head) continue;
    const entry = entries.find((e) => e.seq === head.seq);
    if (!entry) {
      problems.push({ seq: head.seq, field: 'seq', message: `Falta la entrada ${head.seq}: según ${source}, el registro llegaba al menos hasta ella (sello ${head.hash.slice(0, 12)}…).` });
    } else if (entry.hash !== head.hash) {
      problems.push({ seq: head.seq, field: 'hash', message: `La entrada ${head.seq} no es la que registró ${source}: su sello cambió (${head.hash.slice(0, 12)}… → ${entry.hash.slice(0, 12)}…).` });
    }
  }
  return problems;
}

/**
 * What broke in an entry whose seal does not hold: the columns whose own seals no longer match,
 * when only some do; otherwise the seal itself was replaced or the entry belongs elsewhere.
 */
function brokenSeal(key: AuditKey, trail: Trail, subjectId: string, e: StoredEntry, stored: Sealed): AuditProblem {
  const expected = columnSeals(key, trail, subjectId, e.hash, stored);
  const changed = e.seals ? Object.keys(expected).filter((column) => e.seals![column] !== expected[column]) : [];
  if (changed.length > 0 && changed.length < sealedColumns.length) {
    const list = changed.map((c) => `«${c}»`).join(', ');
    return {
      seq: e.seq, field: changed[0]!,
      message: `La entrada ${e.seq} («${e.action}») fue modificada después de sellada: ${changed.length === 1 ? `su campo ${list} no es el que se registró` : `sus campos ${list} no son los que se registraron`}.`,
    };
  }
  return {
    seq: e.seq, field: 'hash',
    message: `La entrada ${e.seq} («${e.action}») no corresponde a su sello: su sello fue reemplazado o recalculado sin la clave, o la entrada no pertenece a ${trail.noun} ${subjectId}.`,
  };
}

/** The entries as the API shows them. */
export const eventsOf = (entries: StoredEntry[]) => entries.map((e) => ({
  seq: e.seq, at: e.at, actor: e.actor, institution: e.institution, action: e.action, data: e.data, hash: e.hash, prevHash: e.prevHash,
}));

/** Every trail's head, in one query: what a checkpoint seals. */
export async function allHeads(db: Db, trail: Trail): Promise<Array<{ id: string; seq: number; hash: string }>> {
  return db.selectDistinctOn([trail.subject], { id: trail.subject, seq: trail.table.seq, hash: trail.table.hash })
    .from(trail.table).orderBy(trail.subject, desc(trail.table.seq));
}

/**
 * A trail verified: its chain recomputed with the key, its head checked against the anchors
 * given, and the projection (checked by `checkProjection`, db/audit-projection.ts) against what
 * the trail says it wrote; trail and projection read in one snapshot.
 */
export async function verifyTrail(
  db: Db, key: AuditKey, trail: Trail, subjectId: string,
  checkProjection: (tx: Db, subjectId: string, entries: StoredEntry[]) => Promise<AuditProblem[]>, anchors: Anchors = {},
) {
  const { entries, projection } = await oneSnapshot(db, async (tx) => {
    const read = await readEntries(tx, trail, subjectId);
    return { entries: read, projection: await checkProjection(tx, subjectId, read) };
  });
  const problems = [...verifyChain(key, trail, subjectId, entries, anchors), ...projection];
  const last = entries.at(-1);
  return { events: eventsOf(entries), verified: problems.length === 0, problems, head: last ? { seq: last.seq, hash: last.hash } : null };
}
