// The projection checked against the trail. Every keyed entry (scheme 2) holds what its event
// wrote into the projection tables (the rows it added, with long texts as their SHA-256, and the
// subject's state after it), sealed with the entry; so what the pages show must be what
// replaying the trail gives: every sign-off and position, every input and its answer, comments,
// versions, rounds, the timeline, the status, stage and number, a task's lines and progress. An
// edited, added or removed projection row is named with the entry that says otherwise.
// Rows of events recorded before the key (scheme 1) are not checked: those entries do not hold
// what they wrote.
import { canonicalJson } from '../domain/canonical-json';
import type { ProposalEffect, ProposalEventRecord } from '../domain/events';
import type { TaskEffect, TaskSnapshot } from '../domain/tasks';
import type { AuditProblem, StoredEntry } from './audit';
import { digest } from './audit';
import type { Db } from './client';
import { refusedAction } from './errors';
import { proposalWithRows, taskWithRows } from './whole';

/** Long texts are kept as their digest: the entry proves them without holding them twice. */
function withDigests<F extends object>(effects: F[]): unknown[] {
  return effects.map((f) => {
    if (!('text' in f) || typeof f.text !== 'string') return f;
    const { text, ...rest } = f;
    return { ...rest, textSha256: digest(text) };
  });
}

/** What a proposal event writes into the projection, as its audit entry keeps it. */
export const proposalProjection = (e: Pick<ProposalEventRecord, 'effects' | 'snapshot'>) => ({ snapshot: e.snapshot, effects: withDigests(e.effects) });

/** What a task event writes into the projection; the assignment's lines come as a `responsible` effect. */
export const taskProjection = (e: { effects: TaskEffect[]; snapshot: TaskSnapshot }) => ({ snapshot: e.snapshot, effects: withDigests(e.effects) });

type Fields = Record<string, unknown>;
interface Expected { what: string; seq: number; fields: Fields }
interface Actual { what: string; fields: Fields }

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function show(field: string, v: unknown): string {
  if (field === 'text') return 'otro texto';
  if (v === null || v === undefined) return 'vacío';
  if (typeof v === 'string') return `«${v}»`;
  return `«${canonicalJson(v)}»`;
}

/** Expected rows against stored rows of one table; extra rows count only when every entry is keyed. */
function compare(table: string, noun: string, expected: Map<string, Expected>, actual: Map<string, Actual>, extrasMatter: boolean, problems: AuditProblem[]) {
  for (const [k, e] of expected) {
    const a = actual.get(k);
    if (!a) {
      problems.push({ seq: e.seq, field: table, message: `${e.what}, registrado en la entrada ${e.seq}, falta en ${noun}.` });
      continue;
    }
    for (const [field, value] of Object.entries(e.fields)) {
      const stored = a.fields[field];
      if (canonicalJson(stored ?? null) === canonicalJson(value ?? null)) continue;
      problems.push({
        seq: e.seq, field: `${table}.${field}`,
        message: field === 'text'
          ? `${e.what}: el texto publicado no es el que registró la entrada ${e.seq} del registro de auditoría.`
          : `${e.what}: «${field}» publicado es ${show(field, stored)}, pero el registro de auditoría (entrada ${e.seq}) dice ${show(field, value)}.`,
      });
    }
  }
  if (!extrasMatter) return;
  for (const [k, a] of actual) {
    if (!expected.has(k)) problems.push({ seq: null, field: table, message: `${a.what} figura en ${noun} pero no en su registro de auditoría.` });
  }
}

