// Signed checkpoints of every audit trail's head, kept outside the database: one file per
// checkpoint, never rewritten, in a folder of their own (the data folder on the embedded default,
// MESA_AUDIT_CHECKPOINT_DIR otherwise). Each file holds every trail's subject, last seq and last
// seal, signed with HMAC-SHA256 under MESA_AUDIT_KEY. Whoever rewrites the database cannot rewrite
// them, so a trail cut short or rewritten after a checkpoint no longer matches it. The folder
// should be one files can only be added to (`chattr +a`, a WORM or object-lock volume, a mount
// the database's operators cannot write).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../domain/canonical-json';
import { allHeads, proposalTrail, sessionTrail, taskTrail, type AuditHead, type AuditKey, type Trail } from './audit';
import type { Db } from './client';

/** Heads by subject: `proposal:<id>`, `task:<id>` or `session:<id>`, each [seq, hash]. */
export type Heads = Record<string, [number, string]>;

export interface Checkpoint { at: string; file: string; heads: Heads }

const prefix = 'sello-';
const signatureOf = (key: AuditKey, at: string, heads: Heads) => createHmac('sha256', key).update(canonicalJson({ at, heads })).digest('hex');

export const subjectKey = (trail: Trail, id: string) => `${trail.kind}:${id}`;

/** The head a checkpoint records for a subject, or null when the subject is not in it. */
export function headIn(checkpoint: Checkpoint, trail: Trail, id: string): AuditHead | null {
  const h = checkpoint.heads[subjectKey(trail, id)];
  return h ? { seq: h[0], hash: h[1] } : null;
}

export async function currentHeads(db: Db): Promise<Heads> {
  const heads: Heads = {};
  for (const trail of [proposalTrail, taskTrail, sessionTrail]) {
    for (const h of await allHeads(db, trail)) heads[subjectKey(trail, h.id)] = [h.seq, h.hash];
  }
  return heads;
}

/**
 * Writes a checkpoint of every head unless none moved since the newest valid one. The file is
 * created exclusively (never overwrites one), named by its time so names sort in time order.
 */
export async function writeCheckpoint(db: Db, key: AuditKey, dir: string, now = new Date()): Promise<{ written: boolean; heads: number }> {
  const heads = await currentHeads(db);
  const count = Object.keys(heads).length;
  const { latest } = await readCheckpoints(dir, key);
  if (latest && canonicalJson(latest.heads) === canonicalJson(heads)) return { written: false, heads: count };
  const at = now.toISOString();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = `${prefix}${at.replaceAll(':', '-')}.json`;
  await writeFile(join(dir, file), `${JSON.stringify({ at, heads, signature: signatureOf(key, at, heads) })}\n`, { flag: 'wx', mode: 0o444 });
  return { written: true, heads: count };
}

/** The name of the newest checkpoint file, valid or not: what tells a reader to read again. */
export async function newestCheckpointFile(dir: string): Promise<string | null> {
  return (await checkpointFiles(dir))[0] ?? null;
}

async function checkpointFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.startsWith(prefix) && n.endsWith('.json')).sort().reverse();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * The newest checkpoint whose signature holds, and the newer files that do not (forged or
 * altered: each one is a problem to report). A file cut short by a crash while being written is
 * only skipped.
 */
export async function readCheckpoints(dir: string, key: AuditKey): Promise<{ latest: Checkpoint | null; invalid: string[] }> {
  const names = await checkpointFiles(dir);
  const invalid: string[] = [];
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8');
    if (!text.endsWith('\n')) continue; // never finished
    let parsed: { at?: unknown; heads?: unknown; signature?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      invalid.push(name);
      continue;
    }
    const { at, heads, signature } = parsed;
    const expected = typeof at === 'string' && heads && typeof heads === 'object' ? Buffer.from(signatureOf(key, at, heads as Heads)) : null;
    if (!expected || typeof signature !== 'string' || signature.length !== expected.length || !timingSafeEqual(expected, Buffer.from(signature))) {
      invalid.push(name);
      continue;
    }
    return { latest: { at: at as string, file: name, heads: heads as Heads }, invalid };
  }
  return { latest: null, invalid };
}
