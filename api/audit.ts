// A trail verified with everything this process can reach: the key, the signed checkpoint (when
// its folder is readable here) and, for a process still open, the head its running workflow keeps
// in memory. Shared by GET …/audit and `npm run audit:verify`.
import type { Client } from '@temporalio/client';
import { asc, eq } from 'drizzle-orm';
import { union } from 'drizzle-orm/pg-core';
import type { Anchors, AuditHead, AuditKey } from '../db/audit';
import { proposalTrail, sessionTrail, taskTrail, trailTable } from '../db/audit';
import { headIn, newestCheckpointFile, readCheckpoints, type Checkpoint } from '../db/audit-checkpoints';
import type { Db } from '../db/client';
import { getAudit, getProposalStatus } from '../db/proposals';
import { getTaskAudit, getTaskRow } from '../db/tasks';
import { proposalAudit, proposals, sessions, taskAudit, tasks } from '../db/schema';
import { verifiedSessionAuditOf } from '../db/sessions';
import { isOpenProposal } from '../domain/vocabulary';
import { proposalWorkflowId, stateQuery } from '../workflows/messages';
import { sessionStateQuery, sessionWorkflowId } from '../workflows/session-messages';
import { taskStateQuery, taskWorkflowId } from '../workflows/task-messages';

export interface AuditDeps {
  db: Db;
  temporal: Client | null;
  audit: { key: AuditKey; checkpointDir: string | null };
  /** Told when a workflow did not answer in time (no worker polling, say). */
  onUnanswered?: () => void;
}

/** How long a read waits for a workflow's answer before verifying without it. */
const queryDeadlineMs = 2_000;

/**
 * The head the workflow keeps, or undefined when it cannot tell (not running, no worker, a
 * history recorded before workflows kept it).
 */
async function workflowHead(deps: AuditDeps, query: (temporal: Client) => Promise<{ auditHead?: AuditHead | null }>): Promise<AuditHead | undefined> {
  const temporal = deps.temporal;
  if (!temporal) return undefined;
  const started = Date.now();
  try {
    const state = await temporal.withDeadline(started + queryDeadlineMs, () => query(temporal));
    return state.auditHead ?? undefined;
  } catch {
    // A workflow that is gone answers at once; one that makes us wait the whole deadline has no worker.
    if (Date.now() - started >= queryDeadlineMs) deps.onUnanswered?.();
    return undefined;
  }
}

let cached: { dir: string; file: string; checkpoint: Checkpoint } | null = null;

/** The newest valid checkpoint, read again only when a newer file appears. */
export async function latestCheckpoint(deps: AuditDeps): Promise<Checkpoint | null> {
  const dir = deps.audit.checkpointDir;
  if (!dir) return null;
  if (cached?.dir === dir && (await newestCheckpointFile(dir)) === cached.file) return cached.checkpoint;
  const { latest } = await readCheckpoints(dir, deps.audit.key);
  cached = latest ? { dir, file: latest.file, checkpoint: latest } : null;
  return latest;
}

const open = isOpenProposal;

/** Anchors are read before the trail, so entries written meanwhile only extend it. */
export async function verifiedProposalAudit(deps: AuditDeps, id: string, checkpoint?: Checkpoint | null) {
  const point = checkpoint === undefined ? await latestCheckpoint(deps) : checkpoint;
  const anchors: Anchors = { checkpoint: point ? { at: point.at, head: headIn(point, proposalTrail, id) } : null };
  if (open(await getProposalStatus(deps.db, id))) {
    anchors.workflow = await workflowHead(deps, (temporal) => temporal.workflow.getHandle(proposalWorkflowId(id)).query(stateQuery));
  }
  return getAudit(deps.db, deps.audit.key, id, anchors);
}

export async function verifiedTaskAudit(deps: AuditDeps, id: string, checkpoint?: Checkpoint | null) {
  const point = checkpoint === undefined ? await latestCheckpoint(deps) : checkpoint;
  const anchors: Anchors = { checkpoint: point ? { at: point.at, head: headIn(point, taskTrail, id) } : null };
  const row = await getTaskRow(deps.db, id);
  if (row && row.status !== 'verificada') {
    anchors.workflow = await workflowHead(deps, (temporal) => temporal.workflow.getHandle(taskWorkflowId(id)).query(taskStateQuery));
  }
  return getTaskAudit(deps.db, deps.audit.key, id, anchors);
}

export async function verifiedSessionAudit(deps: AuditDeps, id: string, checkpoint?: Checkpoint | null) {
  const point = checkpoint === undefined ? await latestCheckpoint(deps) : checkpoint;
  const anchors: Anchors = { checkpoint: point ? { at: point.at, head: headIn(point, sessionTrail, id) } : null };
  const [row] = await deps.db.select({ status: sessions.status }).from(sessions).where(eq(sessions.id, id));
  // A session whose workflow still runs keeps its head in memory; an approved or cancelled one has ended.
  if (row && row.status !== 'acta_aprobada' && row.status !== 'cancelada') {
    anchors.workflow = await workflowHead(deps, (temporal) => temporal.workflow.getHandle(sessionWorkflowId(id)).query(sessionStateQuery));
  }
  return verifiedSessionAuditOf(deps.db, deps.audit.key, id, anchors);
}

