// The weekly digest of what awaits each institution, and the month's compliance figures.
import type { Notification } from '../domain/events';
import { secretariat } from '../domain/registry-codes';
import type { Db } from './client';
import { awaitingEach } from './inbox';
import { institutionsReport } from './reports';
import { institutions } from './schema';

export async function weeklyDigests(db: Db, key: string): Promise<Notification[]> {
  const all = await db.select({ code: institutions.code }).from(institutions).orderBy(institutions.code);
  const each = await awaitingEach(db, all.map((i) => i.code));
  const digests: Notification[] = [];
  for (const { code } of all) {
    const w = each.get(code)!;
    if (w.proposals.length + w.tasks.length === 0) continue; // no empty digests
    digests.push({
      key: `${key}:resumen:${code}`, // one key per message: its delivery workflow is named after it
      recipients: [code],
      kind: 'resumen_semanal',
      title: `Resumen semanal: ${w.proposals.length} propuesta(s) y ${w.tasks.length} tarea(s) esperan a su institución.`,
    });
  }
  return digests;
}

export async function monthlyComplianceReport(db: Db, key: string): Promise<Notification> {
  const report = await institutionsReport(db);
  const overdue = report.institutions.reduce((sum, i) => sum + i.overdue, 0);
  const tacit = report.institutions.reduce((sum, i) => sum + i.signoffsTacit, 0);
  const late = report.institutions.filter((i) => i.overdue > 0).map((i) => i.institution);
  return {
    key: `${key}:informe`,
    recipients: [secretariat],
    kind: 'informe_mensual',
    title: `Informe mensual de cumplimiento: ${overdue} tarea(s) vencida(s)${late.length ? ` (${late.join(', ')})` : ''}; ${tacit} conformidad(es) tácita(s). Detalle en /api/v1/reports/institutions.`,
  };
}
