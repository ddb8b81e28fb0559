// Accounts beyond signing in: the people of each institution as the secretariat manages them,
// each user's sessions, one-time links to set a password, and the record of account events.
// Hashing and tokens are made in api/auth.ts; this file only stores and finds.
import { and, desc, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { AccountEventKind, Designation } from '../domain/accounts';
import type { InstitutionKind } from '../domain/vocabulary';
import type { Db } from './client';
import { deliveryId, messageIdOf } from './deliveries';
import { accountEvents, deliveries, institutions, passwordLinks, tokens, users } from './schema';

export interface AccountView {
  id: string;
  name: string;
  email: string;
  institution: { code: string; name: string; kind: InstitutionKind };
  designation: Designation;
  active: boolean;
  admin: boolean;
  createdAt: string;
}

const accountColumns = {
  id: users.id, name: users.name, email: users.email, designation: users.designation, active: users.active, admin: users.admin,
  createdAt: users.createdAt, code: institutions.code, institutionName: institutions.name, kind: institutions.kind,
};

type AccountRow = { [K in keyof typeof accountColumns]: (typeof accountColumns)[K]['_']['data'] };

const toAccount = (r: AccountRow): AccountView => ({
  id: r.id, name: r.name, email: r.email, institution: { code: r.code, name: r.institutionName, kind: r.kind },
  designation: r.designation, active: r.active, admin: r.admin, createdAt: r.createdAt.toISOString(),
});

const accounts = (db: Db) => db.select(accountColumns).from(users).innerJoin(institutions, eq(institutions.id, users.institutionId));

/** Every user, by institution and name. */
export async function listAccounts(db: Db): Promise<AccountView[]> {
  const rows = await accounts(db).orderBy(institutions.name, users.name);
  return rows.map(toAccount);
}

export async function getAccount(db: Db, id: string): Promise<AccountView | null> {
  const [row] = await accounts(db).where(eq(users.id, id));
  return row ? toAccount(row) : null;
}

export async function recordAccountEvent(db: Db, e: { userId: string; actorId: string | null; kind: AccountEventKind; details?: Record<string, unknown> }): Promise<void> {
  await db.insert(accountEvents).values({ userId: e.userId, actorId: e.actorId, kind: e.kind, details: e.details ?? {} });
}

export interface AccountEventView {
  kind: AccountEventKind;
  at: string;
  user: { id: string; name: string; email: string };
  actor: { id: string; name: string } | null;
  details: Record<string, unknown>;
}

/** The newest account events first: who did what to which account, and when. */
export async function listAccountEvents(db: Db, limit: number, userId?: string): Promise<AccountEventView[]> {
  const actors = sql`(select name from users a where a.id = ${accountEvents.actorId})`;
  const rows = await db.select({
    kind: accountEvents.kind, at: accountEvents.at, details: accountEvents.details, actorId: accountEvents.actorId, actorName: sql<string | null>`${actors}`,
    userId: users.id, name: users.name, email: users.email,
  }).from(accountEvents).innerJoin(users, eq(users.id, accountEvents.userId)).where(userId ? eq(accountEvents.userId, userId) : undefined)
    .orderBy(desc(accountEvents.id)).limit(limit);
  return rows.map((r) => ({
    kind: r.kind, at: r.at.toISOString(), details: r.details, user: { id: r.userId, name: r.name, email: r.email },
    actor: r.actorId ? { id: r.actorId, name: r.actorName ?? r.actorId } : null,
  }));
}

export interface NewAccount {
  id: string; email: string; name: string; institutionId: string; designation: Designation; passwordHash: string;
}

/** False when the email already has an account. */
export async function insertAccount(db: Db, a: NewAccount, actorId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.insert(users).values({ ...a, email: a.email.trim().toLowerCase() }).onConflictDoNothing().returning({ id: users.id });
    if (rows.length === 0) return false;
    await recordAccountEvent(tx, { userId: a.id, actorId, kind: 'cuenta_creada', details: { institution: a.institutionId, designation: a.designation } });
    return true;
  });
}

export interface AccountChanges { name?: string; institutionId?: string; designation?: Designation; active?: boolean }

/**
 * Applies the secretariat's changes and records each as an event, in one transaction. A
 * deactivated account loses its sessions and its password links at once.
 */
export async function changeAccount(db: Db, id: string, changes: AccountChanges, actorId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.id, id)).for('update');
    if (!before) return false;
    const set = Object.fromEntries(Object.entries(changes).filter(([k, v]) => v !== undefined && before[k as keyof typeof before] !== v)) as AccountChanges;
    if (Object.keys(set).length === 0) return true;
    await tx.update(users).set(set).where(eq(users.id, id));
    const event = (kind: AccountEventKind, from: unknown, to: unknown) => recordAccountEvent(tx, { userId: id, actorId, kind, details: { from, to } });
    if (set.name !== undefined) await event('nombre_cambiado', before.name, set.name);
    if (set.institutionId !== undefined) await event('institucion_cambiada', before.institutionId, set.institutionId);
    if (set.designation !== undefined) await event('designacion_cambiada', before.designation, set.designation);
    if (set.active !== undefined) await event(set.active ? 'cuenta_reactivada' : 'cuenta_desactivada', before.active, set.active);
    if (set.active === false) {
      await tx.delete(tokens).where(eq(tokens.userId, id));
      await tx.delete(passwordLinks).where(eq(passwordLinks.userId, id));
    }
    return true;
  });
}