/** The subject's state (its own row) against the snapshot of the event it says it reflects. */
function compareState(table: string, noun: string, row: { stateSeq: number } & Fields, entries: StoredEntry[], problems: AuditProblem[]) {
  // An event the database refused wrote nothing, the state's number included (db/errors.ts).
  const last = entries.reduce((max, e) => (e.action === refusedAction ? max : Math.max(max, e.eventSeq)), 0);
  if (row.stateSeq !== last) {
    problems.push({
      seq: null, field: `${table}.state_seq`,
      message: row.stateSeq > last
        ? `${noun} refleja el evento ${row.stateSeq}, pero su registro de auditoría llega solo hasta el evento ${last}: faltan entradas al final del registro, o el estado fue alterado.`
        : `El registro de auditoría llega hasta el evento ${last}, pero ${noun} refleja solo el ${row.stateSeq}.`,
    });
  }
  const entry = entries.find((e) => e.eventSeq === row.stateSeq);
  const snapshot = entry?.projection?.snapshot as Fields | undefined;
  if (!entry || !snapshot) return;
  for (const [field, value] of Object.entries(snapshot)) {
    const column = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const stored = row[field];
    const same = field === 'dueAt' ? iso(stored as string) === iso(value as string) : canonicalJson(stored ?? null) === canonicalJson(value ?? null);
    if (same) continue;
    problems.push({
      seq: entry.seq, field: `${table}.${column}`,
      message: `«${column}» de ${noun} publicado es ${show(column, stored)}, pero el registro de auditoría (entrada ${entry.seq}) dice ${show(column, value)}.`,
    });
  }
}

/** A subject's published state against the snapshot its trail last recorded (sessions use it alone). */
export function compareSnapshot(table: string, noun: string, row: { stateSeq: number } & Fields, entries: StoredEntry[]): AuditProblem[] {
  const problems: AuditProblem[] = [];
  compareState(table, noun, row, entries, problems);
  return problems;
}

const keyedEntries = (entries: StoredEntry[]) => entries.filter((e) => e.scheme === 2 && e.projection);
/** Only a trail keyed from its first entry proves that the projection holds nothing more. */
const keyedFromStart = (entries: StoredEntry[]) => entries.length > 0 && entries.every((e) => e.scheme === 2);

/** The published title against the one the subject's first entry (`lanzada`, `asignada`) recorded. */
function compareTitle(table: string, title: string, entries: StoredEntry[], firstAction: string, problems: AuditProblem[]) {
  const first = entries.find((e) => e.action === firstAction);
  if (!first || first.data.title === title) return;
  problems.push({
    seq: first.seq, field: `${table}.title`,
    message: `El título publicado es «${title}», pero el registro de auditoría (entrada ${first.seq}) dice «${String(first.data.title)}».`,
  });
}

/**
 * The published description against the trail: the title its launch recorded, then every field as
 * the last correction (`datos_corregidos`) set it.
 */
function compareDescription(row: Fields, entries: StoredEntry[], problems: AuditProblem[]) {
  const launched = entries.find((e) => e.action === 'lanzada');
  const expected = new Map<string, { value: unknown; seq: number }>();
  if (launched) expected.set('title', { value: launched.data.title, seq: launched.seq });
  for (const e of entries) {
    if (e.action !== 'datos_corregidos') continue;
    const after = (e.data.after ?? {}) as Fields;
    for (const field of ['title', 'summary', 'objectives', 'populations']) {
      if (Object.hasOwn(after, field)) expected.set(field, { value: after[field], seq: e.seq });
    }
  }
  for (const [field, { value, seq }] of expected) {
    if (canonicalJson(row[field] ?? null) === canonicalJson(value ?? null)) continue;
    problems.push({
      seq, field: `proposals.${field}`,
      message: field === 'title'
        ? `El título publicado es «${String(row.title)}», pero el registro de auditoría (entrada ${seq}) dice «${String(value)}».`
        : `«${field}» de la propuesta publicado es ${show(field, row[field])}, pero el registro de auditoría (entrada ${seq}) dice ${show(field, value)}.`,
    });
  }
}

