// The secretariat's drafts of proposals (docs/domain.md#borradores): saved, edited, discarded, and
// launched once. Every change of a draft is a conditional update on its status, so an edit, a
// discard and a launch racing each other leave it in one state, never a mix.
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { DraftStatus, ProposalDraft } from '../domain/proposal';
import type { Db } from './client';
import { proposalDrafts } from './schema';

export type DraftRow = typeof proposalDrafts.$inferSelect;

export async function createDraft(db: Db, d: { id: string; content: ProposalDraft; userId: string; at: Date }): Promise<DraftRow> {
  const [row] = await db.insert(proposalDrafts).values({
    id: d.id, content: d.content, status: 'borrador', createdBy: d.userId, updatedBy: d.userId, createdAt: d.at, updatedAt: d.at,
  }).onConflictDoNothing().returning();
  return row ?? (await getDraft(db, d.id))!;
}

export async function getDraft(db: Db, id: string): Promise<DraftRow | null> {
  const [row] = await db.select().from(proposalDrafts).where(eq(proposalDrafts.id, id));
  return row ?? null;
}

/** Drafts in these statuses, the most recently changed first. */
export function listDrafts(db: Db, statuses: readonly DraftStatus[]): Promise<DraftRow[]> {
  return db.select().from(proposalDrafts).where(inArray(proposalDrafts.status, [...statuses]))
    .orderBy(desc(proposalDrafts.updatedAt), desc(proposalDrafts.id)).limit(500);
}

/** Replaces what a draft holds, only while it is still a draft; null otherwise. */
export async function updateDraft(db: Db, id: string, content: ProposalDraft, userId: string, at: Date): Promise<DraftRow | null> {
  const [row] = await db.update(proposalDrafts).set({ content, updatedBy: userId, updatedAt: at })
    .where(and(eq(proposalDrafts.id, id), eq(proposalDrafts.status, 'borrador'))).returning();
  return row ?? null;
}

export async function discardDraft(db: Db, id: string, userId: string, at: Date): Promise<DraftRow | null> {
  const [row] = await db.update(proposalDrafts).set({ status: 'descartado', updatedBy: userId, updatedAt: at })
    .where(and(eq(proposalDrafts.id, id), eq(proposalDrafts.status, 'borrador'))).returning();
  return row ?? null;
}

/**
 * Fixes the proposal a draft becomes before its workflow starts: from here on it is read-only, and
 * any later attempt (a retry, a second click, another process after a crash) starts that one proposal.
 */
export async function beginLaunch(db: Db, id: string, proposalId: string, userId: string, at: Date): Promise<void> {
  await db.update(proposalDrafts).set({ status: 'lanzando', proposalId, updatedBy: userId, updatedAt: at })
    .where(and(eq(proposalDrafts.id, id), eq(proposalDrafts.status, 'borrador')));
}

/** The proposal is recorded: the draft says so, once. */
export async function markLaunched(db: Db, id: string, at: Date): Promise<void> {
  await db.update(proposalDrafts).set({ status: 'lanzado', launchedAt: at, updatedAt: at })
    .where(and(eq(proposalDrafts.id, id), eq(proposalDrafts.status, 'lanzando')));
}
