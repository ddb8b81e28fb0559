// The Schedules as Temporal itself describes them (`temporal schedule describe`): the digests and
// the monthly report in Lima time, skipping non-working days, and updated when their definition changes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { limaDate, limaDay, WorkingCalendar } from '../domain/calendar';
import { ensureSchedules, holidaysAhead } from '../runtime/schedules';
import { startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => {
  mesa = await startMesa();
});
afterAll(() => mesa?.close());

interface CliSchedule {
  schedule: { spec: { timezoneName?: string; excludeStructuredCalendar?: Array<{ comment?: string }> } };
  info: { futureActionTimes: string[] };
}

/** The schedule as the Temporal CLI shows it. */
async function describeWithCli(scheduleId: string): Promise<CliSchedule> {
  const { stdout } = await promisify(execFile)(inject('temporalCliPath'), [
    'schedule', 'describe', '--schedule-id', scheduleId, '--address', inject('temporalAddress'), '--namespace', 'default', '--output', 'json',
  ]);
  return JSON.parse(stdout) as CliSchedule;
}

const limaTime = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Lima', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

describe('the schedules of the Mesa', () => {
  it('run the digests and the monthly report in Lima time, on working days only', async () => {
    const prefix = `horario-${mesa.taskQueue}`;
    const skipped = holidaysAhead();
    const ids = await ensureSchedules(mesa.client, mesa.taskQueue, prefix, skipped);
    try {
      const calendar = new WorkingCalendar(skipped);
      for (const [id, time] of [['resumen-semanal', '08:00'], ['resumen-diario', '07:00'], ['informe-mensual', '08:00']] as const) {
        const d = await describeWithCli(`${prefix}-${id}`);
        expect(d.schedule.spec.timezoneName).toBe('America/Lima');
        expect(d.schedule.spec.excludeStructuredCalendar?.map((c) => c.comment)).toEqual([...skipped].sort());
        expect(d.info.futureActionTimes.length).toBeGreaterThan(0);
        for (const at of d.info.futureActionTimes) {
          expect(limaTime(at)).toBe(time);
          expect(calendar.isWorkingDay(limaDate(new Date(at))), `${id} runs on ${at}`).toBe(true);
          if (id === 'informe-mensual') expect(limaDay(limaDate(new Date(at))).day).toBeLessThanOrEqual(7);
        }
      }
    } finally {
      for (const id of ids) await mesa.client.schedule.getHandle(id).delete();
    }
  });

  it('are updated when their definition changes: an older one in UTC, then a newly decreed day', async () => {
    const prefix = `cambio-${mesa.taskQueue}`;
    const weekly = `${prefix}-resumen-semanal`;
    // As the Mesa wrote it before: a UTC cron, no time zone, no days skipped.
    await mesa.client.schedule.create({
      scheduleId: weekly, spec: { cronExpressions: ['0 13 * * 1'] },
      action: { type: 'startWorkflow', workflowType: 'weeklyDigestWorkflow', taskQueue: mesa.taskQueue, workflowId: weekly, args: [] },
    });
    expect((await describeWithCli(weekly)).schedule.spec.timezoneName ?? '').toBe('');
    const ids = await ensureSchedules(mesa.client, mesa.taskQueue, prefix, holidaysAhead());
    try {
      const updated = await describeWithCli(weekly);
      expect(updated.schedule.spec.timezoneName).toBe('America/Lima');
      // The secretariat decrees the third upcoming run's day non-working: the next start skips it.
      const decreed = limaDate(new Date(updated.info.futureActionTimes[2]!));
      await ensureSchedules(mesa.client, mesa.taskQueue, prefix, [...holidaysAhead(), decreed]);
      const again = await describeWithCli(weekly);
      expect(again.schedule.spec.excludeStructuredCalendar?.map((c) => c.comment)).toContain(decreed);
      expect(again.info.futureActionTimes.map((at) => limaDate(new Date(at)))).not.toContain(decreed);
      expect(again.info.futureActionTimes.slice(0, 2)).toEqual(updated.info.futureActionTimes.slice(0, 2));
    } finally {
      for (const id of ids) await mesa.client.schedule.getHandle(id).delete();
    }
  });
});
