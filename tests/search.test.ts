// Searching proposals finds them by what people remember of them: a word of the text, an
// agreement number, a word typed without its accent or with another ending; best matches first.
// The same on PostgreSQL and on the embedded PGlite.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/client';
import { listProposals, storeSearchDocuments } from '../db/proposals';
import { loadRegistry, readRegistrySeed } from '../db/registry';
import { proposalInputs, proposals, proposalVersions } from '../db/schema';
import { adoptWith, freshPostgres, launchBody, startMesa, type Mesa } from './harness';

type Seed = { id: string; number?: string; title: string; summary: string; text: string; input?: string; at: string };

const seeds: Seed[] = [
  {
    id: 'prop_salud', number: 'ACUERDO-2026-001', title: 'Afiliación de retornantes al seguro de salud', at: '2026-03-01T15:00:00Z',
    summary: 'Cobertura de salud desde el paso de frontera.', text: '1. El SIS afilia a los retornantes en situación de vulnerabilidad.\n\n2. Los gobiernos regionales informan.',
  },
  {
    id: 'prop_empleo', title: 'Orientación laboral para retornantes', at: '2026-03-02T15:00:00Z',
    summary: 'Bolsas de empleo y certificación de competencias.', text: '1. El MTPE orienta.', input: 'Pedimos incluir la situación de las familias.',
  },
  {
    id: 'prop_educacion', title: 'Convalidación de estudios', at: '2026-03-03T15:00:00Z',
    summary: 'Trámite de convalidación para escolares retornados; salud mental en la escuela.', text: '1. El MINEDU convalida.',
  },
  {
    id: 'prop_acogida', title: 'Acogida en albergues temporales', at: '2026-02-27T15:00:00Z',
    summary: 'Turnos del personal de los albergues.', text: '1. Las labores de acogida se reparten por turnos.',
  },
];

async function seed(db: Database['db']) {
  for (const s of seeds) {
    await db.insert(proposals).values({
      id: s.id, number: s.number ?? null, title: s.title, summary: s.summary, status: s.number ? 'adoptada' : 'en_curso', stage: s.number ? 'cerrada' : 'consulta',
      objectives: ['OE4'], populations: ['retornantes'], leadWorkingGroup: 'GT3', workingGroups: [], plan: {} as never, currentVersion: 1, deadlines: {},
      launchedBy: 'user_demo_secretaria', launchedByInstitution: 'SECRETARIA', createdAt: new Date(s.at), updatedAt: new Date(s.at),
    });
    await db.insert(proposalVersions).values({ proposalId: s.id, number: 1, text: s.text, changeSummary: 'Primera versión.', at: new Date(s.at) });
    if (s.input) {
      await db.insert(proposalInputs).values({ id: `${s.id}_aporte`, proposalId: s.id, institution: 'AFAMIPER', kind: 'comentario', text: s.input, version: 1, at: new Date(s.at) } as never);
    }
    // As the projection does once it has written what search reads.
    await storeSearchDocuments(db, s.id);
  }
}

const targets: Array<[string, () => Promise<{ database: Database; drop(): Promise<void> }>]> = [
  ['PGlite', async () => ({ database: await openDatabase({ pgliteDir: null }), drop: async () => {} })],
  ...(process.env.TEST_DATABASE_URL ? [['PostgreSQL', async () => {
    const pg = await freshPostgres(process.env.TEST_DATABASE_URL!);
    return { database: await openDatabase(pg.target), drop: pg.drop };
  }] as [string, () => Promise<{ database: Database; drop(): Promise<void> }>]] : []),
];

