// Refused web forms between the POST and the GET that shows them again (post/redirect/get): the
// address bar then holds the page's own address, and reloading it sends nothing twice.
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from './client';
import { webFormStates } from './schema';

export type KeptFormState = typeof webFormStates.$inferSelect['state'];

/** Kept for an hour: long enough to read and correct the form, short enough to hold nothing stale. */
const lifetime = sql`interval '1 hour'`;

export async function keepFormState(db: Db, userId: string, form: string, state: KeptFormState): Promise<string> {
  const id = crypto.randomUUID();
  await db.delete(webFormStates).where(lt(webFormStates.createdAt, sql`now() - ${lifetime}`));
  await db.insert(webFormStates).values({ id, userId, form, state });
  return id;
}

/** The form state kept under this id for this user, or null (another user's, expired, or unknown). */
export async function keptFormState(db: Db, userId: string, id: string): Promise<{ form: string; state: KeptFormState } | null> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return null;
  const [row] = await db.select().from(webFormStates)
    .where(and(eq(webFormStates.id, id), eq(webFormStates.userId, userId), sql`${webFormStates.createdAt} > now() - ${lifetime}`));
  return row ? { form: row.form, state: row.state } : null;
}
