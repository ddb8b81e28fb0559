// Loads the Mesa's registry from its editable seed file. Idempotent: every start upserts the
// same rows, so editing the file and restarting is how the secretariat's IT staff change it.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { and, eq, getTableColumns, gt, isNull, lte, or, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { GroupKind, InstitutionKind, Population } from '../domain/vocabulary';
import { civilSocietyCommission } from '../domain/registry-codes';
import type { Db } from './client';
import { groups, institutions, memberships } from './schema';

export interface RegistrySeed {
  institutions: Array<{
    code: string; name: string; kind: InstitutionKind; validFrom: string;
    validTo?: string; unconfirmed?: boolean; note?: string;
  }>;
  groups: Array<{
    code: string; kind: GroupKind; name: string; population?: Population; coordinator?: string;
    members: string[]; validFrom: string; validTo?: string; unconfirmed?: boolean;
  }>;
}

export const defaultSeedPath = fileURLToPath(new URL('./registry.seed.json', import.meta.url));

export const institutionId = (code: string) => `inst_${code.toLowerCase()}`;

export async function readRegistrySeed(path = defaultSeedPath): Promise<RegistrySeed> {
  return JSON.parse(await readFile(path, 'utf8')) as RegistrySeed;
}

/** The seed's member institutions in force, in code order: what tests and the bench sign with. */
export function seedMemberCodes(path = defaultSeedPath): string[] {
  const seed = JSON.parse(readFileSync(path, 'utf8')) as RegistrySeed;
  return seed.institutions.filter((i) => i.kind === 'miembro' && !i.validTo).map((i) => i.code).sort();
}

export async function loadRegistry(db: Db, seed: RegistrySeed): Promise<void> {
  const codes = new Set(seed.institutions.map((i) => i.code));
  for (const g of seed.groups) {
    for (const code of [...g.members, ...(g.coordinator ? [g.coordinator] : [])]) {
      if (!codes.has(code)) throw new Error(`Registro: el grupo ${g.code} nombra a «${code}», que no es una institución del registro.`);
    }
  }
  const institutionRows = seed.institutions.map((i) => ({
    id: institutionId(i.code), code: i.code, name: i.name, kind: i.kind,
    unconfirmed: i.unconfirmed ?? false, note: i.note ?? null,
    validFrom: i.validFrom, validTo: i.validTo ?? null,
  }));
  const groupRows = seed.groups.map((g) => ({
    code: g.code, kind: g.kind, name: g.name, population: g.population ?? null,
    coordinatorId: g.coordinator ? institutionId(g.coordinator) : null,
    unconfirmed: g.unconfirmed ?? false, validFrom: g.validFrom, validTo: g.validTo ?? null,
  }));
  const { id: _id, ...institutionColumns } = getTableColumns(institutions);
  const { code: _code, ...groupColumns } = getTableColumns(groups);
  // Each table in one statement, whatever the registry's size.
  await db.transaction(async (tx) => {
    await tx.insert(institutions).values(institutionRows).onConflictDoUpdate({ target: institutions.id, set: fromInserted(institutionColumns) });
    await tx.insert(groups).values(groupRows).onConflictDoUpdate({ target: groups.code, set: fromInserted(groupColumns) });
    // The seed lists a group's members as they stand; memberships it no longer lists are
    // closed (never deleted), so the history of who belonged when is kept.
    const open = await tx.select().from(memberships).where(isNull(memberships.validTo));
    const listed = new Set(seed.groups.flatMap((g) => g.members.map((code) => `${g.code}|${institutionId(code)}`)));
    const gone = open.filter((m) => !listed.has(`${m.groupCode}|${m.institutionId}`));
    if (gone.length) {
      await tx.update(memberships).set({ validTo: sql`current_date` }).where(and(isNull(memberships.validTo),
        or(...gone.map((m) => and(eq(memberships.groupCode, m.groupCode), eq(memberships.institutionId, m.institutionId))))));
    }
    const still = new Set(open.map((m) => `${m.groupCode}|${m.institutionId}`));
    const added = seed.groups.flatMap((g) => [...new Set(g.members.map(institutionId))]
      .filter((id) => !still.has(`${g.code}|${id}`))
      .map((id) => ({ groupCode: g.code, institutionId: id, unconfirmed: g.unconfirmed ?? false, validFrom: g.validFrom, validTo: null })));
    if (added.length) {
      await tx.insert(memberships).values(added).onConflictDoUpdate({
        target: [memberships.groupCode, memberships.institutionId, memberships.validFrom],
        set: { validTo: null },
      });
    }
  });
}

/** On a conflict, every one of these columns takes the value of the row being inserted. */
const fromInserted = (columns: Record<string, AnyPgColumn>) =>
  Object.fromEntries(Object.entries(columns).map(([key, column]) => [key, sql`excluded.${sql.identifier(column.name)}`]));