describe.each(targets)('search on %s', (_name, open) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, drop } = await open());
    await database.migrate();
    // The proposals name their working group and institution, which the database checks against the registry.
    await loadRegistry(database.db, await readRegistrySeed());
    await seed(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  const found = async (q: string, publicOnly = false) =>
    (await listProposals(database.db, { q, limit: 50, publicOnly })).items.map((p) => p.id);

  it('finds a word of the text and an agreement number', async () => {
    expect(await found('SIS')).toEqual(['prop_salud']);
    expect(await found('ACUERDO-2026-001')).toEqual(['prop_salud']);
  });

  it('ignores accents and word endings, in Spanish', async () => {
    expect(await found('situacion vulnerable')).toEqual(['prop_salud']);
    expect(await found('afiliacion')).toEqual(['prop_salud']);
    expect(await found('convalidar')).toEqual(['prop_educacion']);
  });

  it('searches the inputs received for the State, not for civil society', async () => {
    expect(await found('familias')).toEqual(['prop_empleo']);
    expect(await found('familias', true)).toEqual([]);
  });

  it('ranks a match in the title above one in the summary', async () => {
    expect(await found('salud')).toEqual(['prop_salud', 'prop_educacion']);
  });

  it('finds the typed letters of a word, together with the other filters', async () => {
    expect(await found('Orientaci')).toEqual(['prop_empleo']);
    expect((await listProposals(database.db, { q: 'salud', stage: 'consulta', limit: 50 })).items.map((p) => p.id)).toEqual(['prop_educacion']);
    expect((await listProposals(database.db, { q: 'salud', limit: 1 })).items.map((p) => p.id)).toEqual(['prop_salud']);
  });

  it('lists the matches by words before the newer ones that only contain the typed letters', async () => {
    // "labor" is a word of the oldest proposal's text ("labores") and only letters of "laboral".
    expect(await found('labor')).toEqual(['prop_acogida', 'prop_empleo']);
    expect((await listProposals(database.db, { q: 'labor', limit: 1 })).items.map((p) => p.id)).toEqual(['prop_acogida']);
  });

  it('follows a corrected title once it is stored again, and forgets the old one', async () => {
    const retitle = async (title: string) => {
      await database.db.update(proposals).set({ title }).where(eq(proposals.id, 'prop_educacion'));
      await storeSearchDocuments(database.db, 'prop_educacion');
    };
    await retitle('Convalidación de estudios del Bicentenario');
    expect(await found('bicentenario')).toEqual(['prop_educacion']);
    expect(await found('Bicent')).toEqual(['prop_educacion']);
    await retitle('Convalidación de estudios');
    expect(await found('bicentenario')).toEqual([]);
    expect(await found('Bicent')).toEqual([]);
  });
});

// Through the engine: what search reads is stored by the writes of the process itself, so it
// follows the proposal as its text, inputs and number change.
describe('search through the engine', () => {
  let mesa: Mesa;
  beforeAll(async () => { mesa = await startMesa(); });
  afterAll(() => mesa?.close());

  const found = async (code: string, q: string) =>
    ((await mesa.call(code, 'GET', `/api/v1/proposals?q=${encodeURIComponent(q)}`)).body.items as Array<{ id: string }>).map((p) => p.id);

  it('finds the current version\'s text, the inputs for the State only, and the agreement number once adopted', async () => {
    const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({
      title: 'Acogida en la frontera norte', stages: ['consulta', 'conformidad'], text: '1. Los albergues temporales reciben a las familias.',
    }));
    expect(launched.status).toBe(201);
    const id = launched.body.id as string;
    expect(await found('MINSA', 'albergues')).toEqual([id]);

    const input = await mesa.call('AFAMIPER', 'POST', `/api/v1/proposals/${id}/inputs`, { kind: 'comentario', text: 'Pedimos intérpretes para los quechuahablantes.' });
    expect(input.status).toBe(201);
    expect(await found('MINSA', 'quechuahablantes')).toEqual([id]);
    expect(await found('AFAMIPER', 'quechuahablantes')).toEqual([]);

    const version = await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/versions`, {
      text: '1. Las ludotecas de frontera reciben a las familias.', changeSummary: 'Ludotecas en lugar de albergues.',
    });
    expect(version.status).toBe(201);
    expect(await found('MINSA', 'ludotecas')).toEqual([id]);
    expect(await found('MINSA', 'albergues')).toEqual([]);

    await adoptWith(mesa, [{ title: 'Ludotecas', responsible: ['MIMP'], dueIn: 'P60D', deliverable: 'Ludotecas abiertas' }], { title: 'Ludotecas para retornantes' });
    const adopted = (await mesa.call('SECRETARIA', 'GET', '/api/v1/proposals?status=adoptada')).body.items as Array<{ id: string; number: string }>;
    expect(adopted).toHaveLength(1);
    expect(await found('MINSA', adopted[0]!.number)).toEqual([adopted[0]!.id]);
  }, 180_000);
});
