// Users, their bearer tokens and idempotent answers. Hashing happens in api/auth.ts; this file
// only stores and finds.
import { and, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { NotificationMode } from '../domain/notices';
import type { InstitutionKind } from '../domain/vocabulary';
import { lastUseDue } from './accounts';
import type { Db } from './client';
import { idempotencyKeys, institutions, tokens, users } from './schema';

export interface UserView {
  id: string;
  name: string;
  email: string;
  institution: { id: string; code: string; name: string; kind: InstitutionKind };
  roles: string[];
}

const userColumns = {
  id: users.id, name: users.name, email: users.email, admin: users.admin, passwordHash: users.passwordHash,
  institutionId: institutions.id, code: institutions.code, institutionName: institutions.name, kind: institutions.kind,
};

type UserRow = { [K in keyof typeof userColumns]: (typeof userColumns)[K]['_']['data'] };

function toView(r: UserRow): UserView {
  return {
    id: r.id, name: r.name, email: r.email,
    institution: { id: r.institutionId, code: r.code, name: r.institutionName, kind: r.kind },
    roles: r.admin ? [r.kind, 'admin'] : [r.kind],
  };
}

/** An active user by email; a deactivated one is not found, so it cannot sign in. */
export async function findUserByEmail(db: Db, email: string) {
  const [row] = await db.select(userColumns).from(users)
    .innerJoin(institutions, eq(institutions.id, users.institutionId))
    .where(and(eq(users.email, email.trim().toLowerCase()), eq(users.active, true)));
  return row ? { user: toView(row), passwordHash: row.passwordHash } : null;
}

/** A password hashed again with today's parameters, at a successful login. */
export async function updatePasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

/** Demo users get a password hash no password matches, and lose their sessions. */
export async function lockDemoUserPasswords(db: Db): Promise<void> {
  const demo = db.select({ id: users.id }).from(users).where(eq(users.demo, true));
  await db.delete(tokens).where(inArray(tokens.userId, demo));
  await db.update(users).set({ passwordHash: 'bloqueado' }).where(eq(users.demo, true));
}

/** A new session; what the sessions list shows of it (browser, address) when the login said. */
export async function insertToken(db: Db, hash: string, userId: string, expiresAt: Date, seen: { userAgent?: string | null; address?: string | null } = {}): Promise<void> {
  await db.insert(tokens).values({ hash, userId, expiresAt, userAgent: seen.userAgent?.slice(0, 300) ?? null, address: seen.address ?? null });
}

/**
 * The user of a session that has not expired, and whether the session's last use is due to be
 * written (read in the same query, so that most requests need no write and no second query).
 */
export async function findUserByTokenHash(db: Db, hash: string): Promise<{ user: UserView; lastUseDue: boolean } | null> {
  const [row] = await db.select({ ...userColumns, lastUseDue: sql<boolean>`${lastUseDue}` }).from(tokens)
    .innerJoin(users, eq(users.id, tokens.userId))
    .innerJoin(institutions, eq(institutions.id, users.institutionId))
    .where(and(eq(tokens.hash, hash), gt(tokens.expiresAt, sql`now()`), eq(users.active, true)));
  return row ? { user: toView(row), lastUseDue: row.lastUseDue } : null;
}

export interface NewUser {
  id: string; email: string; name: string; institutionId: string; passwordHash: string; admin?: boolean; demo?: boolean;
}

/** Creates the user, or refreshes name, institution and password of the one with that email. */
export async function upsertUser(db: Db, u: NewUser): Promise<void> {
  await db.insert(users).values({ ...u, email: u.email.toLowerCase() }).onConflictDoUpdate({
    target: users.email,
    set: { name: u.name, institutionId: u.institutionId, passwordHash: u.passwordHash, admin: u.admin ?? false, demo: u.demo ?? false },
  });
}

export async function findIdempotentAnswer(db: Db, userId: string, route: string, key: string) {
  const [row] = await db.select().from(idempotencyKeys).where(and(
    eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.route, route), eq(idempotencyKeys.key, key),
  ));
  return row ?? null;
}

/** Status code of a key whose request is still running: reserved, no answer yet. */
export const pendingAnswer = 0;

interface KeyId { userId: string; route: string; key: string }

const keyIs = (k: KeyId) => and(eq(idempotencyKeys.userId, k.userId), eq(idempotencyKeys.route, k.route), eq(idempotencyKeys.key, k.key));

/** Claims the key before the action runs; false when another request already holds it. */
export async function reserveIdempotencyKey(db: Db, k: KeyId & { requestHash: string }): Promise<boolean> {
  const rows = await db.insert(idempotencyKeys).values({ ...k, statusCode: pendingAnswer, response: {} })
    .onConflictDoNothing().returning({ key: idempotencyKeys.key });
  return rows.length === 1;
}

/** A reservation left by a request that never finished (its process died) is taken over once it is this old. */
export async function takeOverStaleReservation(db: Db, k: KeyId, olderThan: Date): Promise<boolean> {
  const rows = await db.update(idempotencyKeys).set({ createdAt: new Date() })
    .where(and(keyIs(k), eq(idempotencyKeys.statusCode, pendingAnswer), lt(idempotencyKeys.createdAt, olderThan)))
    .returning({ key: idempotencyKeys.key });
  return rows.length === 1;
}

export async function saveIdempotentAnswer(db: Db, a: KeyId & { statusCode: number; response: unknown }): Promise<void> {
  await db.update(idempotencyKeys).set({ statusCode: a.statusCode, response: a.response }).where(keyIs(a));
}

/** The action failed without an answer to keep: the key is free again for a retry. */
export async function releaseIdempotencyKey(db: Db, k: KeyId): Promise<void> {
  await db.delete(idempotencyKeys).where(and(keyIs(k), eq(idempotencyKeys.statusCode, pendingAnswer)));
}

export async function getNotificationMode(db: Db, userId: string): Promise<NotificationMode> {
  const [row] = await db.select({ notifications: users.notifications }).from(users).where(eq(users.id, userId));
  return row?.notifications ?? 'inmediato';
}

export async function setNotificationMode(db: Db, userId: string, mode: NotificationMode): Promise<void> {
  await db.update(users).set({ notifications: mode }).where(eq(users.id, userId));
}

/** Logging out: the token stops working at once. */
export async function deleteToken(db: Db, hash: string): Promise<void> {
  await db.delete(tokens).where(eq(tokens.hash, hash));
}