/** What `npm run audit:verify` found: how many trails, and every problem with its subject. */
export interface VerifyAllResult {
  proposals: number;
  tasks: number;
  problems: Array<{ subject: string; seq: number | null; field: string; message: string }>;
}

/**
 * Verifies every proposal's and task's trail: the chain, the head against the newest signed
 * checkpoint and (where Temporal answers) against the running workflows, and the projection.
 * Also every trail the checkpoint names that is gone, and every checkpoint file newer than the
 * newest valid one (forged or altered). `say` prints progress and each problem as it is found.
 */
export async function verifyAll(given: AuditDeps, say: (line: string) => void): Promise<VerifyAllResult> {
  // Once a workflow leaves us waiting, the others are not asked: thousands of waits would not end.
  const deps: AuditDeps = {
    ...given,
    onUnanswered: () => {
      say('Los workflows no responden (¿ningún worker en ejecución?): las cabezas ya no se comparan con ellos.');
      deps.temporal = null;
    },
  };
  const started = Date.now();
  const result: VerifyAllResult = { proposals: 0, tasks: 0, problems: [] };
  const report = (subject: string, problems: Array<{ seq: number | null; field: string; message: string }>) => {
    for (const p of problems) {
      result.problems.push({ subject, ...p });
      say(`  ✗ ${subject}${p.seq !== null ? `, entrada ${p.seq}` : ''} [${p.field}]: ${p.message}`);
    }
  };

  let checkpoint: Checkpoint | null = null;
  if (deps.audit.checkpointDir) {
    const read = await readCheckpoints(deps.audit.checkpointDir, deps.audit.key);
    checkpoint = read.latest;
    say(checkpoint
      ? `Punto de control firmado: ${checkpoint.file} (${checkpoint.at}), ${Object.keys(checkpoint.heads).length} registro(s).`
      : `Sin puntos de control firmados en ${deps.audit.checkpointDir}: las cabezas se comparan solo con los workflows.`);
    report('puntos de control', read.invalid.map((file) => ({
      seq: null, field: file, message: `El archivo de punto de control «${file}» no tiene una firma válida con MESA_AUDIT_KEY: fue alterado o no lo escribió Mesa.`,
    })));
  }
  if (!deps.temporal) say('Temporal no está disponible: las cabezas no se comparan con los workflows en ejecución.');

  const subjects = await allSubjects(deps.db);
  for (const [kind, ids] of [['proposal', subjects.proposals], ['task', subjects.tasks]] as const) {
    const trail = kind === 'proposal' ? proposalTrail : taskTrail;
    const label = kind === 'proposal' ? 'propuesta' : 'tarea';
    // A trail the checkpoint sealed must still be there, even if its subject is gone.
    const known = new Set(ids);
    const sealed = checkpoint ? Object.keys(checkpoint.heads).filter((k) => k.startsWith(`${kind}:`)).map((k) => k.slice(kind.length + 1)) : [];
    for (const id of sealed) {
      if (known.has(id)) continue;
      const head = headIn(checkpoint!, trail, id)!;
      report(`${label} ${id}`, [{ seq: head.seq, field: trailTable(trail), message: `El punto de control del ${checkpoint!.at} sella ${head.seq} entrada(s) de ${trail.noun} ${id}, pero su registro ya no existe.` }]);
    }
    say(`Verificando ${ids.length} ${label}(s)…`);
    for (const [i, id] of ids.entries()) {
      const audit = kind === 'proposal' ? await verifiedProposalAudit(deps, id, checkpoint) : await verifiedTaskAudit(deps, id, checkpoint);
      if (kind === 'proposal') result.proposals += 1;
      else result.tasks += 1;
      report(`${label} ${id}`, audit.problems);
      if ((i + 1) % 100 === 0 || i + 1 === ids.length) say(`  ${i + 1}/${ids.length} ${label}(s) verificada(s)`);
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.problems.length === 0) {
    say(`✓ Se verificaron ${result.proposals} propuesta(s) y ${result.tasks} tarea(s) en ${seconds} s: ningún registro ni dato publicado fue alterado.`);
  } else {
    const subjects = new Set(result.problems.map((p) => p.subject)).size;
    say(`✗ ${result.problems.length} problema(s) en ${subjects} registro(s), de ${result.proposals} propuesta(s) y ${result.tasks} tarea(s) verificadas (${seconds} s).`);
  }
  return result;
}

/** Every subject with a row or a trail: a trail whose subject is gone is verified too. */
async function allSubjects(db: Db): Promise<{ proposals: string[]; tasks: string[] }> {
  const [proposalIds, taskIds] = await Promise.all([
    union(db.select({ id: proposals.id }).from(proposals), db.selectDistinct({ id: proposalAudit.proposalId }).from(proposalAudit)).orderBy(asc(proposals.id)),
    union(db.select({ id: tasks.id }).from(tasks), db.selectDistinct({ id: taskAudit.taskId }).from(taskAudit)).orderBy(asc(tasks.id)),
  ]);
  return { proposals: proposalIds.map((r) => r.id), tasks: taskIds.map((r) => r.id) };
}
