// Append-only audit trails, one per proposal and one per task: each entry holds the hash of the
// one before it, so an edited or deleted entry breaks the chain. The same code serves both
// trails; they differ only in their table and the column that names the subject.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { canonicalJson } from '../domain/canonical-json';
import { rowsOf, type Db } from './client';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Trail { table: string; subject: string; owner: string }
export const proposalTrail: Trail = { table: 'proposal_audit', subject: 'proposal_id', owner: 'proposals' };
export const taskTrail: Trail = { table: 'task_audit', subject: 'task_id', owner: 'tasks' };

export interface AuditEntry { seq: number; at: string; actor: string | null; institution: string | null; action: string; data: unknown }

const genesis = '0'.repeat(64);
const hashOf = (prevHash: string, e: AuditEntry) => createHash('sha256').update(`${prevHash}\n${canonicalJson(e)}`).digest('hex');


const t = (trail: Trail) => sql.identifier(trail.table);
const subject = (trail: Trail) => sql.identifier(trail.subject);

/** Where a trail stands for one event: already holding it (a retried write), and its last entry. */
export interface TrailPosition { recorded: boolean; last: { seq: number; hash: string } | null }

/**
 * Locks the subject's row, so concurrent events take their places in the chain one by one, and
 * reads where its trail stands. Both statements go in one round trip: the server runs the read
 * after the lock is granted, with a fresh snapshot, so it sees every entry committed before.
 */
export async function lockTrail(tx: Tx, trail: Trail, subjectId: string, eventSeq: number): Promise<TrailPosition> {
  const [, position] = await Promise.all([
    tx.execute(sql`select 1 from ${sql.identifier(trail.owner)} where id = ${subjectId} for update`),
    tx.execute(sql`select exists (select 1 from ${t(trail)} where ${subject(trail)} = ${subjectId} and event_seq = ${eventSeq}) as recorded, last.seq, last.hash
      from (select 1) as here
      left join (select seq, hash from ${t(trail)} where ${subject(trail)} = ${subjectId} order by seq desc limit 1) as last on true`),
  ]);
  const [row] = rowsOf<{ recorded: boolean; seq: number | null; hash: string | null }>(position);
  return { recorded: row!.recorded, last: row!.seq === null ? null : { seq: row!.seq, hash: row!.hash! } };
}

/**
 * Appends the entries after `last` (from lockTrail, in the same transaction), chained in the
 * order given, in one statement.
 */
export async function appendAudit(
  tx: Tx, trail: Trail, subjectId: string, last: TrailPosition['last'], entries: Array<{ eventSeq: number; entry: Omit<AuditEntry, 'seq'> }>,
): Promise<void> {
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? genesis;
  const rows = entries.map(({ eventSeq, entry: e }) => {
    const entry: AuditEntry = { seq: ++seq, ...e };
    const hash = hashOf(prevHash, entry);
    const row = sql`(${subjectId}, ${entry.seq}, ${eventSeq}, ${entry.at}::timestamptz, ${entry.actor}, ${entry.institution}, ${entry.action},
      ${JSON.stringify(entry.data)}::jsonb, ${hash}, ${prevHash})`;
    prevHash = hash;
    return row;
  });
  if (rows.length === 0) return;
  await tx.execute(sql`insert into ${t(trail)} (${subject(trail)}, seq, event_seq, at, actor, institution, action, data, hash, prev_hash)
    values ${sql.join(rows, sql`, `)}`);
}

/** The trail with its chain recomputed from what is stored. */
export async function readAudit(db: Db, trail: Trail, subjectId: string) {
  const rows = rowsOf<{ seq: number; at: Date | string; actor: string | null; institution: string | null; action: string; data: unknown; hash: string; prev_hash: string }>(
    await db.execute(sql`select seq, at, actor, institution, action, data, hash, prev_hash from ${t(trail)} where ${subject(trail)} = ${subjectId} order by seq`),
  );
  let prev = genesis;
  let verified = true;
  const events = rows.map((r) => {
    const entry: AuditEntry = { seq: r.seq, at: new Date(r.at).toISOString(), actor: r.actor, institution: r.institution, action: r.action, data: r.data };
    if (r.prev_hash !== prev || hashOf(prev, entry) !== r.hash) verified = false;
    prev = r.hash;
    return { ...entry, hash: r.hash, prevHash: r.prev_hash };
  });
  return { events, verified };
}
