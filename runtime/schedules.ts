// The Temporal Schedules of the Mesa, created at start if missing (idempotent): visible with
// `temporal schedule list`. Times are Lima's (UTC-5, no daylight saving) written in UTC.
import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';

export const schedules = [
  { id: 'resumen-semanal', workflowType: 'weeklyDigestWorkflow', cron: '0 13 * * 1', note: 'Resumen semanal a cada institución: lunes 8:00 (Lima).' },
  { id: 'resumen-diario', workflowType: 'dailyDigestWorkflow', cron: '0 12 * * *', note: 'Resumen diario a quien lo eligió: cada día, 7:00 (Lima).' },
  { id: 'sello-auditoria', workflowType: 'auditCheckpointWorkflow', cron: '*/10 * * * *', note: 'Punto de control firmado de las cabezas de los registros de auditoría: cada 10 minutos, si alguna cambió.' },
  { id: 'vigilancia', workflowType: 'processCheckWorkflow', cron: '* * * * *', note: 'Procesos abiertos cuyo workflow ya no corre (detenidos): cada minuto.' },
  { id: 'informe-mensual', workflowType: 'monthlyReportWorkflow', cron: '0 13 1 * *', note: 'Informe mensual de cumplimiento a la Secretaría Técnica: día 1, 8:00 (Lima).' },
] as const;

export async function ensureSchedules(client: Client, taskQueue: string, prefix = 'mesa'): Promise<string[]> {
  const ids: string[] = [];
  for (const s of schedules) {
    const scheduleId = `${prefix}-${s.id}`;
    try {
      await client.schedule.create({
        scheduleId,
        spec: { cronExpressions: [s.cron] },
        action: { type: 'startWorkflow', workflowType: s.workflowType, taskQueue, workflowId: scheduleId, args: [] },
        memo: { nota: s.note },
      });
    } catch (e) {
      if (!(e instanceof ScheduleAlreadyRunning)) throw e;
    }
    ids.push(scheduleId);
  }
  return ids;
}
