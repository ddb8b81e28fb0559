// The task process model (processes/task.ts) alone, without Temporal: each rule of
// docs/domain.md#proceso-2 as the validators and the workflow apply it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../processes/common';
import {
  apply, assignedNotice, calendarChanged, fire, initialTaskState, nextTimer, pendingFor, snapshot, taskLabel, taskMemoryVersion, upgradeTaskMemory, validate,
  type TaskAction, type TaskContext, type TaskInput, type TaskState,
} from '../processes/task';

const input: TaskInput = {
  taskId: 'p1-t1', proposalId: 'p1', agreementNumber: 'ACUERDO-2026-001', index: 1, adoptedAt: '2026-03-01T15:00:00.000Z',
  action: { title: 'Guía para retornantes', responsible: ['MTPE', 'RREE'], dueIn: 'P60D', deliverable: 'Guía publicada' },
};
const label = taskLabel(input);
const now = new Date('2026-03-02T15:00:00.000Z');
const ctx: TaskContext = { now, label };
const member = (institution: string): Actor => ({ userId: `u-${institution}`, institution, kind: 'miembro' });
const secretariat: Actor = { userId: 'u-st', institution: 'SECRETARIA', kind: 'secretaria' };

/** Applies the actions in turn, each validated first (a refusal fails the test with its message). */
function run(actions: TaskAction[], from = initialTaskState(input)): TaskState {
  return actions.reduce((s, a) => {
    const refusal = validate(s, a, ctx);
    if (refusal) throw new Error(`${a.type}: ${refusal.message}`);
    return apply(s, a, ctx).state;
  }, from);
}
const refusalOf = (s: TaskState, a: TaskAction, c = ctx) => {
  const r = validate(s, a, c);
  return r && { type: r.type, message: r.message, details: r.details };
};

const accept = (code: string): TaskAction => ({ type: 'accept', actor: member(code) });
const progress = (code: string, percent: number, note?: string): TaskAction => ({ type: 'reportProgress', actor: member(code), percent, note });
const complete = (code: string): TaskAction => ({ type: 'complete', actor: member(code), summary: 'Hecho.' });
const accepted = () => run([accept('MTPE'), accept('RREE')]);
const completed = () => run([accept('MTPE'), accept('RREE'), complete('MTPE'), complete('RREE')]);

describe('assignment', () => {
  it('starts assigned to every responsible institution, due after dueIn, waiting for each to accept', () => {
    const s = initialTaskState(input);
    expect(s).toMatchObject({ status: 'asignada', dueAt: '2026-04-30T15:00:00.000Z', responsible: ['MTPE', 'RREE'], request: null, overdue: false });
    expect(snapshot(s)).toMatchObject({ accepted: [], percent: 0, pendingFor: ['MTPE', 'RREE'] });
  });

  it('refuses every action once verified', () => {
    const verified = run([{ type: 'verify', actor: secretariat, accepted: true, comment: 'Conforme.' }], completed());
    for (const a of [accept('MTPE'), progress('MTPE', 50, 'x'), complete('MTPE'), { type: 'verify', actor: secretariat, accepted: true, comment: '' } as TaskAction]) {
      expect(refusalOf(verified, a)).toMatchObject({ type: 'Conflict', message: 'La tarea ya fue verificada y cerrada.' });
    }
  });
});

describe('acceptance', () => {
  it('is given by each responsible institution once; the task runs when all have accepted', () => {
    const one = run([accept('MTPE')]);
    expect(one.status).toBe('asignada');
    expect(pendingFor(one)).toEqual(['RREE']);
    expect(refusalOf(one, accept('MTPE'))).toMatchObject({ type: 'Conflict', message: 'Su institución ya aceptó esta tarea.' });
    expect(run([accept('RREE')], one).status).toBe('en_ejecucion');
  });

  it('is refused to an institution that is not responsible, "__proto__" included', () => {
    for (const code of ['MINSA', '__proto__', 'constructor']) {
      expect(refusalOf(initialTaskState(input), accept(code))).toMatchObject({ type: 'Forbidden' });
    }
  });

  it('waits while the institution\'s own request is pending', () => {
    const s = run([{ type: 'requestChange', actor: member('RREE'), reason: 'Corresponde a otro sector.' }]);
    expect(refusalOf(s, accept('RREE'))).toMatchObject({ type: 'Conflict', message: expect.stringMatching(/pendiente de decisión/) });
    expect(refusalOf(s, accept('MTPE'))).toBeNull();
  });
});

