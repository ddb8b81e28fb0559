// The Temporal Schedules of the Mesa, created at start if missing and updated when their
// definition changed (idempotent): visible with `temporal schedule list` and `describe`.
// The digests and the monthly report are written in Lima time (spec.timezone) and skip the
// non-working days known when the worker starts (docs/domain.md#calendario-y-plazos); the
// workflows also ask the calendar (an activity), so a day decreed later is skipped too.
import { createHash } from 'node:crypto';
import { ScheduleAlreadyRunning, type CalendarSpec, type Client, type ScheduleSpec } from '@temporalio/client';
import { limaDate, limaDay, limaZone, nationalHolidays, type IsoDate } from '../domain/calendar';

const weekdays: CalendarSpec['dayOfWeek'] = { start: 'MONDAY', end: 'FRIDAY' };

/** The non-working days as schedule exclusions: the whole day, whatever the time. */
function skipDays(days: IsoDate[]): CalendarSpec[] {
  return [...new Set(days)].sort().map((date) => {
    const d = limaDay(date);
    return { year: d.year, month: monthNames[d.month - 1]!, dayOfMonth: d.day, hour: '*', minute: '*', second: '*', comment: date };
  });
}
const monthNames = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'] as const;

export interface ScheduleDefinition { id: string; workflowType: string; spec: ScheduleSpec; note: string }

/** The schedules, given the non-working days to skip (this year's and next, at least). */
export function scheduleDefinitions(nonWorkingDays: IsoDate[]): ScheduleDefinition[] {
  const skip = skipDays(nonWorkingDays);
  const lima = (calendar: CalendarSpec): ScheduleSpec => ({ calendars: [calendar], skip, timezone: limaZone });
  return [
    // Every working day at 8:00; the run that is the week's first working day sends the digest.
    { id: 'resumen-semanal', workflowType: 'weeklyDigestWorkflow', spec: lima({ dayOfWeek: weekdays, hour: 8, comment: 'días hábiles, 8:00' }), note: 'Resumen semanal a cada institución: primer día hábil de la semana, 8:00 (Lima).' },
    { id: 'resumen-diario', workflowType: 'dailyDigestWorkflow', spec: lima({ dayOfWeek: weekdays, hour: 7, comment: 'días hábiles, 7:00' }), note: 'Resumen diario a quien lo eligió: cada día hábil, 7:00 (Lima), con lo llegado desde el día hábil anterior.' },
    { id: 'sello-auditoria', workflowType: 'auditCheckpointWorkflow', spec: { cronExpressions: ['*/10 * * * *'] }, note: 'Punto de control firmado de las cabezas de los registros de auditoría: cada 10 minutos, si alguna cambió.' },
    { id: 'vigilancia', workflowType: 'processCheckWorkflow', spec: { cronExpressions: ['* * * * *'] }, note: 'Procesos abiertos cuyo workflow ya no corre (detenidos): cada minuto.' },
    // Days 1 to 7 on working days at 8:00; the run on the month's first working day sends it.
    { id: 'informe-mensual', workflowType: 'monthlyReportWorkflow', spec: lima({ dayOfMonth: { start: 1, end: 7 }, dayOfWeek: weekdays, hour: 8, comment: 'primeros días hábiles del mes, 8:00' }), note: 'Informe mensual de cumplimiento a la Secretaría Técnica: primer día hábil del mes, 8:00 (Lima).' },
  ];
}

/** The national holidays of this year and the next: what a schedule skips when nothing else is known. */
export function holidaysAhead(now = new Date()): IsoDate[] {
  const year = limaDay(limaDate(now)).year;
  return [...nationalHolidays(year), ...nationalHolidays(year + 1)].map((h) => h.date);
}

/** Creates the schedules that are missing and updates those whose definition changed; their ids. */
export async function ensureSchedules(client: Client, taskQueue: string, prefix = 'mesa', nonWorkingDays: IsoDate[] = holidaysAhead()): Promise<string[]> {
  const ids: string[] = [];
  for (const s of scheduleDefinitions(nonWorkingDays)) {
    const scheduleId = `${prefix}-${s.id}`;
    // The definition's fingerprint travels in the action's memo, which describe returns and update can change.
    const definicion = createHash('sha256').update(JSON.stringify([s.workflowType, taskQueue, s.spec])).digest('hex').slice(0, 16);
    const action = { type: 'startWorkflow' as const, workflowType: s.workflowType, taskQueue, workflowId: scheduleId, args: [], memo: { definicion } };
    try {
      await client.schedule.create({ scheduleId, spec: s.spec, action, memo: { nota: s.note } });
    } catch (e) {
      if (!(e instanceof ScheduleAlreadyRunning)) throw e;
      const handle = client.schedule.getHandle(scheduleId);
      const current = await handle.describe();
      if (current.action.type !== 'startWorkflow' || current.action.memo?.definicion !== definicion) {
        await handle.update((previous) => ({ ...previous, spec: s.spec, action }));
      }
    }
    ids.push(scheduleId);
  }
  return ids;
}