export async function checkProposalProjection(db: Db, id: string, entries: StoredEntry[]): Promise<AuditProblem[]> {
  const problems: AuditProblem[] = [];
  const row = await proposalWithRows(db, id);
  const noun = 'la propuesta';
  if (!row) return entries.length ? [{ seq: null, field: 'proposals', message: `La propuesta ${id} no existe, pero tiene registro de auditoría.` }] : [];
  const { versions, timeline, inputs, signoffs, rounds, comments } = row;
  compareDescription(row, entries, problems);
  compareState('proposals', noun, {
    stateSeq: row.stateSeq, status: row.status, stage: row.stage, currentVersion: row.currentVersion, deadlines: row.deadlines,
    pendingFor: row.pendingFor, round: row.round, consultationOpen: row.consultationOpen, number: row.number, decision: row.decision, tasks: row.tasks,
  }, entries, problems);

  const extrasMatter = keyedFromStart(entries);
  const want = {
    versions: new Map<string, Expected>(), timeline: new Map<string, Expected>(), inputs: new Map<string, Expected>(),
    signoffs: new Map<string, Expected>(), rounds: new Map<string, Expected>(), comments: new Map<string, Expected>(),
  };
  for (const e of keyedEntries(entries)) {
    for (const f of e.projection!.effects as Array<ProposalEffect & { textSha256?: string }>) {
      const seq = e.seq;
      switch (f.kind) {
        case 'version':
          want.versions.set(String(f.number), { what: `La versión ${f.number}`, seq, fields: { text: f.textSha256, change_summary: f.changeSummary, at: e.at } });
          break;
        case 'timeline':
          want.timeline.set(String(e.eventSeq), { what: `El hito «${f.event}» de la línea de tiempo`, seq, fields: { stage: f.stage, event: f.event, at: e.at } });
          break;
        case 'input':
          want.inputs.set(f.id, {
            what: `El aporte ${f.id} de ${f.institution}`, seq,
            fields: { institution: f.institution, kind: f.inputKind, text: f.textSha256, paragraph: f.paragraph, version: f.version, at: e.at, answer_decision: null, answer_reason: null, answered_at: null },
          });
          break;
        case 'answer': {
          const input = want.inputs.get(f.inputId);
          const answer = { answer_decision: f.decision, answer_reason: f.reason, answered_at: e.at };
          want.inputs.set(f.inputId, { what: `La respuesta al aporte ${f.inputId}`, seq, fields: { ...(input?.fields ?? {}), ...answer } });
          break;
        }
        case 'signoff':
          want.signoffs.set(`${e.eventSeq}|${f.institution}`, {
            what: `La conformidad de ${f.institution} (ronda ${f.round})`, seq,
            fields: { round: f.round, version: f.version, position: f.position, comment: f.comment, tacit: f.tacit, at: e.at },
          });
          break;
        case 'round':
          want.rounds.set(String(f.round), { what: `La ronda ${f.round}`, seq, fields: { version: f.version, members: f.members, opened_at: e.at, deadline: iso(f.deadline) } });
          break;
        case 'comment':
          want.comments.set(f.id, {
            what: `El comentario ${f.id} de ${f.institution}`, seq,
            fields: { institution: f.institution, user_id: f.userId, text: f.textSha256, version: f.version, at: e.at },
          });
      }
    }
  }
  compare('proposal_versions', noun, want.versions, new Map(versions.map((v) => [String(v.number), {
    what: `La versión ${v.number}`, fields: { text: digest(v.text), change_summary: v.changeSummary, at: iso(v.at) },
  }])), extrasMatter, problems);
  compare('proposal_timeline', noun, want.timeline, new Map(timeline.map((r) => [String(r.seq), {
    what: `El hito «${r.event}» de la línea de tiempo`, fields: { stage: r.stage, event: r.event, at: iso(r.at) },
  }])), extrasMatter, problems);
  compare('proposal_inputs', noun, want.inputs, new Map(inputs.map((i) => [i.id, {
    what: `El aporte ${i.id} de ${i.institution}`,
    fields: {
      institution: i.institution, kind: i.kind, text: digest(i.text), paragraph: i.paragraph, version: i.version, at: iso(i.at),
      answer_decision: i.answerDecision, answer_reason: i.answerReason, answered_at: iso(i.answeredAt),
    },
  }])), extrasMatter, problems);
  compare('proposal_signoffs', noun, want.signoffs, new Map(signoffs.map((s) => [`${s.eventSeq}|${s.institution}`, {
    what: `La conformidad de ${s.institution} (ronda ${s.round})`,
    fields: { round: s.round, version: s.version, position: s.position, comment: s.comment, tacit: s.tacit, at: iso(s.at) },
  }])), extrasMatter, problems);
  compare('proposal_rounds', noun, want.rounds, new Map(rounds.map((r) => [String(r.round), {
    what: `La ronda ${r.round}`, fields: { version: r.version, members: r.members, opened_at: iso(r.openedAt), deadline: iso(r.deadline) },
  }])), extrasMatter, problems);
  compare('proposal_comments', noun, want.comments, new Map(comments.map((c) => [c.id, {
    what: `El comentario ${c.id} de ${c.institution}`, fields: { institution: c.institution, user_id: c.userId, text: digest(c.text), version: c.version, at: iso(c.at) },
  }])), extrasMatter, problems);
  return problems;
}

