// The session model alone, without Temporal or a database (processes/session.ts): every rule the
// workflow's validators apply, and what each action records.
import { describe, expect, it } from 'vitest';
import { quorumRequired, sessionDefaults } from '../domain/session';
import { Refusal } from '../processes/common';
import { apply, convene, fire, nextTimer, validate, type SessionAction, type SessionState } from '../processes/session';

const members = Array.from({ length: 22 }, (_, i) => `M${String(i + 1).padStart(2, '0')}`);
const secretaria = { userId: 'u-st', institution: 'SECRETARIA', kind: 'secretaria' };
const member = (code: string) => ({ userId: `u-${code}`, institution: code, kind: 'miembro' });
const t0 = new Date('2027-03-15T15:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

function session(rule: 'consenso' | 'mayoria_simple' = 'consenso'): SessionState {
  return convene({
    sessionId: 's1', kind: 'ordinaria', startsAt: t0.toISOString(), place: 'RREE', videoUrl: null, members,
    invited: [...members, 'DEFENSORIA'], rules: { ...sessionDefaults, reminders: ['P1D', 'PT1H'] }, convenedAt: at(-3 * 24 * 60).toISOString(),
    agenda: [
      { kind: 'propuesta', proposalId: 'p1', title: 'Protocolo', decisionRule: rule, concernsCivilSociety: false },
      { kind: 'propuesta', proposalId: 'p2', title: 'Ventanilla', decisionRule: rule, concernsCivilSociety: false },
      { kind: 'otro', title: 'Varios' },
    ],
  });
}

/** Validates, then applies: what the workflow does with an update. */
function act(s: SessionState, a: SessionAction, now = at(1)) {
  validate(s, a, now);
  return apply(s, a, now);
}

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof Refusal) return { type: e.type, message: e.message };
    throw e;
  }
  throw new Error('not refused');
};

function opened(rule: 'consenso' | 'mayoria_simple' = 'consenso', present = members.slice(0, 15)) {
  const s = session(rule);
  act(s, { type: 'open', actor: secretaria, present });
  return s;
}

describe('quorum', () => {
  it('is more than the fraction of the active members', () => {
    expect(quorumRequired(0.5, 22)).toBe(12);
    expect(quorumRequired(0.5, 21)).toBe(11);
    expect(quorumRequired(0.3333, 22)).toBe(8);
  });

  it('opens with quorum and records who is present', () => {
    const s = session();
    const r = act(s, { type: 'open', actor: secretaria, present: members.slice(0, 12) });
    expect(r.refusal).toBeUndefined();
    expect(s).toMatchObject({ status: 'en_curso', quorum: { required: 12, present: 12, met: true, call: 1 } });
    expect(r.events[0]).toMatchObject({ action: 'abierta', effects: [{ kind: 'attendance', present: members.slice(0, 12), call: 1 }] });
  });

  it('without quorum goes to a second call after the configured wait, then suspends', () => {
    const s = session();
    const first = act(s, { type: 'open', actor: secretaria, present: members.slice(0, 11) });
    expect(first.refusal?.type).toBe('Conflict');
    expect(s).toMatchObject({ status: 'convocada', call: 2, secondCallAt: at(31).toISOString() });
    expect(first.notices).toEqual([expect.objectContaining({ kind: 'segunda_convocatoria', recipients: [...members, 'DEFENSORIA'] })]);
    expect(refusal(() => validate(s, { type: 'open', actor: secretaria, present: members }, at(20)))).toMatchObject({ type: 'Conflict' });
    const second = act(s, { type: 'open', actor: secretaria, present: members.slice(0, 7) }, at(31));
    expect(second.refusal?.message).toMatch(/suspendida/);
    expect(s.status).toBe('suspendida');
  });

  it('counts only members: an observer present does not make quorum', () => {
    const s = session();
    act(s, { type: 'open', actor: secretaria, present: [...members.slice(0, 11), 'DEFENSORIA'] });
    expect(s.quorum).toMatchObject({ present: 11, met: false });
  });
});

