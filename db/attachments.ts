// Attached documents: the record of each attachment and of each download. The bytes are in the
// document store (engine/documents.ts), kept before the row that names them is written, so a row
// never points at bytes that are not there.
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from './client';
import { reachedConsultationSql } from './visibility';
import { attachmentDownloads, attachments, proposals } from './schema';

export type AttachmentRow = typeof attachments.$inferSelect;
export type NewAttachment = Omit<AttachmentRow, 'at'> & { at: Date };

/** Records the attachment once: the same file attached again to the same object by the same institution is the row already there. */
export async function recordAttachment(db: Db, row: NewAttachment): Promise<AttachmentRow> {
  await db.insert(attachments).values(row).onConflictDoNothing();
  const [kept] = await db.select().from(attachments).where(eq(attachments.id, row.id));
  return kept!;
}

/** A document with what decides who reads it: its proposal's status and whether it reached consultation. */
export async function getAttachment(db: Db, id: string) {
  const [row] = await db.select({
    attachment: attachments, status: proposals.status, reachedConsultation: reachedConsultationSql(proposals.id),
  }).from(attachments).innerJoin(proposals, eq(proposals.id, attachments.proposalId)).where(eq(attachments.id, id));
  return row ?? null;
}

/** A proposal's own documents (its versions' and inputs' included), or a task's, oldest first. */
export async function listAttachments(db: Db, of: { proposalId: string } | { taskId: string }) {
  const where = 'taskId' in of ? eq(attachments.taskId, of.taskId) : and(eq(attachments.proposalId, of.proposalId), isNull(attachments.taskId));
  return db.select().from(attachments).where(where).orderBy(asc(attachments.at), asc(attachments.id));
}

export async function recordDownload(db: Db, attachmentId: string, who: { userId: string; institution: string }, at = new Date()): Promise<void> {
  await db.insert(attachmentDownloads).values({ id: `dl_${randomBytes(12).toString('hex')}`, attachmentId, ...who, at });
}

/** Who downloaded a document, newest first. */
export async function listDownloads(db: Db, attachmentId: string) {
  return db.select().from(attachmentDownloads).where(eq(attachmentDownloads.attachmentId, attachmentId)).orderBy(desc(attachmentDownloads.at), desc(attachmentDownloads.id));
}