// ---- sessions ------------------------------------------------------------------------------

export interface SessionView { id: string; createdAt: string; expiresAt: string; lastUsedAt: string | null; userAgent: string | null; address: string | null; current: boolean }

export async function listSessions(db: Db, userId: string, currentHash: string): Promise<SessionView[]> {
  const rows = await db.select().from(tokens).where(and(eq(tokens.userId, userId), gt(tokens.expiresAt, sql`now()`))).orderBy(desc(tokens.createdAt));
  return rows.map((r) => ({
    id: r.id, createdAt: r.createdAt.toISOString(), expiresAt: r.expiresAt.toISOString(), lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    userAgent: r.userAgent, address: r.address, current: r.hash === currentHash,
  }));
}

/** Ends one of the user's sessions; false when the user has none by that id. */
export async function endSession(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db.delete(tokens).where(and(eq(tokens.userId, userId), eq(tokens.id, id))).returning({ id: tokens.id });
  return rows.length === 1;
}

/** Ends every session of the user but the one kept (none when `keepHash` is null); how many ended. */
export async function endSessions(db: Db, userId: string, keepHash: string | null): Promise<number> {
  const rows = await db.delete(tokens).where(and(eq(tokens.userId, userId), keepHash ? ne(tokens.hash, keepHash) : undefined)).returning({ id: tokens.id });
  return rows.length;
}

/** Whether a session's last use is due to be written again: at most once a minute, so that reads stay reads. */
export const lastUseDue = or(isNull(tokens.lastUsedAt), lt(tokens.lastUsedAt, sql`now() - interval '1 minute'`))!;

/** A session's last use, when it is due (lastUseDue). */
export async function touchSession(db: Db, hash: string): Promise<void> {
  await db.update(tokens).set({ lastUsedAt: sql`now()` }).where(and(eq(tokens.hash, hash), lastUseDue));
}

// ---- passwords -------------------------------------------------------------------------------

/**
 * A new password: every session of the user ends but the one kept, and every link to set a
 * password stops working. Recorded as an event.
 */
export async function replacePassword(db: Db, userId: string, passwordHash: string, o: { keepHash: string | null; kind: AccountEventKind }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    await endSessions(tx, userId, o.keepHash);
    await tx.delete(passwordLinks).where(eq(passwordLinks.userId, userId));
    await recordAccountEvent(tx, { userId, actorId: o.keepHash ? userId : null, kind: o.kind });
  });
}

export interface AccessMail { key: string; to: string; institution: string; subject: string; text: string; html: string }

/**
 * A one-time link for an active user, replacing any older one, and the email that carries it,
 * written as a delivery in the same transaction: the delivery workflow sends it (and retries it)
 * like every other message. Returns the delivery's key, or null for an unknown or inactive user.
 */
export async function issuePasswordLink(db: Db, userId: string, link: { hash: string; expiresAt: Date }, mail: (to: { email: string; name: string; institution: string }) => AccessMail, actorId: string | null): Promise<string | null> {
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ email: users.email, name: users.name, code: institutions.code, active: users.active }).from(users)
      .innerJoin(institutions, eq(institutions.id, users.institutionId)).where(eq(users.id, userId)).for('update', { of: users });
    if (!user?.active) return null;
    await tx.delete(passwordLinks).where(eq(passwordLinks.userId, userId));
    await tx.insert(passwordLinks).values({ hash: link.hash, userId, expiresAt: link.expiresAt });
    const m = mail({ email: user.email, name: user.name, institution: user.code });
    const id = deliveryId(m.key, 'email', m.to);
    await tx.insert(deliveries).values({
      id, key: m.key, channel: 'email', recipient: m.to, institution: m.institution, kind: 'acceso', subject: m.subject, text: m.text, html: m.html,
      messageId: messageIdOf(id, 'email'),
    });
    await recordAccountEvent(tx, { userId, actorId, kind: 'enlace_enviado' });
    return m.key;
  });
}

/** The user a link is for, taking the link (single use); null when it is unknown, used, replaced or expired. */
export async function takePasswordLink(db: Db, hash: string): Promise<{ userId: string; email: string } | null> {
  return db.transaction(async (tx) => {
    const [link] = await tx.delete(passwordLinks).where(and(eq(passwordLinks.hash, hash), gt(passwordLinks.expiresAt, sql`now()`)))
      .returning({ userId: passwordLinks.userId });
    if (!link) return null;
    const [user] = await tx.select({ email: users.email, active: users.active }).from(users).where(eq(users.id, link.userId));
    return user?.active ? { userId: link.userId, email: user.email } : null;
  });
}

/** Whose a link is while it still works, without taking it: the new password is checked first. */
export async function passwordLinkOwner(db: Db, hash: string): Promise<{ email: string } | null> {
  const [row] = await db.select({ email: users.email }).from(passwordLinks).innerJoin(users, eq(users.id, passwordLinks.userId))
    .where(and(eq(passwordLinks.hash, hash), gt(passwordLinks.expiresAt, sql`now()`), eq(users.active, true)));
  return row ?? null;
}
