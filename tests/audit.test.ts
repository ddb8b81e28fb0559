// The audit trail proves itself against anyone who can write to the database but does not hold
// MESA_AUDIT_KEY: each way of rewriting it is detected, and GET …/audit and
// `npm run audit:verify` say which entry or field broke.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyAll } from '../api/audit';
import { rowsOf } from '../db/client';
import { canonicalJson } from '../domain/canonical-json';
import { adoptWith, eventually, launchBody, startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => {
  mesa = await startMesa();
});
afterAll(async () => {
  await mesa?.close();
});

const db = () => mesa.database.db;
const exec = (query: ReturnType<typeof sql>) => db().execute(query);

interface Problem { seq: number | null; field: string; message: string }
interface Audit { events: Array<{ seq: number; action: string; hash: string; prevHash: string }>; verified: boolean; problems: Problem[] }

const audit = async (id: string, kind: 'proposals' | 'tasks' = 'proposals'): Promise<Audit> => {
  const res = await mesa.call('SECRETARIA', 'GET', `/api/v1/${kind}/${id}/audit`);
  expect(res.status).toBe(200);
  return res.body;
};

/** A proposal in its sign-off round, its workflow running: entries 1 (lanzada), 2 (MINSA), 3 (RREE), 4 (MEF). */
async function inRound(): Promise<string> {
  const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['conformidad'] }));
  expect(launched.status).toBe(201);
  const id = launched.body.id as string;
  for (const code of ['MINSA', 'RREE', 'MEF']) {
    expect((await mesa.call(code, 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' })).status).toBe(200);
  }
  const a = await audit(id);
  expect(a).toMatchObject({ verified: true, problems: [] });
  expect(a.events.map((e) => e.action)).toEqual(['lanzada', 'conformidad', 'conformidad', 'conformidad']);
  return id;
}

/** A proposal withdrawn: its workflow has ended, so only the checkpoint anchors its head. */
async function closed(): Promise<string> {
  const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody());
  const id = launched.body.id as string;
  expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/withdraw`, { reason: 'Se presentará con otro enfoque.' })).status).toBe(200);
  await eventually(async () => (await mesa.client.workflow.getHandle(`proposal-${id}`).describe()).status.name === 'COMPLETED');
  return id;
}

const checkpoint = () => mesa.client.workflow.execute('auditCheckpointWorkflow', {
  taskQueue: mesa.taskQueue, workflowId: `sello-${Date.now()}-${Math.random()}`, args: [],
}) as Promise<{ written: boolean; heads: number }>;

const entries = async (id: string) => rowsOf<{ seq: number; event_seq: number; at: Date | string; actor: string | null; institution: string | null; action: string; data: unknown; hash: string; prev_hash: string }>(
  await exec(sql`select * from proposal_audit where proposal_id = ${id} order by seq`),
);

/** What someone without the key can compute: the unkeyed SHA-256 chain of the old scheme. */
const sha = (prev: string, e: { seq: number; at: Date | string; actor: string | null; institution: string | null; action: string; data: unknown }) => createHash('sha256')
  .update(`${prev}\n${canonicalJson({ seq: e.seq, at: new Date(e.at).toISOString(), actor: e.actor, institution: e.institution, action: e.action, data: e.data })}`).digest('hex');

const problemAt = (a: Audit, seq: number | null, field: string) => a.problems.find((p) => p.seq === seq && p.field === field);

describe('npm run audit:verify', () => {
  const command = fileURLToPath(new URL('../runtime/audit-verify.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

  /** The command itself against this Mesa's PostgreSQL; on in-memory PGlite, what it runs, in process. */
  async function run(): Promise<{ code: number; output: string }> {
    if (!mesa.databaseUrl) {
      const lines: string[] = [];
      const result = await verifyAll({ db: db(), temporal: mesa.client, audit: mesa.audit }, (l) => lines.push(l));
      return { code: result.problems.length ? 1 : 0, output: lines.join('\n') };
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'mesa-verificar-'));
    try {
      return await new Promise((resolve) => {
        execFile(tsx, [command], {
          env: {
            PATH: process.env.PATH, HOME: process.env.HOME, MESA_DATA_DIR: dataDir, DATABASE_URL: mesa.databaseUrl!, MESA_AUDIT_KEY: mesa.audit.key,
            MESA_AUDIT_CHECKPOINT_DIR: mesa.audit.checkpointDir, TEMPORAL_ADDRESS: inject('temporalAddress'),
          },
          timeout: 120_000,
        }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 2) : 0, output: `${stdout}${stderr}` }));
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }

  it('exits 0 when every trail verifies, and 1 naming the entry when one does not', async () => {
    const open = await inRound();
    const done = await closed();
    const [taskId] = await adoptWith(mesa, [{ title: 'Guía', responsible: ['MTPE'], dueIn: 'P30D', deliverable: 'Guía publicada' }]);
    expect((await mesa.call('MTPE', 'POST', `/api/v1/tasks/${taskId}/accept`, {})).status).toBe(200);
    expect(await checkpoint()).toMatchObject({ written: true });
    expect(await checkpoint()).toMatchObject({ written: false }); // nothing moved: no new file

    const clean = await run();
    expect(clean.output).toMatch(/Verificando \d+ propuesta\(s\)/);
    expect(clean.output).toContain('ningún registro ni dato publicado fue alterado');
    expect(clean.code).toBe(0);

    await exec(sql`update proposal_audit set data = jsonb_set(data, '{position}', '"objeta"') where proposal_id = ${open} and seq = 3`);
    await exec(sql`delete from proposal_audit where proposal_id = ${done} and seq = (select max(seq) from proposal_audit where proposal_id = ${done})`);
    const broken = await run();
    expect(broken.code).toBe(1);
    expect(broken.output).toContain(`propuesta ${open}, entrada 3 [data]: La entrada 3 («conformidad») fue modificada después de sellada`);
    expect(broken.output).toMatch(new RegExp(`propuesta ${done}, entrada \\d+ \\[seq\\]: Falta la entrada \\d+: según el punto de control firmado`));

    // A checkpoint file written by someone without the key is reported, and the last valid one still anchors.
    const [file] = (await readdir(mesa.audit.checkpointDir)).sort().reverse();
    const forged = file!.replace('.json', '9.json');
    await writeFile(join(mesa.audit.checkpointDir, forged), `${JSON.stringify({ at: new Date().toISOString(), heads: {}, signature: '0'.repeat(64) })}\n`);
    const again = await run();
    expect(again.code).toBe(1);
    expect(again.output).toContain(`«${forged}» no tiene una firma válida`);
    await rm(join(mesa.audit.checkpointDir, forged));
    // Repaired so the cases below start from a trail that verifies.
    await exec(sql`update proposal_audit set data = jsonb_set(data, '{position}', '"aprueba"') where proposal_id = ${open} and seq = 3`);
    expect((await audit(open)).verified).toBe(true);
  });
});

describe('GET …/audit detects', () => {
  // Each tampering of a proposal in its round, and the problem the audit names: entry, field, message.
  const tamperings: Array<[string, (id: string) => Promise<unknown>, number, string, string | RegExp]> = [
    ['an edited entry, naming it', (id) => exec(sql`update proposal_audit set data = jsonb_set(data, '{position}', '"objeta"') where proposal_id = ${id} and seq = 2`),
      2, 'data', 'La entrada 2 («conformidad») fue modificada después de sellada: su campo «data» no es el que se registró.'],
    ['a swapped pair of entries', async (id) => {
      for (const [from, to] of [[2, -2], [3, 2], [-2, 3]]) await exec(sql`update proposal_audit set seq = ${to} where proposal_id = ${id} and seq = ${from}`);
    }, 2, 'prev_hash', /La entrada 2 no enlaza con la anterior/],
    ['a deleted entry in the middle', (id) => exec(sql`delete from proposal_audit where proposal_id = ${id} and seq = 2`),
      2, 'seq', 'Falta la entrada 2: el registro salta de la 1 a la 3.'],
    ['an edited event_seq', (id) => exec(sql`update proposal_audit set event_seq = 40 where proposal_id = ${id} and seq = 3`),
      3, 'event_seq', 'La entrada 3 («conformidad») fue modificada después de sellada: su campo «event_seq» no es el que se registró.'],
  ];
  it.each(tamperings)('%s', async (_name, tamper, seq, field, message) => {
    const id = await inRound();
    await tamper(id);
    const a = await audit(id);
    expect(a.verified).toBe(false);
    if (typeof message === 'string') expect(problemAt(a, seq, field)?.message).toBe(message);
    else expect(problemAt(a, seq, field)?.message).toMatch(message);
  });

  it('the last entry deleted, by the head the running workflow keeps', async () => {
    const id = await inRound();
    await exec(sql`delete from proposal_audit where proposal_id = ${id} and seq = 4`);
    await exec(sql`delete from proposal_signoffs where proposal_id = ${id} and institution = 'MEF'`);
    await exec(sql`update proposals set state_seq = 3 where id = ${id}`);
    const a = await audit(id);
    expect(a.verified).toBe(false);
    expect(problemAt(a, 4, 'seq')?.message).toMatch(/^Falta la entrada 4: según el workflow en ejecución/);
  });

  it('the last entry deleted, by the signed checkpoint once the workflow has ended', async () => {
    const id = await closed();
    const last = (await entries(id)).at(-1)!;
    expect((await checkpoint()).written).toBe(true);
    await exec(sql`delete from proposal_audit where proposal_id = ${id} and seq = ${last.seq}`);
    const a = await audit(id);
    expect(a.verified).toBe(false);
    expect(problemAt(a, last.seq, 'seq')?.message).toMatch(new RegExp(`^Falta la entrada ${last.seq}: según el punto de control firmado del`));
  });

  it('a forged entry appended with a recomputed hash, keyed or as the old scheme', async () => {
    const id = await inRound();
    const last = (await entries(id)).at(-1)!;
    const forged = { seq: 5, at: new Date(), actor: 'user_demo_minsa', institution: 'MINSA', action: 'conformidad_cambiada', data: { position: 'objeta', round: 1, version: 1, comment: 'Falso' } };
    const hash = sha(last.hash, forged);
    await exec(sql`insert into proposal_audit (proposal_id, seq, event_seq, at, actor, institution, action, data, hash, prev_hash, scheme)
      values (${id}, 5, 5, ${forged.at.toISOString()}::timestamptz, ${forged.actor}, ${forged.institution}, ${forged.action}, ${JSON.stringify(forged.data)}::jsonb, ${hash}, ${last.hash}, 2)`);
    const keyed = await audit(id);
    expect(keyed.verified).toBe(false);
    expect(problemAt(keyed, 5, 'hash')?.message).toContain('La entrada 5 («conformidad_cambiada») no corresponde a su sello');

    await exec(sql`update proposal_audit set scheme = 1 where proposal_id = ${id} and seq = 5`);
    const legacy = await audit(id);
    expect(legacy.verified).toBe(false);
    expect(problemAt(legacy, 5, 'scheme')?.message).toContain('La entrada 5 dice usar el esquema anterior (SHA-256 sin clave) después de entradas selladas con clave');
  });

  it('an entry edited and the chain after it recomputed', async () => {
    const id = await inRound();
    const rows = await entries(id);
    let prev = rows[0]!.hash;
    for (const row of rows.slice(1)) {
      const data = row.seq === 2 ? { ...(row.data as object), position: 'objeta' } : row.data;
      const hash = sha(prev, { ...row, data });
      await exec(sql`update proposal_audit set data = ${JSON.stringify(data)}::jsonb, hash = ${hash}, prev_hash = ${prev} where proposal_id = ${id} and seq = ${row.seq}`);
      prev = hash;
    }
    const a = await audit(id);
    expect(a.verified).toBe(false);
    expect(a.problems[0]).toMatchObject({ seq: 2, field: 'hash' });
    expect(a.problems.filter((p) => p.seq === 4 && p.field === 'hash').map((p) => p.message))
      .toContainEqual(expect.stringMatching(/^La entrada 4 no es la que registró el workflow en ejecución: su sello cambió/));
  });

  it("one proposal's trail replaced by another's", async () => {
    const victim = await closed();
    const other = await closed();
    await exec(sql`delete from proposal_audit where proposal_id = ${victim}`);
    await exec(sql`insert into proposal_audit select ${victim}, seq, event_seq, at, actor, institution, action, data, hash, prev_hash, scheme, projection
      from proposal_audit where proposal_id = ${other}`);
    const a = await audit(victim);
    expect(a.verified).toBe(false);
    expect(problemAt(a, 1, 'hash')?.message).toContain(`o la entrada no pertenece a la propuesta ${victim}`);
    expect((await audit(other)).verified).toBe(true);
  });

  it('the projection edited while the trail is untouched: a position, the status', async () => {
    const id = await inRound();
    await exec(sql`update proposal_signoffs set position = 'objeta', comment = 'No' where proposal_id = ${id} and institution = 'MINSA'`);
    await exec(sql`update proposals set status = 'rechazada' where id = ${id}`);
    const a = await audit(id);
    expect(a.verified).toBe(false);
    expect(problemAt(a, 2, 'proposal_signoffs.position')?.message)
      .toBe('La conformidad de MINSA (ronda 1): «position» publicado es «objeta», pero el registro de auditoría (entrada 2) dice «aprueba».');
    expect(problemAt(a, 2, 'proposal_signoffs.comment')).toBeDefined();
    expect(problemAt(a, 4, 'proposals.status')?.message).toBe('«status» de la propuesta publicado es «rechazada», pero el registro de auditoría (entrada 4) dice «en_curso».');
    // A sign-off added to the projection alone.
    await exec(sql`insert into proposal_signoffs (proposal_id, event_seq, institution, round, version, position, tacit, at) values (${id}, 4, 'PCM', 1, 1, 'objeta', false, now())`);
    expect((await audit(id)).problems.some((p) => p.field === 'proposal_signoffs' && p.message.includes('PCM'))).toBe(true);
  });

  it('an input, its answer and a comment edited in the projection', async () => {
    const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['consulta', 'conformidad'] }));
    const id = launched.body.id as string;
    const input = await mesa.call('OIM', 'POST', `/api/v1/proposals/${id}/inputs`, { kind: 'comentario', text: 'Incluir intérpretes.' });
    expect(input.status).toBe(201);
    const inputId = input.body.id as string;
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/inputs/${inputId}/answer`, { decision: 'acogida', reason: 'Se incorpora.' })).status).toBe(200);
    expect((await mesa.call('MINSA', 'POST', `/api/v1/proposals/${id}/comments`, { text: 'De acuerdo.' })).status).toBe(201);
    expect((await audit(id)).verified).toBe(true);

    await exec(sql`update proposal_inputs set text = 'Otro texto', answer_decision = 'no_acogida' where id = ${inputId}`);
    await exec(sql`update proposal_comments set text = 'En desacuerdo.' where proposal_id = ${id}`);
    const a = await audit(id);
    expect(a.problems.map((p) => p.field)).toEqual(expect.arrayContaining(['proposal_inputs.text', 'proposal_inputs.answer_decision', 'proposal_comments.text']));
    expect(a.problems.find((p) => p.field === 'proposal_inputs.answer_decision')!.message).toContain('«no_acogida», pero el registro de auditoría');
  });

  it("a task's trail and projection, the same way", async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Módulo', responsible: ['MIGRACIONES'], dueIn: 'P60D', deliverable: 'Módulo operativo' }]);
    expect((await mesa.call('MIGRACIONES', 'POST', `/api/v1/tasks/${taskId}/accept`, {})).status).toBe(200);
    expect((await mesa.call('MIGRACIONES', 'POST', `/api/v1/tasks/${taskId}/progress`, { percent: 40 })).status).toBe(201);
    expect(await audit(taskId!, 'tasks')).toMatchObject({ verified: true, problems: [] });

    await exec(sql`update task_progress set percent = 90 where task_id = ${taskId}`);
    await exec(sql`update task_lines set percent = 90 where task_id = ${taskId}`);
    const edited = await audit(taskId!, 'tasks');
    expect(problemAt(edited, 3, 'task_progress.percent')?.message).toBe('El avance de MIGRACIONES (evento 3): «percent» publicado es «90», pero el registro de auditoría (entrada 3) dice «40».');
    expect(problemAt(edited, 3, 'task_lines.percent')).toBeDefined();

    await exec(sql`delete from task_audit where task_id = ${taskId} and seq = 3`);
    const cut = await audit(taskId!, 'tasks');
    expect(problemAt(cut, 3, 'seq')?.message).toMatch(/^Falta la entrada 3: según el workflow en ejecución/);
  });
});