/** Rows valid today: validFrom ≤ today < validTo (validTo is the first day it no longer holds). */
export const activeInstitution = and(
  lte(institutions.validFrom, sql`current_date`),
  or(isNull(institutions.validTo), gt(institutions.validTo, sql`current_date`)),
);
export const activeMembership = and(
  lte(memberships.validFrom, sql`current_date`),
  or(isNull(memberships.validTo), gt(memberships.validTo, sql`current_date`)),
);

export interface InstitutionView {
  id: string; code: string; name: string; kind: InstitutionKind;
  workingGroups: string[]; commissions: string[]; active: boolean; unconfirmed: boolean;
}

export async function listInstitutions(db: Db): Promise<InstitutionView[]> {
  const [rows, links] = await Promise.all([
    db.select({
      id: institutions.id, code: institutions.code, name: institutions.name, kind: institutions.kind,
      unconfirmed: institutions.unconfirmed, active: sql<boolean>`coalesce(${activeInstitution}, false)`,
    }).from(institutions).orderBy(institutions.kind, institutions.code),
    db.select({ institutionId: memberships.institutionId, code: groups.code, kind: groups.kind })
      .from(memberships).innerJoin(groups, eq(groups.code, memberships.groupCode))
      .where(activeMembership).orderBy(groups.code),
  ]);
  return rows.map((r) => ({
    ...r,
    workingGroups: links.filter((l) => l.institutionId === r.id && l.kind === 'grupo_de_trabajo').map((l) => l.code),
    commissions: links.filter((l) => l.institutionId === r.id && l.kind === 'comision').map((l) => l.code),
  }));
}

export interface GroupView {
  code: string; name: string; population: string | null; coordinator: string | null;
  members: string[]; unconfirmed: boolean;
}

export async function listGroups(db: Db, kind: GroupKind): Promise<GroupView[]> {
  const [rows, links] = await Promise.all([
    db.select({
      code: groups.code, name: groups.name, population: groups.population,
      coordinator: institutions.code, unconfirmed: groups.unconfirmed,
    }).from(groups).leftJoin(institutions, eq(institutions.id, groups.coordinatorId))
      .where(eq(groups.kind, kind)).orderBy(groups.code),
    db.select({ groupCode: memberships.groupCode, code: institutions.code })
      .from(memberships).innerJoin(institutions, eq(institutions.id, memberships.institutionId))
      .where(activeMembership).orderBy(institutions.code),
  ]);
  return rows.map((g) => ({ ...g, members: links.filter((l) => l.groupCode === g.code).map((l) => l.code) }));
}

/** The registry as the launch rules need it (domain/proposal.ts). */
export async function registryView(db: Db) {
  const [gts, members] = await Promise.all([
    db.select({ code: groups.code }).from(groups).where(eq(groups.kind, 'grupo_de_trabajo')),
    db.select({ code: institutions.code }).from(institutions).where(and(eq(institutions.kind, 'miembro'), activeInstitution)),
  ]);
  return { workingGroups: new Set(gts.map((g) => g.code)), members: new Set(members.map((m) => m.code)) };
}

/** Who takes part in a proposal, as the workflow needs to know at each stage. */
export async function proposalParticipants(db: Db, p: { leadWorkingGroup: string; workingGroups: string[] }) {
  const [all, links] = await Promise.all([
    db.select({ code: institutions.code, kind: institutions.kind }).from(institutions).where(activeInstitution).orderBy(institutions.code),
    db.select({ groupCode: memberships.groupCode, code: institutions.code }).from(memberships)
      .innerJoin(institutions, eq(institutions.id, memberships.institutionId)).where(activeMembership),
  ]);
  const [lead] = await db.select({ coordinator: institutions.code }).from(groups)
    .leftJoin(institutions, eq(institutions.id, groups.coordinatorId)).where(eq(groups.code, p.leadWorkingGroup));
  const of = (kind: InstitutionKind) => all.filter((i) => i.kind === kind).map((i) => i.code);
  const inGroups = new Set([p.leadWorkingGroup, ...p.workingGroups]);
  const oscCommission = new Set(links.filter((l) => l.groupCode === civilSocietyCommission).map((l) => l.code));
  return {
    members: of('miembro'),
    // OSC take part through the commission with civil society.
    oscs: of('osc').filter((c) => oscCommission.has(c)),
    observers: of('observador'),
    support: of('apoyo'),
    secretariat: of('secretaria'),
    coordinators: lead?.coordinator ? [lead.coordinator] : [],
    groupMembers: [...new Set(links.filter((l) => inGroups.has(l.groupCode)).map((l) => l.code))].sort(),
  };
}