describe('progress', () => {
  it('is reported after accepting, 0–100, and goes down only with a note', () => {
    expect(refusalOf(initialTaskState(input), progress('MTPE', 10))).toMatchObject({ type: 'Conflict', message: 'Acepte la tarea antes de informar avances.' });
    const s = run([progress('MTPE', 40)], accepted());
    expect(snapshot(s).percent).toBe(20);
    expect(refusalOf(s, progress('MTPE', 30))).toMatchObject({ type: 'BusinessRule', message: expect.stringMatching(/baja de 40 % a 30 %/) });
    expect(run([progress('MTPE', 30, 'Se rehízo un capítulo.')], s).lines.MTPE!.percent).toBe(30);
    for (const percent of [-1, 101, 2.5, Number.NaN]) expect(refusalOf(s, progress('MTPE', percent))).toMatchObject({ type: 'InvalidInput', details: ['percent'] });
  });

  it('needs an http or https evidence link, if any', () => {
    const bad: TaskAction = { type: 'reportProgress', actor: member('MTPE'), percent: 50, evidenceUrl: 'javascript:alert(1)' };
    expect(refusalOf(accepted(), bad)).toMatchObject({ type: 'InvalidInput', details: ['evidenceUrl'] });
  });

  it('records the progress event with its effect on the line', () => {
    const out = apply(accepted(), progress('MTPE', 40, 'Borrador.'), ctx);
    expect(out.event).toEqual({
      action: 'avance', data: { percent: 40, note: 'Borrador.', evidenceUrl: null },
      effects: [{ kind: 'progress', institution: 'MTPE', percent: 40, note: 'Borrador.', evidenceUrl: null }],
    });
    expect(out.notices).toEqual([]);
  });
});

describe('completion and verification', () => {
  it('completes only once all have accepted, each line once, with a result', () => {
    const one = run([accept('MTPE')]);
    expect(refusalOf(one, complete('MTPE'))).toMatchObject({ type: 'Conflict', message: expect.stringMatching(/aceptada por todas/) });
    const s = run([complete('MTPE')], accepted());
    expect(s.status).toBe('en_ejecucion');
    expect(s.lines.MTPE).toEqual({ accepted: true, percent: 100, completed: true });
    expect(refusalOf(s, complete('MTPE'))).toMatchObject({ type: 'Conflict', message: 'Su parte de la tarea ya está completada.' });
    expect(refusalOf(s, progress('MTPE', 100))).toMatchObject({ type: 'Conflict' });
    expect(refusalOf(s, { type: 'complete', actor: member('RREE'), summary: '  ' })).toMatchObject({ type: 'BusinessRule', message: 'Indique el resultado («summary»).' });
  });

  it('tells the secretariat once every line is completed, and then waits for it', () => {
    const s = run([accept('MTPE'), accept('RREE'), complete('MTPE')]);
    const out = apply(s, complete('RREE'), ctx);
    expect(out.state.status).toBe('completada');
    expect(pendingFor(out.state)).toEqual(['SECRETARIA']);
    expect(out.notices).toEqual([{ kind: 'verificacion_pendiente', recipients: ['SECRETARIA'], title: `Tarea completada, por verificar: ${label}` }]);
    expect(apply(s, complete('MTPE'), ctx).notices).toEqual([]);
  });

  it('is verified by the secretariat only, on a completed task; a return needs observations and reopens every line', () => {
    const verify = (accepted: boolean, comment: string, actor = secretariat): TaskAction => ({ type: 'verify', actor, accepted, comment });
    expect(refusalOf(accepted(), verify(true, 'Conforme.'))).toMatchObject({ type: 'Conflict' });
    const s = completed();
    expect(refusalOf(s, verify(true, 'Conforme.', member('MTPE')))).toMatchObject({ type: 'Forbidden', message: 'Solo la Secretaría Técnica verifica las tareas.' });
    expect(refusalOf(s, verify(false, ''))).toMatchObject({ type: 'BusinessRule' });
    const returned = apply(s, verify(false, 'Falta la versión en quechua.'), ctx);
    expect(returned.state.status).toBe('en_ejecucion');
    expect(Object.values(returned.state.lines).every((l) => !l.completed && l.accepted)).toBe(true);
    expect(returned.event.effects).toEqual([{ kind: 'line', institution: 'MTPE', completed: false }, { kind: 'line', institution: 'RREE', completed: false }]);
    expect(returned.notices[0]).toMatchObject({ kind: 'tarea_devuelta', recipients: ['MTPE', 'RREE'], title: expect.stringMatching(/quechua/) });
    const done = apply(s, verify(true, 'Conforme.'), ctx);
    expect(done.state.status).toBe('verificada');
    expect(pendingFor(done.state)).toEqual([]);
    expect(done.notices[0]).toMatchObject({ kind: 'tarea_verificada' });
  });
});

