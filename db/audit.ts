// Append-only audit trails, one per proposal and one per task: each entry holds the hash of the
// one before it, so an edited or deleted entry breaks the chain. The same code serves both
// trails; they differ only in their table and the column that names the subject.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { canonicalJson } from '../domain/canonical-json';
import { rowsOf, type Db } from './client';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Trail { table: string; subject: string }
export const proposalTrail: Trail = { table: 'proposal_audit', subject: 'proposal_id' };
export const taskTrail: Trail = { table: 'task_audit', subject: 'task_id' };

export interface AuditEntry { seq: number; at: string; actor: string | null; institution: string | null; action: string; data: unknown }

const genesis = '0'.repeat(64);
const hashOf = (prevHash: string, e: AuditEntry) => createHash('sha256').update(`${prevHash}\n${canonicalJson(e)}`).digest('hex');


const t = (trail: Trail) => sql.identifier(trail.table);
const subject = (trail: Trail) => sql.identifier(trail.subject);

/** True when the workflow event `eventSeq` is already in the trail: a retried write. */
export async function audited(tx: Tx, trail: Trail, subjectId: string, eventSeq: number): Promise<boolean> {
  const rows = rowsOf(await tx.execute(sql`select 1 from ${t(trail)} where ${subject(trail)} = ${subjectId} and event_seq = ${eventSeq}`));
  return rows.length > 0;
}

/** Appends an entry after the last one. The caller holds a lock on the subject's row. */
export async function appendAudit(tx: Tx, trail: Trail, subjectId: string, eventSeq: number, e: Omit<AuditEntry, 'seq'>): Promise<void> {
  const [last] = rowsOf<{ seq: number; hash: string }>(await tx.execute(
    sql`select seq, hash from ${t(trail)} where ${subject(trail)} = ${subjectId} order by seq desc limit 1`,
  ));
  const entry: AuditEntry = { seq: (last?.seq ?? 0) + 1, ...e };
  const prevHash = last?.hash ?? genesis;
  await tx.execute(sql`insert into ${t(trail)} (${subject(trail)}, seq, event_seq, at, actor, institution, action, data, hash, prev_hash)
    values (${subjectId}, ${entry.seq}, ${eventSeq}, ${entry.at}, ${entry.actor}, ${entry.institution}, ${entry.action},
            ${JSON.stringify(entry.data)}::jsonb, ${hashOf(prevHash, entry)}, ${prevHash})`);
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
