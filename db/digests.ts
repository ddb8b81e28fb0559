// What each institution is waiting on, for the weekly digest; and the month's compliance figures.
import { and, inArray, sql } from 'drizzle-orm';
import type { Notification } from '../domain/events';
import type { Db } from './client';
import { institutionsReport } from './reports';
import { proposals, tasks } from './schema';

export async function weeklyDigests(db: Db, key: string): Promise<Notification[]> {
  const [waitingProposals, waitingTasks] = await Promise.all([
    db.select({ id: proposals.id, title: proposals.title, pendingFor: proposals.pendingFor }).from(proposals)
      .where(sql`cardinality(${proposals.pendingFor}) > 0`),
    db.select({ id: tasks.id, title: tasks.title, pendingFor: tasks.pendingFor }).from(tasks)
      .where(and(inArray(tasks.status, ['asignada', 'en_ejecucion', 'completada']), sql`cardinality(${tasks.pendingFor}) > 0`)),
  ]);
  const waiting = new Map<string, { proposals: string[]; tasks: string[] }>();
  const of = (code: string) => waiting.get(code) ?? waiting.set(code, { proposals: [], tasks: [] }).get(code)!;
  for (const p of waitingProposals) for (const code of p.pendingFor) of(code).proposals.push(p.title);
  for (const t of waitingTasks) for (const code of t.pendingFor) of(code).tasks.push(t.title);
  return [...waiting.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, w]) => ({
    key: `${key}:resumen`,
    recipients: [code],
    kind: 'resumen_semanal',
    title: `Resumen semanal: ${w.proposals.length} propuesta(s) y ${w.tasks.length} tarea(s) esperan a su institución.`,
  }));
}

export async function monthlyComplianceReport(db: Db, key: string): Promise<Notification> {
  const report = await institutionsReport(db);
  const overdue = report.institutions.reduce((sum, i) => sum + i.overdue, 0);
  const tacit = report.institutions.reduce((sum, i) => sum + i.signoffsTacit, 0);
  const late = report.institutions.filter((i) => i.overdue > 0).map((i) => i.institution);
  return {
    key: `${key}:informe`,
    recipients: ['SECRETARIA'],
    kind: 'informe_mensual',
    title: `Informe mensual de cumplimiento: ${overdue} tarea(s) vencida(s)${late.length ? ` (${late.join(', ')})` : ''}; ${tacit} conformidad(es) tácita(s). Detalle en /api/v1/reports/institutions.`,
  };
}
