// The in-app inbox: what each institution was told.
import { desc, eq } from 'drizzle-orm';
import type { Notification } from '../domain/events';
import type { Db } from './client';
import { inboxItems } from './schema';

/** One row per notification and recipient; a retried delivery finds its row and adds nothing. */
export async function deliverToInbox(db: Db, n: Notification, at: Date): Promise<void> {
  if (n.recipients.length === 0) return;
  await db.insert(inboxItems).values(n.recipients.map((institution) => ({
    id: `${n.key}:${institution}`, institution, at, kind: n.kind, title: n.title,
    proposalId: n.proposalId ?? null, taskId: n.taskId ?? null,
  }))).onConflictDoNothing();
}

export async function listInbox(db: Db, institution: string, limit = 200) {
  const rows = await db.select().from(inboxItems).where(eq(inboxItems.institution, institution))
    .orderBy(desc(inboxItems.at), desc(inboxItems.id)).limit(limit);
  return rows.map((r) => ({
    id: r.id, at: r.at.toISOString(), kind: r.kind, title: r.title, read: r.read,
    ...(r.proposalId ? { proposalId: r.proposalId } : {}), ...(r.taskId ? { taskId: r.taskId } : {}),
  }));
}
