import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { loadRegistry, readRegistrySeed } from '../db/registry';
import { memberships } from '../db/schema';
import { withMesa, type Mesa } from './harness';

let mesa: Mesa;
let token: string;
withMesa(async (started) => {
  mesa = started;
  token = await mesa.login('MINSA');
});

const get = async <T>(url: string) => {
  const res = await mesa.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode).toBe(200);
  return res.json<T>();
};

type Institution = { code: string; kind: string; active: boolean; unconfirmed: boolean; workingGroups: string[]; commissions: string[] };
type Group = { code: string; coordinator: string | null; members: string[] };

describe('the Mesa registry', () => {
  it('holds 22 members, 3 observers, 2 support bodies, 14 OSC and the secretariat', async () => {
    const all = await get<Institution[]>('/api/v1/institutions');
    const count = (kind: string) => all.filter((i) => i.kind === kind).length;
    expect([count('miembro'), count('observador'), count('apoyo'), count('osc'), count('secretaria')]).toEqual([22, 3, 2, 14, 1]);
    expect(all.every((i) => i.active)).toBe(true);
  });

  it('flags the members and OSC that the source does not name as unconfirmed, and no named one', async () => {
    const all = await get<Institution[]>('/api/v1/institutions');
    const unconfirmed = (kind: string) => all.filter((i) => i.kind === kind && i.unconfirmed).map((i) => i.code).sort();
    expect(unconfirmed('miembro')).toEqual(['INEI', 'MEF', 'MIDIS', 'MINCETUR', 'MINCUL', 'MVCS', 'SUNAT', 'SUNEDU']);
    expect(unconfirmed('osc')).toHaveLength(13);
    expect(all.find((i) => i.code === 'AFAMIPER')?.unconfirmed).toBe(false);
    expect(all.find((i) => i.code === 'MINSA')).toMatchObject({ kind: 'miembro', unconfirmed: false, workingGroups: ['GT2', 'GT4'] });
  });

  it('has four working groups and two commissions with the seed file\'s members and coordinators', async () => {
    const seed = await readRegistrySeed();
    const groups = [...await get<Group[]>('/api/v1/working-groups'), ...await get<Group[]>('/api/v1/commissions')];
    expect(groups.map((g) => g.code)).toEqual(['GT1', 'GT2', 'GT3', 'GT4', 'CC-APOYO', 'CC-OSC']);
    for (const g of groups) {
      const inSeed = seed.groups.find((s) => s.code === g.code)!;
      expect(g.members).toEqual([...inSeed.members].sort());
      expect(g.coordinator).toBe(inSeed.coordinator ?? null);
    }
    const osc = groups.find((g) => g.code === 'CC-OSC')!;
    expect(osc.members).toHaveLength(14);
  });

  it('loads the same seed twice without duplicating anything, and closes a membership the seed drops', async () => {
    const seed = await readRegistrySeed();
    await loadRegistry(mesa.database.db, seed);
    expect(await get<Institution[]>('/api/v1/institutions')).toHaveLength(42);

    const edited = structuredClone(seed);
    const gt1 = edited.groups.find((g) => g.code === 'GT1')!;
    gt1.members = gt1.members.filter((m) => m !== 'MPFN');
    await loadRegistry(mesa.database.db, edited);
    expect((await get<Group[]>('/api/v1/working-groups')).find((g) => g.code === 'GT1')!.members).not.toContain('MPFN');
    const history = await mesa.database.db.select().from(memberships).where(eq(memberships.groupCode, 'GT1'));
    expect(history.find((m) => m.institutionId === 'inst_mpfn')?.validTo).not.toBeNull(); // kept, closed

    await loadRegistry(mesa.database.db, seed);
    expect((await get<Group[]>('/api/v1/working-groups')).find((g) => g.code === 'GT1')!.members).toContain('MPFN');
  });
});
