// The database itself refuses a status, stage, position, kind or institution code outside the
// vocabulary and the registry (migration 0009), whatever writes the row; the API, which validates
// first, still answers 400 naming the field, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { sqlStateOf } from '../db/errors';
import { inboxItems, proposals, proposalSignoffs } from '../db/schema';
import { launchBody, startMesa, type Mesa } from './harness';

let mesa: Mesa;
let id: string;
beforeAll(async () => {
  mesa = await startMesa();
  const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['conformidad'] }));
  expect(res.status).toBe(201);
  id = res.body.id;
});
afterAll(() => mesa?.close());

/** The SQLSTATE the database answered a write with. */
async function refusal(write: () => Promise<unknown>): Promise<string | null> {
  try {
    await write();
    return null;
  } catch (e) {
    return sqlStateOf(e);
  }
}

const checkViolation = '23514';
const foreignKeyViolation = '23503';

describe('the database refuses codes outside the vocabulary and the registry', () => {
  it('refuses a proposal status, stage or objective that does not exist, and keeps the row as it was', async () => {
    const db = mesa.database.db;
    expect(await refusal(() => db.update(proposals).set({ status: 'archivada' as never }).where(eq(proposals.id, id)))).toBe(checkViolation);
    expect(await refusal(() => db.update(proposals).set({ stage: 'votacion' as never }).where(eq(proposals.id, id)))).toBe(checkViolation);
    expect(await refusal(() => db.update(proposals).set({ objectives: ['OE4', 'OE9'] }).where(eq(proposals.id, id)))).toBe(checkViolation);
    expect(await refusal(() => db.update(proposals).set({ leadWorkingGroup: 'GT99' }).where(eq(proposals.id, id)))).toBe(foreignKeyViolation);
    const [row] = await db.select({ status: proposals.status, stage: proposals.stage, objectives: proposals.objectives }).from(proposals).where(eq(proposals.id, id));
    expect(row).toEqual({ status: 'en_curso', stage: 'conformidad', objectives: ['OE4'] });
  });

  it('refuses a position or an institution code that does not exist', async () => {
    const db = mesa.database.db;
    const signoff = { proposalId: id, eventSeq: 999, round: 1, version: 1, comment: null, tacit: false, at: new Date() };
    expect(await refusal(() => db.insert(proposalSignoffs).values({ ...signoff, institution: 'MINSA', position: 'vota_en_blanco' as never }))).toBe(checkViolation);
    expect(await refusal(() => db.insert(proposalSignoffs).values({ ...signoff, institution: 'MINSAL', position: 'aprueba' }))).toBe(foreignKeyViolation);
    expect(await refusal(() => db.insert(inboxItems).values({ id: 'x', institution: 'MINSA', at: new Date(), kind: 'rumor', title: 'x' }))).toBe(checkViolation);
    expect(await db.select().from(proposalSignoffs).where(eq(proposalSignoffs.eventSeq, 999))).toEqual([]);
  });

  it('while the API answers 400 naming the field, never 500, and records nothing', async () => {
    const bad = await mesa.call('MINSA', 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'vota_en_blanco' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: expect.any(String), message: expect.stringContaining('position') } });
    const filter = await mesa.call('MINSA', 'GET', '/api/v1/proposals?status=archivada');
    expect(filter.status).toBe(400);
    expect(filter.body).toMatchObject({ error: { message: expect.stringContaining('status') } });
    const launch = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ leadWorkingGroup: 'GT99' }));
    expect(launch.status).toBe(400);
    expect(launch.body).toMatchObject({ error: { message: expect.stringContaining('leadWorkingGroup') } });
    expect(await mesa.database.db.select().from(proposalSignoffs).where(eq(proposalSignoffs.proposalId, id))).toEqual([]);
  });
});