export async function checkTaskProjection(db: Db, id: string, entries: StoredEntry[]): Promise<AuditProblem[]> {
  const problems: AuditProblem[] = [];
  const row = await taskWithRows(db, id);
  const noun = 'la tarea';
  if (!row) return entries.length ? [{ seq: null, field: 'tasks', message: `La tarea ${id} no existe, pero tiene registro de auditoría.` }] : [];
  const { lines, progress } = row;
  compareTitle('tasks', row.title, entries, 'asignada', problems);
  compareState('tasks', noun, {
    stateSeq: row.stateSeq, status: row.status, dueAt: iso(row.dueAt), responsible: row.responsible, accepted: row.accepted,
    overdue: row.overdue, percent: row.percent, pendingFor: row.pendingFor,
  }, entries, problems);

  const allKeyed = keyedFromStart(entries);
  const wantProgress = new Map<string, Expected>();
  // Lines are replayed from the first entry, so only a trail keyed from its start proves them.
  const wantLines = new Map<string, Expected>();
  for (const e of keyedEntries(entries)) {
    for (const f of e.projection!.effects as TaskEffect[]) {
      switch (f.kind) {
        case 'progress':
          wantProgress.set(`${e.eventSeq}|${f.institution}`, {
            what: `El avance de ${f.institution} (evento ${e.eventSeq})`, seq: e.seq,
            fields: { percent: f.percent, note: f.note, evidence_url: f.evidenceUrl, at: e.at },
          });
          if (wantLines.has(f.institution)) Object.assign(wantLines.get(f.institution)!, { seq: e.seq }).fields.percent = f.percent;
          break;
        case 'line': {
          const line = wantLines.get(f.institution);
          if (!line) break;
          line.seq = e.seq;
          if (f.accepted !== undefined) line.fields.accepted = f.accepted;
          if (f.completed !== undefined) line.fields.completed = f.completed;
          break;
        }
        case 'responsible':
          for (const institution of [...wantLines.keys()]) if (!f.responsible.includes(institution)) wantLines.delete(institution);
          for (const institution of f.responsible) {
            if (!wantLines.has(institution)) wantLines.set(institution, { what: `La parte de ${institution}`, seq: e.seq, fields: { accepted: false, completed: false, percent: 0 } });
          }
      }
    }
  }
  compare('task_progress', noun, wantProgress, new Map(progress.map((p) => [`${p.eventSeq}|${p.institution}`, {
    what: `El avance de ${p.institution} (evento ${p.eventSeq})`, fields: { percent: p.percent, note: p.note, evidence_url: p.evidenceUrl, at: iso(p.at) },
  }])), allKeyed, problems);
  if (allKeyed) {
    compare('task_lines', noun, wantLines, new Map(lines.map((l) => [l.institution, {
      what: `La parte de ${l.institution}`, fields: { accepted: l.accepted, completed: l.completed, percent: l.percent },
    }])), true, problems);
  }
  return problems;
}