describe('what each action may do', () => {
  it('refuses opening before the start, by anyone but the secretariat, twice, or with someone not convened', () => {
    const s = session();
    expect(refusal(() => validate(s, { type: 'open', actor: secretaria, present: members }, at(-1)))).toMatchObject({ type: 'Conflict' });
    expect(refusal(() => validate(s, { type: 'open', actor: member('M01'), present: members }, at(1)))).toMatchObject({ type: 'Forbidden' });
    expect(refusal(() => validate(s, { type: 'open', actor: secretaria, present: ['OSC1'] }, at(1)))).toMatchObject({ type: 'BusinessRule' });
    act(s, { type: 'open', actor: secretaria, present: members });
    expect(refusal(() => validate(s, { type: 'open', actor: secretaria, present: members }, at(2)))).toMatchObject({ type: 'Conflict', message: 'La sesión ya está abierta: no se abre dos veces.' });
  });

  it('lets only invited institutions confirm, while convened', () => {
    const s = session();
    expect(refusal(() => validate(s, { type: 'confirm', actor: member('OSC1'), attends: true }, at(-60)))).toMatchObject({ type: 'Forbidden' });
    act(s, { type: 'confirm', actor: member('M01'), attends: true, representative: { name: 'Ana', email: 'ana@x.pe' } }, at(-60));
    expect(act(s, { type: 'confirm', actor: member('M01'), attends: false }, at(-30)).events[0]!.action).toBe('asistencia_cambiada');
    expect(s.confirmations.M01).toMatchObject({ attends: false, representative: null });
  });

  it('takes positions only from present members on the item under discussion, changeable until it closes', () => {
    const s = opened();
    expect(refusal(() => validate(s, { type: 'position', actor: member('M20'), n: 1, position: 'aprueba' }, at(2))).message).toMatch(/no está presente/);
    expect(refusal(() => validate(s, { type: 'position', actor: member('M01'), n: 2, position: 'aprueba' }, at(2))).message).toMatch(/no está en debate/);
    expect(refusal(() => validate(s, { type: 'position', actor: secretaria, n: 1, position: 'aprueba' }, at(2)))).toMatchObject({ type: 'Forbidden' });
    act(s, { type: 'position', actor: member('M01'), n: 1, position: 'aprueba' }, at(2));
    const change = act(s, { type: 'position', actor: member('M01'), n: 1, position: 'objeta', comment: 'No' }, at(3));
    expect(change.events[0]).toMatchObject({ action: 'posicion_cambiada', data: { previous: 'aprueba', position: 'objeta' } });
    const proxy = act(s, { type: 'position', actor: secretaria, n: 1, position: 'se_abstiene', institution: 'M02' }, at(3));
    expect(proxy.events[0]!.data).toMatchObject({ institution: 'M02', onBehalf: true });
  });
});

describe('deciding an item', () => {
  const castAll = (s: SessionState, n: number, objecting: string[] = []) => {
    for (const code of s.present) act(s, objecting.includes(code)
      ? { type: 'position', actor: member(code), n, position: 'objeta', comment: 'En contra' }
      : { type: 'position', actor: member(code), n, position: 'aprueba' }, at(5));
  };

  it('applies the proposal rule over the members present and records the absent as absent, never tacit', () => {
    const s = opened();
    castAll(s, 1);
    const closed = act(s, { type: 'closeItem', actor: secretaria, n: 1, summary: 'Debate breve.', number: 'ACUERDO-2027-001' }, at(10));
    expect(s.items[0]).toMatchObject({ status: 'cerrado', outcome: 'adoptada', number: 'ACUERDO-2027-001', absent: members.slice(15) });
    expect(s.items[0]!.counts).toMatchObject({ members: 15, answered: 15, aprueba: 15, tacit: 0 });
    expect(closed.events[0]).toMatchObject({ action: 'punto_cerrado', data: { outcome: 'adoptada', absent: members.slice(15) } });
  });

  it('under consensus one objection sends the proposal back; under simple majority it is adopted', () => {
    const consensus = opened('consenso');
    castAll(consensus, 1, ['M03']);
    act(consensus, { type: 'closeItem', actor: secretaria, n: 1, summary: 'x' }, at(10));
    expect(consensus.items[0]).toMatchObject({ outcome: 'observada', number: null });
    const majority = opened('mayoria_simple');
    castAll(majority, 1, ['M03']);
    act(majority, { type: 'closeItem', actor: secretaria, n: 1, summary: 'x', number: 'ACUERDO-2027-002' }, at(10));
    expect(majority.items[0]).toMatchObject({ outcome: 'adoptada', number: 'ACUERDO-2027-002' });
  });

  it('takes items in order, lets pending ones be reordered or deferred, and closes the session only when none is pending', () => {
    const s = opened();
    expect(refusal(() => validate(s, { type: 'closeItem', actor: secretaria, n: 3, summary: 'x' }, at(5))).message).toMatch(/el punto en curso es el 1/);
    act(s, { type: 'reorder', actor: secretaria, order: [3, 2, 1] }, at(5));
    expect(s.items.map((i) => i.n)).toEqual([3, 2, 1]);
    act(s, { type: 'closeItem', actor: secretaria, n: 3, summary: 'Varios' }, at(6));
    expect(s.items.find((i) => i.n === 3)!.outcome).toBe('tratado');
    act(s, { type: 'deferItem', actor: secretaria, n: 2, reason: 'Sin informe' }, at(7));
    expect(refusal(() => validate(s, { type: 'close', actor: secretaria, observationDeadline: at(60 * 24).toISOString() }, at(8))).message).toMatch(/Quedan puntos por cerrar o diferir: 1/);
    act(s, { type: 'deferItem', actor: secretaria, n: 1, reason: 'Sin quórum técnico' }, at(8));
    act(s, { type: 'close', actor: secretaria, observationDeadline: at(60 * 24).toISOString() }, at(9));
    expect(s.acta).toMatchObject({ status: 'en_observacion', version: 1, attending: members.slice(0, 15) });
    expect(s.acta!.text).toMatch(/Diferido a la próxima sesión: Sin informe\./);
  });
});