describe('trails recorded before the key', () => {
  it('verify the old way, take keyed entries after them, and refuse an old-style entry after the checkpoint', async () => {
    const id = await inRound();
    // As the migration leaves an existing database: entries hashed the old way, scheme 1.
    let prev = '0'.repeat(64);
    for (const row of await entries(id)) {
      const hash = sha(prev, row);
      await exec(sql`update proposal_audit set hash = ${hash}, prev_hash = ${prev}, scheme = 1, projection = null where proposal_id = ${id} and seq = ${row.seq}`);
      prev = hash;
    }
    // The first checkpoint after the upgrade seals the old entries.
    expect((await checkpoint()).written).toBe(true);
    expect((await mesa.call('PCM', 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' })).status).toBe(200);
    const a = await audit(id);
    expect(a).toMatchObject({ verified: true, problems: [] });
    const schemes = rowsOf<{ scheme: number }>(await exec(sql`select scheme from proposal_audit where proposal_id = ${id} order by seq`)).map((r) => r.scheme);
    expect(schemes).toEqual([1, 1, 1, 1, 2]);

    // An entry added the old way after what the checkpoint sealed is a forgery.
    await exec(sql`delete from proposal_audit where proposal_id = ${id} and seq = 5`);
    const last = (await entries(id)).at(-1)!;
    const forged = { seq: 5, at: new Date(), actor: 'user_demo_pcm', institution: 'PCM', action: 'conformidad', data: { position: 'objeta', round: 1, version: 1, comment: 'x' } };
    await exec(sql`insert into proposal_audit (proposal_id, seq, event_seq, at, actor, institution, action, data, hash, prev_hash, scheme)
      values (${id}, 5, 5, ${forged.at.toISOString()}::timestamptz, ${forged.actor}, ${forged.institution}, ${forged.action}, ${JSON.stringify(forged.data)}::jsonb, ${sha(last.hash, forged)}, ${last.hash}, 1)`);
    const b = await audit(id);
    expect(b.verified).toBe(false);
    expect(problemAt(b, 5, 'scheme')?.message).toMatch(/^La entrada 5 dice usar el esquema anterior \(SHA-256 sin clave\), pero es posterior a lo que sella el punto de control/);
  });
});
