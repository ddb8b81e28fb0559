// Users, their bearer tokens and idempotent answers. Hashing happens in api/auth.ts; this file
// only stores and finds.
import { and, eq, gt, sql } from 'drizzle-orm';
import type { NotificationMode } from '../domain/notices';
import type { InstitutionKind } from '../domain/vocabulary';
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

export async function findUserByEmail(db: Db, email: string) {
  const [row] = await db.select(userColumns).from(users)
    .innerJoin(institutions, eq(institutions.id, users.institutionId))
    .where(eq(users.email, email.trim().toLowerCase()));
  return row ? { user: toView(row), passwordHash: row.passwordHash } : null;
}

export async function insertToken(db: Db, hash: string, userId: string, expiresAt: Date): Promise<void> {
  await db.insert(tokens).values({ hash, userId, expiresAt });
}

export async function findUserByTokenHash(db: Db, hash: string): Promise<UserView | null> {
  const [row] = await db.select(userColumns).from(tokens)
    .innerJoin(users, eq(users.id, tokens.userId))
    .innerJoin(institutions, eq(institutions.id, users.institutionId))
    .where(and(eq(tokens.hash, hash), gt(tokens.expiresAt, sql`now()`)));
  return row ? toView(row) : null;
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

export async function saveIdempotentAnswer(
  db: Db, a: { userId: string; route: string; key: string; requestHash: string; statusCode: number; response: unknown },
): Promise<void> {
  await db.insert(idempotencyKeys).values(a).onConflictDoNothing();
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