describe('requests for a new due date or reassignment', () => {
  const ask = (code: string, extra: Partial<{ reason: string; proposedDueDate: string }> = {}): TaskAction =>
    ({ type: 'requestChange', actor: member(code), reason: 'Requiere presupuesto.', ...extra });
  const decide = (granted: boolean, responsible?: string[], comment = 'Decidido.'): TaskAction => ({ type: 'decideRequest', actor: secretariat, granted, comment, responsible });

  it('go to the secretariat one at a time, with a reason and a future date', () => {
    const out = apply(initialTaskState(input), ask('MTPE', { proposedDueDate: '2026-09-01T17:00:00-05:00' }), ctx);
    expect(out.event.action).toBe('nueva_fecha_solicitada');
    expect(out.notices).toEqual([{ kind: 'solicitud_tarea', recipients: ['SECRETARIA'], title: `MTPE solicita una nueva fecha: ${label}` }]);
    expect(pendingFor(out.state)).toEqual(['SECRETARIA']);
    expect(refusalOf(out.state, ask('RREE'))).toMatchObject({ type: 'Conflict', message: 'Ya hay una solicitud pendiente de decisión en esta tarea.' });
    expect(refusalOf(initialTaskState(input), ask('MTPE', { reason: ' ' }))).toMatchObject({ type: 'BusinessRule' });
    expect(refusalOf(initialTaskState(input), ask('MTPE', { proposedDueDate: '2026-03-01T00:00:00Z' }))).toMatchObject({ type: 'BusinessRule', message: 'La nueva fecha propuesta debe ser futura.' });
    expect(refusalOf(initialTaskState(input), ask('MTPE', { proposedDueDate: '2026-02-30T10:00:00Z' }))).toMatchObject({ type: 'InvalidInput', details: ['proposedDueDate'] });
    expect(refusalOf(completed(), ask('MTPE'))).toMatchObject({ type: 'Conflict', message: 'La tarea está completada y en verificación.' });
  });

  it('a granted new date moves the due date and clears overdue; a refusal returns the task to the institution', () => {
    const overdue = fire(run([ask('MTPE', { proposedDueDate: '2026-09-01T17:00:00-05:00' })]), { key: 'k', at: now, kind: 'vencida' }, label).state;
    expect(overdue.overdue).toBe(true);
    const granted = apply(overdue, decide(true), ctx);
    expect(granted.state).toMatchObject({ dueAt: '2026-09-01T22:00:00.000Z', overdue: false, request: null });
    expect(granted.notices).toEqual([{ kind: 'solicitud_decidida', recipients: ['MTPE'], title: `Solicitud concedida (Decidido.): ${label}` }]);
    const refused = apply(run([ask('MTPE')]), decide(false), ctx);
    expect(refused.event.action).toBe('solicitud_denegada');
    expect(pendingFor(refused.state)).toEqual(['MTPE', 'RREE']);
  });

  it('a granted reassignment hands the requester\'s line to the institutions named, who must accept', () => {
    const s = run([ask('RREE')], run([accept('MTPE'), accept('RREE')]));
    expect(refusalOf(s, decide(true))).toMatchObject({ type: 'BusinessRule', message: expect.stringMatching(/nuevas instituciones responsables/) });
    expect(refusalOf(s, decide(true, ['RREE', 'MINSA']))).toMatchObject({ type: 'BusinessRule', message: expect.stringMatching(/no puede figurar/) });
    expect(refusalOf(s, decide(true, ['MINSA', 'MINSA']))).toMatchObject({ type: 'InvalidInput', details: ['responsible'] });
    const out = apply(s, decide(true, ['MINSA']), ctx);
    expect(out.state).toMatchObject({ responsible: ['MTPE', 'MINSA'], status: 'asignada', request: null });
    expect(out.state.lines.RREE).toBeUndefined();
    expect(out.event.effects).toEqual([{ kind: 'responsible', responsible: ['MTPE', 'MINSA'] }]);
    expect(out.notices.map((n) => [n.kind, n.recipients])).toEqual([['solicitud_decidida', ['RREE', 'MINSA']], ['tarea_asignada', ['MINSA']]]);
  });

  it('a reassignment may not leave only institutions that already completed their part', () => {
    const s = run([ask('RREE')], run([accept('MTPE'), accept('RREE'), complete('MTPE')]));
    expect(refusalOf(s, decide(true, ['MTPE']))).toMatchObject({ type: 'BusinessRule', message: expect.stringMatching(/ya completaron su parte/) });
    expect(refusalOf(s, decide(true, ['MINSA']))).toBeNull();
  });

  it('are decided by the secretariat only, with a comment, when one is pending', () => {
    expect(refusalOf(initialTaskState(input), decide(false))).toMatchObject({ type: 'Conflict', message: 'No hay ninguna solicitud pendiente en esta tarea.' });
    const s = run([ask('MTPE')]);
    expect(refusalOf(s, { ...decide(false), actor: member('RREE') } as TaskAction)).toMatchObject({ type: 'Forbidden' });
    expect(refusalOf(s, decide(false, undefined, ''))).toMatchObject({ type: 'BusinessRule' });
  });
});

