// Supervision: reports (JSON and CSV), calendar feeds, weekly digests and the schedules.
import ICAL from 'ical.js';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxItems } from '../db/schema';
import { ensureSchedules } from '../runtime/schedules';
import { adoptWith, eventually, launchBody, memberCodes, startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => { mesa = await startMesa(); });
afterAll(() => mesa?.close());

const digests = async () => mesa.database.db.select().from(inboxItems).where(eq(inboxItems.kind, 'resumen_semanal'));
const runDigest = () => mesa.client.workflow.execute('weeklyDigestWorkflow', { taskQueue: mesa.taskQueue, workflowId: `digest-${Date.now()}`, args: [] }) as Promise<number>;

describe('supervision', () => {
  it('sends no weekly digest when nothing awaits anyone', async () => {
    expect(await runDigest()).toBe(0);
    expect(await digests()).toEqual([]);
  });

  it('reports figures that match a known set of proposals and tasks, as JSON and as CSV', async () => {
    const [t1, t2, t3] = await adoptWith(mesa, [
      { title: 'T1', responsible: ['MTPE'], dueIn: 'P60D', deliverable: 'd' },
      { title: 'T2', responsible: ['MIMP'], dueIn: 'PT2S', deliverable: 'd', reminders: [] },
      { title: 'T3', responsible: ['MTPE', 'RREE'], dueIn: 'P30D', deliverable: 'd' },
    ]);
    const accept = (code: string, id: string) => mesa.call(code, 'POST', `/api/v1/tasks/${id}/accept`, {});
    await accept('MTPE', t1!);
    await accept('MTPE', t3!);
    await accept('RREE', t3!);
    // A second proposal, for OE5, adopted with MEF silent (tacit) and no tasks.
    const b = (await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({
      title: 'Integración de extranjeros', objectives: ['OE5'], populations: ['extranjeros'], leadWorkingGroup: 'GT4', workingGroups: [],
      stages: ['conformidad'], deadlines: { conformidad: 'PT8S' }, reminders: [], actions: [],
    }))).body.id;
    await Promise.all(memberCodes.filter((c) => c !== 'MEF').map((code) => mesa.call(code, 'POST', `/api/v1/proposals/${b}/signoffs`, { position: 'aprueba' })));
    await eventually(async () => (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${b}`)).body.status === 'adoptada');
    await eventually(async () => (await mesa.call('MIMP', 'GET', `/api/v1/tasks/${t2}`)).body.overdue);

    const pnm = (await mesa.call('MINSA', 'GET', '/api/v1/reports/pnm')).body;
    expect(pnm.objectives.map((o: { key: string }) => o.key)).toEqual(['OE1', 'OE2', 'OE3', 'OE4', 'OE5']);
    const oe = (key: string) => pnm.objectives.find((o: { key: string }) => o.key === key);
    expect(oe('OE4')).toMatchObject({ proposals: { adoptada: 1, en_curso: 0 }, tasks: { asignada: 1, en_ejecucion: 2, completada: 0, verificada: 0 }, tasksTotal: 3, overdue: 1 });
    expect(oe('OE5')).toMatchObject({ proposals: { adoptada: 1 }, tasksTotal: 0, overdue: 0 });
    expect(oe('OE1')).toMatchObject({ proposals: { adoptada: 0 }, tasksTotal: 0 });
    expect(pnm.populations.find((p: { key: string }) => p.key === 'retornantes')).toMatchObject({ tasksTotal: 3, overdue: 1 });
    expect(pnm.workingGroups.find((g: { key: string }) => g.key === 'GT3')).toMatchObject({ tasksTotal: 3 });
    expect(pnm.workingGroups.find((g: { key: string }) => g.key === 'GT4')).toMatchObject({ proposals: { adoptada: 1 }, tasksTotal: 0 });

    const inst = (await mesa.call('MINSA', 'GET', '/api/v1/reports/institutions')).body.institutions;
    expect(inst).toHaveLength(22);
    const of = (code: string) => inst.find((i: { institution: string }) => i.institution === code);
    expect(of('MTPE')).toMatchObject({ tasks: { en_ejecucion: 2, asignada: 0 }, overdue: 0, signoffsAnswered: 2, signoffsTacit: 0 });
    expect(of('MTPE').averageDaysToAccept).toBeGreaterThanOrEqual(0);
    expect(of('MIMP')).toMatchObject({ tasks: { asignada: 1 }, overdue: 1, averageDaysToAccept: null });
    expect(of('MEF')).toMatchObject({ signoffsAnswered: 1, signoffsTacit: 1 });
    expect(of('MINSA').averageHoursToAnswer).toBeGreaterThanOrEqual(0);
    expect(of('MINSA').averageHoursToAnswer).toBeLessThan(1);

    const csv = await mesa.app.inject({ url: '/api/v1/reports/pnm', headers: { authorization: `Bearer ${await mesa.login('MINSA')}`, accept: 'text/csv' } });
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="mesa-avance-pnm.csv"/);
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csv.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('Dimensión,Valor,Propuestas en curso,Propuestas adoptadas,Propuestas observadas,Propuestas rechazadas,Propuestas retiradas,Tareas asignadas,Tareas en ejecución,Tareas completadas,Tareas verificadas,Tareas en total,Tareas vencidas');
    expect(lines).toContain('Objetivo PNM,OE4,0,1,0,0,0,1,2,0,0,3,1');
    expect(lines).toHaveLength(1 + 5 + 4 + 4);
    // Populations are named in words, as people read them; no code reaches the spreadsheet.
    expect(lines.filter((l) => l.startsWith('Población,')).map((l) => l.split(',')[1]))
      .toEqual(['Peruanos con intención de migrar', 'Peruanos en el exterior', 'Retornantes', 'Extranjeros en el Perú']);
    expect(csv.body).not.toMatch(/intencion_de_migrar|,exterior,|,retornantes,|,extranjeros,/);
    const instCsv = await mesa.app.inject({ url: '/api/v1/reports/institutions', headers: { authorization: `Bearer ${await mesa.login('MINSA')}`, accept: 'text/csv' } });
    expect(instCsv.body).toContain('MIMP,Ministerio de la Mujer y Poblaciones Vulnerables,1,0,0,0,1,,');
  });

  it('publishes each institution\'s open deadlines as a calendar feed at a secret address', async () => {
    const res = await mesa.call('MTPE', 'POST', '/api/v1/calendar/token', {});
    expect(res.status).toBe(201);
    const path = new URL(res.body.url).pathname;
    const feed = await mesa.app.inject({ url: path });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
    const events = new ICAL.Component(ICAL.parse(feed.body)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    // MTPE owes T1 and T3; it owes no proposal action.
    expect(events.map((e) => e.summary).sort()).toEqual(['Vence la tarea: T1', 'Vence la tarea: T3']);
    const tasks = (await mesa.call('MTPE', 'GET', '/api/v1/tasks?institution=MTPE')).body.items;
    for (const e of events) {
      const t = tasks.find((x: { title: string }) => e.summary.endsWith(x.title));
      // Calendars keep whole seconds.
      expect(e.startDate.toJSDate().getTime()).toBe(Math.floor(Date.parse(t.dueAt) / 1000) * 1000);
    }

    // An OSC sees the open consultation; a renewed token retires the old address.
    await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ title: 'Consulta abierta, con «comillas», y acentos', stages: ['consulta', 'conformidad'] }));
    const osc = (await mesa.call('AFAMIPER', 'POST', '/api/v1/calendar/token', {})).body.url;
    const oscEvents = new ICAL.Component(ICAL.parse((await mesa.app.inject({ url: new URL(osc).pathname })).body)).getAllSubcomponents('vevent');
    expect(oscEvents.map((v) => new ICAL.Event(v).summary)).toEqual(['Consulta: Consulta abierta, con «comillas», y acentos']);
    // The stage is named in words, not by its code.
    expect(oscEvents.map((v) => new ICAL.Event(v).description)).toEqual(['Plazo de la etapa «Consulta» de la propuesta «Consulta abierta, con «comillas», y acentos».']);
    await mesa.call('MTPE', 'POST', '/api/v1/calendar/token', {});
    expect((await mesa.app.inject({ url: path })).statusCode).toBe(404);
  });

  it('sends a weekly digest only to the institutions something awaits, once per run', async () => {
    const sent = await runDigest();
    const rows = await digests();
    expect(rows).toHaveLength(sent);
    // MIMP owes T2's acceptance, MTPE and RREE the work of T1 and T3; an open consultation with
    // no inputs awaits nobody (taking part is each OSC's choice).
    expect(rows.map((r) => r.institution).sort()).toEqual(['MIMP', 'MTPE', 'RREE']);
    expect(rows.find((r) => r.institution === 'MTPE')!.title).toMatch(/0 propuesta\(s\) y 2 tarea\(s\)/);
    expect(rows.find((r) => r.institution === 'MIMP')!.title).toMatch(/0 propuesta\(s\) y 1 tarea\(s\)/);
  });

  it('creates the weekly and monthly schedules once, however often the engine starts', async () => {
    const prefix = `prueba-${mesa.taskQueue}`;
    const ids = await ensureSchedules(mesa.client, mesa.taskQueue, prefix);
    expect(await ensureSchedules(mesa.client, mesa.taskQueue, prefix)).toEqual(ids);
    try {
      for (const id of ids) {
        const d = await mesa.client.schedule.getHandle(id).describe();
        expect(d.action).toMatchObject({ type: 'startWorkflow', taskQueue: mesa.taskQueue });
      }
      const monthly = await mesa.client.workflow.execute('monthlyReportWorkflow', { taskQueue: mesa.taskQueue, workflowId: `informe-${Date.now()}`, args: [] });
      expect(monthly).toBeUndefined();
      const reports = await mesa.database.db.select().from(inboxItems).where(and(eq(inboxItems.kind, 'informe_mensual'), eq(inboxItems.institution, 'SECRETARIA')));
      expect(reports).toHaveLength(1);
      expect(reports[0]!.title).toMatch(/1 tarea\(s\) vencida\(s\) \(MIMP\); 1 conformidad\(es\) tácita\(s\)/);
    } finally {
      for (const id of ids) await mesa.client.schedule.getHandle(id).delete();
    }
  });
});
