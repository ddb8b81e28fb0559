// How each institution is reached outside the app: its titular and alterno contacts and its
// webhook. The secretariat edits them; demo mode fills them with the demo addresses.
import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { contacts, institutions } from './schema';

export interface ContactsInput {
  titular: { name: string; email: string };
  alterno: { name: string; email: string } | null;
  webhook: { url: string; secret: string } | null;
}

export interface ContactsView {
  institution: string;
  titular: { name: string; email: string } | null;
  alterno: { name: string; email: string } | null;
  /** The secret is never shown: only whether one is set. */
  webhook: { url: string; secretSet: boolean } | null;
  updatedAt: string | null;
}

export async function getContacts(db: Db, institution: string): Promise<ContactsView> {
  const [c] = await db.select().from(contacts).where(eq(contacts.institution, institution));
  return {
    institution,
    titular: c ? { name: c.titularName, email: c.titularEmail } : null,
    alterno: c?.alternoEmail ? { name: c.alternoName ?? '', email: c.alternoEmail } : null,
    webhook: c?.webhookUrl ? { url: c.webhookUrl, secretSet: Boolean(c.webhookSecret) } : null,
    updatedAt: c ? c.updatedAt.toISOString() : null,
  };
}

/** Where the institution's webhook posts and the secret that signs each post; null when it has none. */
export async function webhookOf(db: Db, institution: string): Promise<{ url: string; secret: string } | null> {
  const [c] = await db.select({ url: contacts.webhookUrl, secret: contacts.webhookSecret }).from(contacts).where(eq(contacts.institution, institution));
  return c?.url && c.secret ? { url: c.url, secret: c.secret } : null;
}

/** Replaces the institution's contacts (a PUT): what is left out is removed. */
export async function setContacts(db: Db, institution: string, input: ContactsInput, at = new Date()): Promise<void> {
  const row = {
    titularName: input.titular.name, titularEmail: input.titular.email,
    alternoName: input.alterno?.name ?? null, alternoEmail: input.alterno?.email ?? null,
    webhookUrl: input.webhook?.url ?? null, webhookSecret: input.webhook?.secret ?? null,
    updatedAt: at,
  };
  await db.insert(contacts).values({ institution, ...row }).onConflictDoUpdate({ target: contacts.institution, set: row });
}

/**
 * Replaces the titular and alterno, keeping the webhook. An institution without contacts yet gets
 * its first row here.
 */
export async function setContactPeople(db: Db, institution: string, people: Pick<ContactsInput, 'titular' | 'alterno'>, at = new Date()): Promise<void> {
  const row = {
    titularName: people.titular.name, titularEmail: people.titular.email,
    alternoName: people.alterno?.name ?? null, alternoEmail: people.alterno?.email ?? null, updatedAt: at,
  };
  await db.insert(contacts).values({ institution, ...row }).onConflictDoUpdate({ target: contacts.institution, set: row });
}

/**
 * Points the webhook at `url`. `secret` replaces the signing key (a new webhook, or a rotation);
 * without it the key stays. False when the institution has no contacts row (no titular yet).
 */
export async function setWebhook(db: Db, institution: string, change: { url?: string | null; secret?: string }, at = new Date()): Promise<boolean> {
  const set = {
    ...(change.url !== undefined ? { webhookUrl: change.url } : {}),
    // Removing the webhook removes its key: a new one always starts with a new key.
    ...(change.url === null ? { webhookSecret: null } : change.secret ? { webhookSecret: change.secret } : {}),
    updatedAt: at,
  };
  const rows = await db.update(contacts).set(set).where(eq(contacts.institution, institution)).returning({ institution: contacts.institution });
  return rows.length > 0;
}

/** Demo contacts: the titular is the demo user's address; never overwrites an edited one. */
export async function ensureDemoContacts(db: Db, codes: string[], emailOf: (code: string) => string): Promise<void> {
  const rows = codes.map((code) => ({
    institution: code,
    titularName: `Contacto titular — ${code}`, titularEmail: emailOf(code),
    alternoName: `Contacto alterno — ${code}`, alternoEmail: `alterno.${emailOf(code)}`,
  }));
  if (rows.length) await db.insert(contacts).values(rows).onConflictDoNothing();
}

export async function institutionExists(db: Db, code: string): Promise<boolean> {
  const [row] = await db.select({ code: institutions.code }).from(institutions).where(eq(institutions.code, code));
  return Boolean(row);
}