describe('reminders and the overdue escalation', () => {
  const startedAt = new Date(input.adoptedAt);

  it('reminds P7D and P1D before the due date, then escalates at it, each once per due date', () => {
    const s = accepted();
    const first = nextTimer(s, ['P7D', 'P1D'], startedAt, []);
    expect(first).toMatchObject({ kind: 'recordatorio', at: new Date('2026-04-23T15:00:00.000Z') });
    const second = nextTimer(s, ['P7D', 'P1D'], startedAt, [first!.key]);
    expect(second).toMatchObject({ kind: 'recordatorio', at: new Date('2026-04-29T15:00:00.000Z') });
    const last = nextTimer(s, ['P7D', 'P1D'], startedAt, [first!.key, second!.key]);
    expect(last).toMatchObject({ kind: 'vencida', at: new Date(s.dueAt) });
    expect(nextTimer({ ...s, dueAt: '2026-06-01T15:00:00.000Z' }, ['P7D', 'P1D'], startedAt, [first!.key])?.key).not.toBe(second!.key);
  });

  it('skips reminders that fell before the task started, and stops once the work is delivered', () => {
    expect(nextTimer(accepted(), ['P90D'], startedAt, [])?.kind).toBe('vencida');
    expect(nextTimer(completed(), ['P7D'], startedAt, [])).toBeNull();
  });

  it('reminds those still owing work; the escalation marks the task overdue and tells them and the secretariat', () => {
    const s = run([complete('MTPE')], accepted());
    const reminded = fire(s, { key: 'k', at: now, kind: 'recordatorio' }, label);
    expect(reminded.event).toBeNull();
    expect(reminded.notices).toEqual([{ kind: 'tarea_por_vencer', recipients: ['RREE'], title: `La tarea vence el jueves 30 de abril de 2026 a las 10:00: ${label}` }]);
    const escalated = fire(s, { key: 'k', at: now, kind: 'vencida' }, label);
    expect(escalated.state.overdue).toBe(true);
    expect(escalated.event).toEqual({ action: 'vencida', data: { dueAt: s.dueAt }, effects: [] });
    expect(escalated.notices[0]!.recipients).toEqual(['RREE', 'SECRETARIA']);
  });
});

describe('a refused record', () => {
  it('is undone on the state as it is by then, keeping what other actions changed meanwhile', () => {
    const s = run([accept('MTPE')]);
    const mine = apply(s, progress('MTPE', 50), ctx);
    const meanwhile = apply(mine.state, accept('RREE'), ctx).state;
    const undone = mine.undo(meanwhile);
    expect(undone.lines.MTPE!.percent).toBe(0);
    expect(undone.lines.RREE!.accepted).toBe(true);
    expect(undone.status).toBe('en_ejecucion');
  });
});

describe('the state carried across continue-as-new', () => {
  it('has a version; a memory without one is version 1, and one from a newer worker is refused', () => {
    const memory = { input, state: initialTaskState(input), seq: 4, startedAt: input.adoptedAt, fired: ['x'], outbox: [], auditHead: null };
    expect(upgradeTaskMemory(memory)).toEqual({ ...memory, version: taskMemoryVersion });
    expect(upgradeTaskMemory({ ...memory, version: 1 })).toEqual({ ...memory, version: 1 });
    expect(() => upgradeTaskMemory({ ...memory, version: taskMemoryVersion + 1 })).toThrow(/versión posterior/);
  });
});