describe('the acta', () => {
  function circulating() {
    const s = opened('consenso', members.slice(0, 12));
    act(s, { type: 'deferItem', actor: secretaria, n: 1, reason: 'x' }, at(2));
    act(s, { type: 'deferItem', actor: secretaria, n: 2, reason: 'x' }, at(2));
    act(s, { type: 'closeItem', actor: secretaria, n: 3, summary: 'Varios' }, at(3));
    act(s, { type: 'close', actor: secretaria, observationDeadline: at(120).toISOString() }, at(4));
    return s;
  }

  it('is approved before its deadline only once every attending institution answered', () => {
    const s = circulating();
    act(s, { type: 'conform', actor: member('M01') }, at(5));
    expect(refusal(() => validate(s, { type: 'approveActa', actor: secretaria }, at(6))).message).toMatch(/aún no responden: M02/);
    for (const code of members.slice(1, 12)) act(s, { type: 'conform', actor: member(code) }, at(7));
    act(s, { type: 'approveActa', actor: secretaria }, at(8));
    expect(s.status).toBe('acta_aprobada');
  });

  it('is approved by silence at its deadline when nobody observed it, and the record says who was silent', () => {
    const s = circulating();
    act(s, { type: 'conform', actor: member('M01') }, at(5));
    const timer = nextTimer(s, at(-3 * 24 * 60).toISOString())!;
    expect(timer).toMatchObject({ kind: 'plazo_acta', at: at(120).toISOString() });
    const r = fire(s, timer);
    expect(s.status).toBe('acta_aprobada');
    expect(r.events[0]).toMatchObject({ action: 'acta_aprobada', data: { silent: members.slice(1, 12) } });
    expect(r.events[0]!.data.note).toMatch(/^Aprobada por silencio de: M02/);
    expect(s.acta!.answers).toMatchObject({ M01: 'conforme', M02: 'silencio' });
  });

  it('waits for the secretariat when there are observations, and takes them only from those who attended, before the deadline', () => {
    const s = circulating();
    expect(refusal(() => validate(s, { type: 'observe', actor: member('M20'), text: 'x' }, at(5)))).toMatchObject({ type: 'Forbidden' });
    act(s, { type: 'observe', actor: member('M02'), text: 'Corregir el nombre del representante.' }, at(5));
    fire(s, nextTimer(s, at(-3 * 24 * 60).toISOString())!);
    expect(s.status).toBe('cerrada');
    expect(refusal(() => validate(s, { type: 'observe', actor: member('M03'), text: 'x' }, at(121)))).toMatchObject({ type: 'Conflict' });
    act(s, { type: 'correct', actor: secretaria, text: 'Acta corregida', changeSummary: 'Nombre corregido' }, at(122));
    act(s, { type: 'approveActa', actor: secretaria }, at(123));
    expect(s.acta).toMatchObject({ status: 'aprobada', version: 2, text: 'Acta corregida' });
  });
});

describe('reminders', () => {
  it('fire before the start only to those who have not confirmed, and only those after the convocation', () => {
    const s = session();
    act(s, { type: 'confirm', actor: member('M01'), attends: true }, at(-2 * 24 * 60));
    const first = nextTimer(s, at(-3 * 24 * 60).toISOString())!;
    expect(first).toMatchObject({ kind: 'recordatorio', at: at(-24 * 60).toISOString() });
    const r = fire(s, first);
    expect(r.notices[0]!.recipients).not.toContain('M01');
    expect(r.notices[0]!.recipients).toContain('M02');
    expect(nextTimer(s, at(-3 * 24 * 60).toISOString())).toMatchObject({ at: at(-60).toISOString() });
    // Convened 30 minutes before: the one-hour reminder is already past and never fires.
    expect(nextTimer(session(), at(-30).toISOString())).toBeNull();
  });
});