describe('any sequence of actions', () => {
  const codes = ['MTPE', 'RREE', 'MINSA'];
  const anAction: fc.Arbitrary<TaskAction> = fc.oneof(
    fc.constantFrom(...codes).map(accept),
    fc.tuple(fc.constantFrom(...codes), fc.integer({ min: 0, max: 100 }), fc.option(fc.constant('Nota.'), { nil: undefined })).map(([c, p, n]) => progress(c, p, n)),
    fc.constantFrom(...codes).map(complete),
    fc.tuple(fc.constantFrom(...codes), fc.boolean()).map(([c, date]) => ({ type: 'requestChange', actor: member(c), reason: 'Motivo.', ...(date ? { proposedDueDate: '2026-12-01T12:00:00Z' } : {}) }) as TaskAction),
    fc.tuple(fc.boolean(), fc.subarray(codes, { minLength: 1 })).map(([g, r]) => ({ type: 'decideRequest', actor: secretariat, granted: g, comment: 'Decidido.', responsible: r }) as TaskAction),
    fc.boolean().map((a) => ({ type: 'verify', actor: secretariat, accepted: a, comment: 'Obs.' }) as TaskAction),
  );

  it('keeps the task consistent, and never changes the state it was given', () => {
    fc.assert(fc.property(fc.array(anAction, { maxLength: 40 }), (actions) => {
      let s = initialTaskState(input);
      for (const a of actions) {
        if (validate(s, a, ctx)) continue;
        const before = JSON.stringify(s);
        const next = apply(s, a, ctx).state;
        expect(JSON.stringify(s)).toBe(before);
        s = next;
        expect(s.responsible.length).toBeGreaterThan(0);
        expect(new Set(s.responsible).size).toBe(s.responsible.length);
        expect(Object.keys(s.lines).sort()).toEqual([...s.responsible].sort());
        const lines = s.responsible.map((i) => s.lines[i]!);
        if (s.status !== 'asignada') expect(lines.every((l) => l.accepted)).toBe(true);
        if (s.status === 'completada' || s.status === 'verificada') expect(lines.every((l) => l.completed && l.percent === 100)).toBe(true);
        if (s.status === 'en_ejecucion') expect(lines.some((l) => !l.completed)).toBe(true);
        expect(snapshot(s).percent).toBeGreaterThanOrEqual(0);
        expect(snapshot(s).percent).toBeLessThanOrEqual(100);
      }
    }), { numRuns: 300 });
  });
});

describe('a task on the working-day calendar', () => {
  const national = { nonWorkingDays: [], closeOfDay: '17:00' };
  const onCalendar: TaskInput = {
    ...input, adoptedAt: '2026-11-20T06:55:00.000Z', calendar: national,
    action: { ...input.action, dueIn: { workingDays: 10 } },
  };
  const onCalendarLabel = taskLabel(onCalendar);

  it('is assigned with its due date as people say it', () => {
    const s = initialTaskState(onCalendar);
    expect(s.dueAt).toBe('2026-12-04T22:00:00.000Z');
    expect(assignedNotice(s, onCalendarLabel, onCalendar.action.dueIn).title)
      .toBe(`Nueva tarea del ${onCalendarLabel}. Vence el viernes 4 de diciembre de 2026 a las 17:00 (10 días hábiles).`);
  });

  it('moves its due date when its last day becomes non-working, recording it and telling the responsible institutions', () => {
    const s = initialTaskState(onCalendar);
    const moved = calendarChanged(s, onCalendar, { ...national, nonWorkingDays: ['2026-12-04'] }, ['2026-12-04'], onCalendarLabel);
    expect(moved?.state.dueAt).toBe('2026-12-07T22:00:00.000Z');
    expect(moved?.event).toEqual({ action: 'plazo_movido', data: { from: s.dueAt, to: '2026-12-07T22:00:00.000Z', dates: ['2026-12-04'] }, effects: [] });
    expect(moved?.notices).toEqual([{
      kind: 'plazo_movido', recipients: ['MTPE', 'RREE'],
      title: `Plazo movido por un día no laborable: ahora vence el lunes 7 de diciembre de 2026 a las 17:00 (10 días hábiles): ${onCalendarLabel}`,
    }]);
  });

  it('keeps a due date the day does not fall in, one given as a duration, one granted by the secretariat, and an overdue one', () => {
    const later = { ...national, nonWorkingDays: ['2026-12-10'] };
    const s = initialTaskState(onCalendar);
    expect(calendarChanged(s, onCalendar, later, ['2026-12-10'], onCalendarLabel)).toBeNull();
    const holiday = { ...national, nonWorkingDays: ['2026-12-04'] };
    expect(calendarChanged(initialTaskState({ ...input, calendar: national }), { ...input, calendar: national }, holiday, ['2026-12-04'], label)).toBeNull();
    expect(calendarChanged({ ...s, dueAt: '2026-12-04T20:00:00.000Z' }, onCalendar, holiday, ['2026-12-04'], onCalendarLabel)).toBeNull();
    expect(calendarChanged({ ...s, overdue: true }, onCalendar, holiday, ['2026-12-04'], onCalendarLabel)).toBeNull();
  });
});
