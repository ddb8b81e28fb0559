// The proposal process model (processes/proposal.ts) alone, without Temporal: each stage's allowed
// actions and refusals, the round's decision and silence, and the memory carried across runs, as
// docs/domain.md#proceso-1 lists them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withDefaults, type ProposalLaunch } from '../domain/proposal';
import type { ProcessStage } from '../domain/vocabulary';
import type { Actor } from '../processes/common';
import {
  adopted, closed, commented, consultationClosed, deadlineEscalation, deadlinePassed, extensionEscalation, groupDecided,
  initialProposalMemory, inputAnswered, inputSubmitted, launched, nextStage, nextTimer, notAdopted, pendingFor, plannedTasks,
  proposalMemoryVersion, reminder, roundAnswered, roundDecided, roundDecidedInSession, roundExtended, decidableInSession, signedOff, signoffUndone, silenceAtDeadline,
  silenceCounted, silent, snapshot, stageFields, stageOpened, upgradeProposalMemory, validate, versionPublished, withdrawn, metadataCorrected,
  type Participants, type ProposalAction, type ProposalMemory,
} from '../processes/proposal';

const launch: ProposalLaunch = {
  title: 'Protocolo de retorno', summary: 'Resumen.', text: 'Uno.\n\nDos.\n\nTres.', objectives: ['OE4'], populations: ['retornantes'],
  leadWorkingGroup: 'GT3', actions: [{ title: 'Módulo', responsible: ['MIGRACIONES'], dueIn: 'P90D', deliverable: 'Módulo operativo' }],
};
const who: Participants = {
  members: ['MEF', 'MINSA', 'RREE'], oscs: ['AFAMIPER'], observers: ['DEFENSORIA'], support: ['OIM'], secretariat: ['SECRETARIA'],
  coordinators: ['MTPE'], groupMembers: ['MINSA', 'MTPE'],
};
const t0 = new Date('2026-03-02T15:00:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

const actor = (institution: string, kind: Actor['kind']): Actor => ({ userId: `u-${institution}`, institution, kind });
const st = actor('SECRETARIA', 'secretaria');
const coordinator = actor('MTPE', 'miembro');
const osc = actor('AFAMIPER', 'osc');
const support = actor('OIM', 'apoyo');
const member = (code: string) => actor(code, 'miembro');

/** A proposal just launched with these launch fields (the launch event recorded). */
function proposal(overrides: Partial<ProposalLaunch> = {}): ProposalMemory {
  const m = initialProposalMemory({ proposalId: 'p1', plan: withDefaults({ ...launch, ...overrides }), launchedBy: { userId: 'u-st', institution: 'SECRETARIA' } }, t0);
  return { ...launched(m, who, t0).memory, recorded: true };
}
const refusal = (m: ProposalMemory, a: ProposalAction) => {
  const r = validate(m, a);
  return r && { type: r.type, message: r.message, details: r.details };
};
/** Validates, then applies a step (recording its event takes the next number, as the workflow does). */
const step = (m: ProposalMemory, a: ProposalAction | null, next: (m: ProposalMemory) => { memory: ProposalMemory }) => {
  if (a) {
    const r = validate(m, a);
    if (r) throw new Error(`${a.type}: ${r.message}`);
  }
  const out = next(m).memory;
  return { ...out, seq: out.seq + 1 };
};
const advance = (m: ProposalMemory, now = t0) => {
  let s = m;
  if (s.stage === 'consulta' && s.consultationOpen) s = step(s, { type: 'advance', actor: st }, consultationClosed);
  return step(s, { type: 'advance', actor: st }, (x) => stageOpened(x, nextStage(x)!, who, now, 'etapa_abierta'));
};
const inRound = (overrides: Partial<ProposalLaunch> = {}) => proposal({ stages: ['conformidad'], ...overrides });
const sign = (m: ProposalMemory, code: string, position: 'aprueba' | 'objeta' | 'se_abstiene' | 'aprueba_con_observaciones' = 'aprueba') => {
  const a: ProposalAction = { type: 'signoff', actor: member(code), position, comment: position === 'aprueba' || position === 'se_abstiene' ? undefined : 'Motivo.' };
  return step(m, a, (x) => signedOff(x, a as Extract<ProposalAction, { type: 'signoff' }>, t0));
};

describe('launch', () => {
  it('opens the first planned stage with its deadline (10 working days, at the close of the day in Lima), and tells its people', () => {
    const m = initialProposalMemory({ proposalId: 'p1', plan: withDefaults(launch), launchedBy: { userId: 'u', institution: 'SECRETARIA' } }, t0);
    const out = launched(m, who, t0);
    expect(out.memory).toMatchObject({ stage: 'grupo_de_trabajo', status: 'en_curso', seq: 1, currentVersion: 1, paragraphs: 3, deadlines: { grupo_de_trabajo: '2026-03-16T22:00:00.000Z' } });
    expect(out.notices).toEqual([{ kind: 'revision_grupo', recipients: ['MINSA', 'MTPE'], title: 'Revisión en grupo de trabajo: Protocolo de retorno' }]);
    expect(pendingFor(out.memory)).toEqual(['MTPE']);
  });

  it('straight into a round: the round of the members as they are, the observers and support bodies informed', () => {
    const out = launched(initialProposalMemory({ proposalId: 'p1', plan: withDefaults({ ...launch, stages: ['conformidad'] }), launchedBy: { userId: 'u', institution: 'SECRETARIA' } }, t0), who, t0);
    expect(out.memory.round).toEqual({ number: 1, version: 1, members: ['MEF', 'MINSA', 'RREE'], cast: {}, extended: false, closing: false });
    expect(out.effects).toEqual([{ kind: 'round', round: 1, version: 1, members: ['MEF', 'MINSA', 'RREE'], deadline: '2026-03-16T22:00:00.000Z' }]);
    expect(out.notices.map((n) => [n.kind, n.recipients])).toEqual([['conformidad_solicitada', ['MEF', 'MINSA', 'RREE']], ['informacion', ['DEFENSORIA', 'OIM']]]);
  });
});

describe('working group review', () => {
  const decide = (by: Actor, decision: 'avanzar' | 'devolver' | 'rechazar', reason = 'Motivo.'): ProposalAction => ({ type: 'workingGroupDecision', actor: by, decision, reason });

  it('is decided by the group\'s coordination or the secretariat only, in that stage', () => {
    const m = proposal();
    expect(refusal(m, decide(member('MINSA'), 'avanzar'))).toMatchObject({ type: 'Forbidden', message: expect.stringMatching(/coordinación del grupo GT3/) });
    expect(refusal(m, decide(coordinator, 'avanzar', ''))).toBeNull();
    expect(refusal(m, decide(st, 'avanzar', ''))).toBeNull();
    expect(refusal(advance(m), decide(st, 'avanzar'))).toMatchObject({ type: 'Conflict', message: expect.stringMatching(/etapa actual: consulta/) });
    expect(refusal(m, decide(st, 'aprobar' as 'avanzar'))).toMatchObject({ type: 'InvalidInput', details: ['decision'] });
  });

  it('`devolver` and `rechazar` need a reason; `devolver` sends it to revision and back to the group after a new version', () => {
    const m = proposal();
    expect(refusal(m, decide(coordinator, 'devolver', ' '))).toMatchObject({ type: 'BusinessRule' });
    expect(refusal(m, decide(coordinator, 'rechazar', ''))).toMatchObject({ type: 'BusinessRule' });
    const back = groupDecided(m, 'devolver', 'Falta sustento.', t0);
    expect(back.memory).toMatchObject({ stage: 'revision', returnTo: 'grupo_de_trabajo', needsNewVersion: true });
    expect(back.event).toMatchObject({ action: 'grupo_devuelve', data: { decision: 'devolver', reason: 'Falta sustento.' } });
    expect(back.notices).toEqual([{ kind: 'revision', recipients: ['SECRETARIA'], title: 'Revisión pendiente: Protocolo de retorno' }]);
    expect(refusal(back.memory, { type: 'advance', actor: st })).toMatchObject({ type: 'BusinessRule', message: 'Publique una nueva versión del texto antes de continuar.' });
    const v2 = step(back.memory, { type: 'publishVersion', actor: st, text: 'Uno.\n\nDos.', changeSummary: 'Sustento.' }, (x) => versionPublished(x, { type: 'publishVersion', actor: st, text: 'Uno.\n\nDos.', changeSummary: 'Sustento.' }));
    expect(v2).toMatchObject({ currentVersion: 2, paragraphs: 2, needsNewVersion: false });
    expect(nextStage(v2)).toBe('grupo_de_trabajo');
  });

  it('`rechazar` closes the proposal, after which every action is refused', () => {
    const out = groupDecided(proposal(), 'rechazar', 'Fuera de competencia.', t0);
    expect(out.memory).toMatchObject({ status: 'rechazada', stage: 'cerrada' });
    expect(out.event.effects).toEqual([{ kind: 'timeline', stage: 'cerrada', event: 'grupo_rechaza' }]);
    for (const a of [decide(st, 'avanzar'), { type: 'advance', actor: st }, { type: 'comment', actor: member('MINSA'), text: 'x' }, { type: 'withdraw', actor: st, reason: 'x' }] as ProposalAction[]) {
      expect(refusal(out.memory, a)).toMatchObject({ type: 'Conflict', message: 'La propuesta está cerrada (rechazada).' });
    }
  });
});

describe('consultation', () => {
  const inConsultation = () => proposal({ stages: ['consulta', 'conformidad'] });
  const give = (by: Actor, kind: 'comentario' | 'cambio' = 'comentario', paragraph?: number): ProposalAction => ({ type: 'submitInput', actor: by, kind, text: 'Aporte.', paragraph });

  it('takes input from the OSC of the commission while open, and from support bodies', () => {
    const m = inConsultation();
    expect(refusal(m, give(osc))).toBeNull();
    expect(refusal(m, give(support))).toBeNull();
    expect(refusal(m, give(actor('OTRAOSC', 'osc')))).toMatchObject({ type: 'Forbidden', message: expect.stringMatching(/comisión de coordinación/) });
    expect(refusal(m, give(member('MINSA')))).toMatchObject({ type: 'Forbidden' });
    expect(refusal(proposal(), give(osc))).toMatchObject({ type: 'Conflict', message: expect.stringMatching(/consulta .* no está abierta/) });
    expect(refusal(consultationClosed(m).memory, give(osc))).toMatchObject({ type: 'Conflict' });
  });

  it('a proposed change names an existing paragraph of the current version', () => {
    const m = inConsultation();
    expect(refusal(m, give(osc, 'cambio'))).toMatchObject({ type: 'BusinessRule', message: 'Un cambio propuesto debe indicar el párrafo («paragraph»).' });
    expect(refusal(m, give(osc, 'cambio', 4))).toMatchObject({ type: 'BusinessRule', message: 'El párrafo 4 no existe: la versión 1 tiene 3 párrafos.' });
    expect(refusal(m, give(osc, 'cambio', 0))).toMatchObject({ type: 'InvalidInput', details: ['paragraph'] });
    expect(refusal(m, give(osc, 'cambio', 3))).toBeNull();
  });

  it('every input is answered by the secretariat with a reason, once, or corrected as a correction', () => {
    const sent = inputSubmitted(inConsultation(), give(osc) as Extract<ProposalAction, { type: 'submitInput' }>);
    expect(sent.inputId).toBe('p1-a2');
    let m = { ...sent.memory, seq: 2 };
    const answer = (extra: object = {}): ProposalAction => ({ type: 'answerInput', actor: st, inputId: 'p1-a2', decision: 'acogida', reason: 'Se incorpora.', ...extra });
    expect(refusal(m, { type: 'advance', actor: st })).toMatchObject({ type: 'BusinessRule', message: expect.stringMatching(/Faltan responder 1 aporte/) });
    expect(pendingFor(m)).toEqual(['SECRETARIA']);
    expect(refusal(m, answer({ actor: member('MINSA') }))).toMatchObject({ type: 'Forbidden' });
    expect(refusal(m, answer({ inputId: 'p1-a9' }))).toMatchObject({ type: 'NotFound' });
    expect(refusal(m, answer({ inputId: '__proto__' }))).toMatchObject({ type: 'NotFound' });
    expect(refusal(m, answer({ reason: '' }))).toMatchObject({ type: 'BusinessRule' });
    expect(refusal(m, answer({ correction: true }))).toMatchObject({ type: 'BusinessRule', message: expect.stringMatching(/nada que corregir/) });
    const answered = inputAnswered(m, answer() as Extract<ProposalAction, { type: 'answerInput' }>);
    expect(answered.notices).toEqual([{ kind: 'aporte_respondido', recipients: ['AFAMIPER'], title: 'Su aporte fue respondido (acogida): Protocolo de retorno' }]);
    m = answered.memory;
    expect(refusal(m, answer())).toMatchObject({ type: 'Conflict', message: expect.stringMatching(/ya fue respondido/) });
    const corrected = inputAnswered(m, answer({ correction: true, decision: 'no_acogida' }) as Extract<ProposalAction, { type: 'answerInput' }>);
    expect(corrected.event).toMatchObject({ action: 'respuesta_corregida', data: { correction: true } });
    expect(corrected.notices[0]!.title).toMatch(/^Se corrigió la respuesta a su aporte/);
    expect(refusal(m, { type: 'advance', actor: st })).toBeNull();
  });

  it('at its deadline closes; reminders go to the OSC that gave nothing, escalation to the secretariat', () => {
    const m = inConsultation();
    expect(silent(m)).toEqual(['AFAMIPER']);
    expect(reminder(m)).toMatchObject({ kind: 'recordatorio', recipients: ['AFAMIPER'] });
    expect(reminder(m).title).toMatch(/^Recordatorio: el plazo vence el \p{L}+ \d{1,2} de \p{L}+ de \d{4} a las \d\d:\d\d\b/u);
    const shut = consultationClosed(m).memory;
    expect(silent(shut)).toEqual(['SECRETARIA']);
  });
});

describe('who may do what, stage by stage', () => {
  it('only the secretariat advances, publishes and withdraws; the text does not change during a round', () => {
    const m = proposal();
    expect(refusal(m, { type: 'advance', actor: member('MINSA') })).toMatchObject({ type: 'Forbidden' });
    expect(refusal(m, { type: 'publishVersion', actor: member('MINSA'), text: 'x', changeSummary: 'y' })).toMatchObject({ type: 'Forbidden' });
    expect(refusal(m, { type: 'publishVersion', actor: st, text: 'x', changeSummary: ' ' })).toMatchObject({ type: 'BusinessRule' });
    expect(refusal(m, { type: 'publishVersion', actor: st, text: '', changeSummary: 'y' })).toMatchObject({ type: 'InvalidInput', details: ['text'] });
    expect(refusal(m, { type: 'withdraw', actor: member('MINSA'), reason: 'x' })).toMatchObject({ type: 'Forbidden' });
    expect(refusal(m, { type: 'withdraw', actor: st, reason: '' })).toMatchObject({ type: 'BusinessRule', message: 'El retiro requiere un motivo.' });
    const round = inRound();
    expect(refusal(round, { type: 'publishVersion', actor: st, text: 'x', changeSummary: 'y' })).toMatchObject({ type: 'Conflict' });
    expect(refusal(round, { type: 'advance', actor: st })).toMatchObject({ type: 'Conflict', message: expect.stringMatching(/se cierra cuando todos/) });
  });

  it('anyone but an OSC comments, at any open stage; a comment takes its event\'s number', () => {
    for (const m of [proposal(), inRound()]) {
      expect(refusal(m, { type: 'comment', actor: osc, text: 'x' })).toMatchObject({ type: 'Forbidden' });
      for (const by of [member('MINSA'), support, st, actor('DEFENSORIA', 'observador')]) expect(refusal(m, { type: 'comment', actor: by, text: 'Bien.' })).toBeNull();
    }
    expect(commented(proposal(), { type: 'comment', actor: st, text: 'Bien.' }).commentId).toBe('p1-c2');
  });

  it('the stages run in the planned order, and the last one has nothing after it', () => {
    let m = proposal({ stages: ['grupo_de_trabajo', 'consulta', 'revision', 'conformidad'] });
    const seen: string[] = [m.stage];
    while (m.stage !== 'conformidad') {
      m = m.stage === 'grupo_de_trabajo'
        ? step(m, { type: 'workingGroupDecision', actor: coordinator, decision: 'avanzar', reason: '' }, (x) => stageOpened(x, nextStage(x)!, who, t0, 'grupo_avanza'))
        : advance(m);
      seen.push(m.stage);
    }
    expect(seen).toEqual(['grupo_de_trabajo', 'consulta', 'revision', 'conformidad']);
    expect(nextStage(m)).toBeNull();
  });

  it('withdrawal closes the proposal at any stage and tells members, observers and support bodies', () => {
    for (const m of [proposal(), advance(proposal()), inRound()]) {
      const out = withdrawn(m, 'Ya no corresponde.');
      expect(out.memory).toMatchObject({ status: 'retirada', stage: 'cerrada', consultationOpen: false });
      expect(out.notices).toEqual([{ kind: 'decision', recipients: ['MEF', 'MINSA', 'RREE', 'DEFENSORIA', 'OIM'], title: 'Propuesta retirada: Protocolo de retorno' }]);
      expect(pendingFor(out.memory)).toEqual([]);
    }
  });

  it('another stage\'s deadline is recorded and escalated; the proposal does not move on by itself', () => {
    const m = proposal();
    expect(deadlinePassed(m).event).toEqual({ action: 'plazo_vencido', data: { stage: 'grupo_de_trabajo' }, effects: [{ kind: 'timeline', stage: 'grupo_de_trabajo', event: 'plazo_vencido' }] });
    expect(deadlinePassed(m).memory.stage).toBe('grupo_de_trabajo');
    expect(deadlineEscalation(m).recipients).toEqual(['MTPE', 'SECRETARIA']);
  });
});

describe('correcting the description after launch', () => {
  const correct = (changes: Record<string, unknown>, by: Actor = st, reason = 'El título tenía una errata.') =>
    ({ type: 'correctMetadata', actor: by, changes, reason }) as ProposalAction;

  it('changes only the fields that differ, keeps them in the plan, and records each one before and after with the reason', () => {
    const m = proposal();
    const a = correct({ title: 'Protocolo de retorno seguro', objectives: ['OE4'], populations: ['retornantes', 'exterior'] });
    expect(validate(m, a)).toBeNull();
    const out = metadataCorrected(m, a as Extract<ProposalAction, { type: 'correctMetadata' }>);
    expect(out.memory.input.plan).toMatchObject({ title: 'Protocolo de retorno seguro', populations: ['retornantes', 'exterior'], text: launch.text });
    expect(out.event).toEqual({
      action: 'datos_corregidos',
      data: {
        fields: ['title', 'populations'], reason: 'El título tenía una errata.',
        before: { title: 'Protocolo de retorno', populations: ['retornantes'] }, after: { title: 'Protocolo de retorno seguro', populations: ['retornantes', 'exterior'] },
      },
      effects: [
        { kind: 'metadata', changes: { title: 'Protocolo de retorno seguro', populations: ['retornantes', 'exterior'] } },
        { kind: 'timeline', stage: 'grupo_de_trabajo', event: 'datos_corregidos:title,populations' },
      ],
    });
    // The process itself does not move: same stage, deadlines and round.
    expect(stageFields(out.memory)).toEqual(stageFields(m));
    // Later notices carry the corrected title.
    expect(withdrawn(out.memory, 'Motivo.').notices[0]!.title).toBe('Propuesta retirada: Protocolo de retorno seguro');
  });

  it('is the secretariat\'s alone, needs a reason and a real change, and never touches the text or the rules', () => {
    const m = proposal();
    expect(refusal(m, correct({ title: 'Otro' }, coordinator))).toMatchObject({ type: 'Forbidden' });
    expect(refusal(m, correct({ title: 'Otro' }, st, '  '))).toMatchObject({ message: 'Una corrección de datos requiere un motivo.' });
    expect(refusal(m, correct({ title: 'Protocolo de retorno' }))).toMatchObject({ message: 'La corrección no cambia ningún dato: los valores enviados son los vigentes.' });
    expect(refusal(m, correct({}))).toMatchObject({ message: 'La corrección no cambia ningún dato: los valores enviados son los vigentes.' });
    expect(refusal(m, correct({ text: 'Otro texto.' }))).toMatchObject({ type: 'InvalidInput', details: ['changes.text'] });
    expect(refusal(m, correct({ decisionRule: 'mayoria_simple' }))).toMatchObject({ type: 'InvalidInput', details: ['changes.decisionRule'] });
    expect(refusal(m, correct({ objectives: [] }))).toMatchObject({ type: 'InvalidInput', details: ['objectives'] });
    expect(refusal(m, correct({ objectives: ['OE9'] }))).toMatchObject({ type: 'InvalidInput', details: ['objectives[0]'] });
    expect(refusal(m, correct({ populations: ['exterior', 'exterior'] }))).toMatchObject({ type: 'InvalidInput', details: ['populations'] });
    expect(refusal(m, correct({ title: 'Dos\nlíneas' }))).toMatchObject({ type: 'InvalidInput', details: ['title'] });
    expect(refusal(m, correct({ priority: 'urgente' }))).toMatchObject({ type: 'InvalidInput', details: ['priority'] });
    const closedOne = step(m, { type: 'withdraw', actor: st, reason: 'Motivo.' }, (x) => withdrawn(x, 'Motivo.'));
    expect(refusal(closedOne, correct({ title: 'Otro' }))).toMatchObject({ type: 'Conflict' });
  });
});

describe('the sign-off round', () => {
  it('takes one position per member, changeable until it closes; objections and observations explain themselves', () => {
    const m = inRound();
    const signoff = (by: Actor, position: string, comment?: string): ProposalAction => ({ type: 'signoff', actor: by, position: position as 'aprueba', comment });
    expect(refusal(m, signoff(actor('DEFENSORIA', 'observador'), 'aprueba'))).toMatchObject({ type: 'Forbidden' });
    expect(refusal(m, signoff(member('MTPE'), 'aprueba'))).toMatchObject({ type: 'Forbidden', message: 'MTPE no es miembro activo en esta ronda.' });
    expect(refusal(m, signoff(member('MEF'), 'objeta'))).toMatchObject({ type: 'BusinessRule', message: 'Una objeción requiere un motivo («comment»).' });
    expect(refusal(m, signoff(member('MEF'), 'aprueba_con_observaciones', ' '))).toMatchObject({ type: 'BusinessRule' });
    expect(refusal(m, signoff(member('MEF'), 'vota'))).toMatchObject({ type: 'InvalidInput', details: ['position'] });
    expect(refusal(proposal(), signoff(member('MEF'), 'aprueba'))).toMatchObject({ type: 'Conflict', message: 'La ronda de conformidad no está abierta.' });
    const once = sign(m, 'MEF');
    const again = signedOff(once, { type: 'signoff', actor: member('MEF'), position: 'objeta', comment: 'Sin presupuesto.' }, t0);
    expect(again.changed).toBe(true);
    expect(again.event.action).toBe('conformidad_cambiada');
    expect(pendingFor(once)).toEqual(['MINSA', 'RREE']);
  });

  it('is answered once every member has answered; a refused sign-off is taken back', () => {
    const m = sign(sign(inRound(), 'MEF'), 'MINSA');
    expect(roundAnswered(m)).toBe(false);
    const all = sign(m, 'RREE');
    expect(roundAnswered(all)).toBe(true);
    expect(roundAnswered(signoffUndone(all, m, 'RREE'))).toBe(false);
    expect(signoffUndone(all, m, 'RREE').round!.cast.MEF).toBeDefined();
  });

  it('under consensus is adopted with a number and its tasks, or observada on an objection and back to revision', () => {
    const yes = roundDecided(sign(sign(sign(inRound(), 'MEF'), 'MINSA'), 'RREE'), t0);
    expect(yes.round!.closing).toBe(true);
    expect(yes.decision).toMatchObject({ outcome: 'adoptada', rule: 'consenso', round: 1, version: 1 });
    expect(refusal(yes, { type: 'signoff', actor: member('MEF'), position: 'aprueba' })).toMatchObject({ type: 'Conflict' });
    expect(plannedTasks(yes)).toEqual([{ taskId: 'p1-t1', index: 1, action: launch.actions![0] }]);
    const done = adopted(yes, 'ACUERDO-2026-001', ['p1-t1']);
    expect(done.memory).toMatchObject({ status: 'adoptada', stage: 'cerrada', number: 'ACUERDO-2026-001', tasks: ['p1-t1'] });
    expect(done.notices[0]).toMatchObject({ kind: 'decision', recipients: ['MEF', 'MINSA', 'RREE', 'DEFENSORIA', 'OIM', 'SECRETARIA'], title: 'Propuesta adoptada como ACUERDO-2026-001: Protocolo de retorno' });
    expect(snapshot(done.memory)).toMatchObject({ number: 'ACUERDO-2026-001', tasks: ['p1-t1'], pendingFor: [] });

    const no = roundDecided(sign(sign(sign(inRound(), 'MEF', 'objeta'), 'MINSA'), 'RREE'), t0);
    const back = notAdopted(no, later(1000));
    expect(back.memory).toMatchObject({ status: 'observada', stage: 'revision', returnTo: 'conformidad', needsNewVersion: true });
    expect(back.notices.map((n) => n.kind)).toEqual(['revision', 'decision']);
    const v2 = versionPublished(back.memory, { type: 'publishVersion', actor: st, text: 'Nuevo.', changeSummary: 'Cambios.' }).memory;
    const round2 = stageOpened(v2, nextStage(v2)!, who, later(2000), 'etapa_abierta');
    expect(round2.memory).toMatchObject({ status: 'en_curso', stage: 'conformidad', roundNumber: 2, round: { number: 2, version: 2, cast: {} } });
    expect(round2.notices[0]!.title).toBe('Se solicita su conformidad (ronda 2, versión 2): Protocolo de retorno');
  });

  it('under a majority rule a majority not reached rejects the proposal', () => {
    const m = roundDecided(sign(sign(sign(inRound({ decisionRule: 'mayoria_calificada' }), 'MEF', 'objeta'), 'MINSA', 'objeta'), 'RREE'), t0);
    expect(m.decision!.outcome).toBe('rechazada');
    expect(notAdopted(m, t0).memory).toMatchObject({ status: 'rechazada', stage: 'cerrada' });
  });
});

describe('silence at the round\'s deadline', () => {
  it('conformidad_tacita: the silent members approve tacitly, marked so, and are escalated with the secretariat', () => {
    const m = sign(inRound(), 'MEF');
    const silence = silenceAtDeadline(m);
    expect(silence).toEqual({ extend: false, tacit: ['MINSA', 'RREE'] });
    const out = silenceCounted(m, silence.extend ? [] : silence.tacit, later(5000));
    expect(out.memory.round!.closing).toBe(true);
    expect(out.memory.round!.cast.MINSA).toMatchObject({ position: 'aprueba', tacit: true, comment: expect.stringMatching(/conformidad tácita/) });
    expect(out.event).toMatchObject({ action: 'conformidad_tacita', data: { institutions: ['MINSA', 'RREE'] } });
    expect(out.escalation).toMatchObject({ kind: 'escalamiento', recipients: ['MINSA', 'RREE', 'SECRETARIA'] });
    expect(roundDecided(out.memory, t0).decision).toMatchObject({ outcome: 'adoptada', counts: { tacit: 2 } });
  });

  it('prorroga: extended once by the extension, then tacit', () => {
    const m = sign(inRound({ silencePolicy: 'prorroga', extension: 'P5D' }), 'MEF');
    expect(silenceAtDeadline(m)).toEqual({ extend: true });
    const ext = roundExtended(m);
    expect(Date.parse(ext.memory.deadlines.conformidad!) - Date.parse(m.deadlines.conformidad!)).toBe(5 * 86_400_000);
    expect(ext.event).toMatchObject({ action: 'prorroga', data: { deadline: ext.memory.deadlines.conformidad } });
    expect(extensionEscalation(ext.memory).recipients).toEqual(['MINSA', 'RREE', 'SECRETARIA']);
    expect(silenceAtDeadline(ext.memory)).toEqual({ extend: false, tacit: ['MINSA', 'RREE'] });
  });

  it('sin_efecto: silence counts as nothing, so the quorum may fail and send the proposal back', () => {
    const m = sign(inRound({ silencePolicy: 'sin_efecto', quorum: 0.5 }), 'MEF');
    const out = silenceCounted(m, [], t0);
    expect(out.event).toBeNull();
    expect(roundDecided(out.memory, t0).decision).toMatchObject({ outcome: 'observada', quorumMet: false });
  });
});

describe('timers', () => {
  it('remind before a stage\'s deadline (only reminders after it opened), then the deadline, each once', () => {
    const m = inRound({ deadlines: { conformidad: 'P14D' }, reminders: ['P3D', 'P1D', 'P30D'] });
    const first = nextTimer(m)!;
    expect(first).toMatchObject({ kind: 'reminder', at: new Date('2026-03-13T15:00:00.000Z') });
    const second = nextTimer({ ...m, firedTimers: [first.key] })!;
    expect(second).toMatchObject({ kind: 'reminder', at: new Date('2026-03-15T15:00:00.000Z') });
    expect(nextTimer({ ...m, firedTimers: [first.key, second.key] })).toMatchObject({ kind: 'deadline', at: new Date(m.deadlines.conformidad!) });
    expect(reminder(sign(m, 'MEF')).recipients).toEqual(['MINSA', 'RREE']);
    expect(nextTimer(closed(m, 'retirada', 'retirada', {}, []).memory)).toBeNull();
  });
});

describe('a proposal decided in session', () => {
  const waiting = () => inRound({ decisionInSession: true });

  it('opens no written round: no sign-off is asked, the secretariat is told to put it on an agenda', () => {
    const plan = withDefaults({ ...launch, stages: ['conformidad'], decisionInSession: true });
    const out = launched(initialProposalMemory({ proposalId: 'p1', plan, launchedBy: { userId: 'u', institution: 'SECRETARIA' } }, t0), who, t0);
    expect(out.memory).toMatchObject({ stage: 'conformidad', status: 'en_curso' });
    expect(out.notices.map((n) => n.kind)).not.toContain('conformidad_solicitada');
    expect(out.notices.map((n) => [n.kind, n.recipients])).toEqual([['informacion', ['SECRETARIA']], ['informacion', ['MEF', 'MINSA', 'RREE', 'DEFENSORIA', 'OIM']]]);
    expect(pendingFor(out.memory)).toEqual(['SECRETARIA']);
    expect(withDefaults(launch).decisionInSession).toBe(false);
  });

  it('refuses every written sign-off with a sentence, and never closes by itself', () => {
    const m = waiting();
    expect(refusal(m, { type: 'signoff', actor: member('MEF'), position: 'aprueba' })).toEqual({
      type: 'Conflict', message: 'Esta propuesta se decide en sesión plenaria: no hay ronda escrita de conformidad; su posición se registra en la sesión.', details: undefined,
    });
    expect(roundAnswered(m)).toBe(false);
    expect(decidableInSession(m)).toBe(true);
  });

  it('its deadline decides nothing: reminders and the escalation go to the secretariat, asking for an agenda item', () => {
    const m = waiting();
    expect(reminder(m)).toMatchObject({ kind: 'recordatorio', recipients: ['SECRETARIA'] });
    expect(reminder(m).title).toContain('inclúyala en la agenda de una sesión plenaria');
    expect(deadlineEscalation(m)).toMatchObject({ kind: 'escalamiento', recipients: ['SECRETARIA'] });
    expect(deadlinePassed(m).memory).toEqual(m);
  });

  it('is adopted by the session\'s decision, as after a written round', () => {
    const decided = roundDecidedInSession(waiting(), { sessionId: 's1', n: 2 }, {
      outcome: 'adoptada', counts: { members: 2, answered: 2, aprueba: 2, aprueba_con_observaciones: 0, objeta: 0, se_abstiene: 0, tacit: 0 }, absent: ['RREE'],
    }, t0);
    expect(decided.decision).toMatchObject({ outcome: 'adoptada', session: { id: 's1', n: 2 } });
    expect(adopted(decided, 'ACU-2026-001', ['p1-t1']).memory).toMatchObject({ status: 'adoptada', stage: 'cerrada', number: 'ACU-2026-001' });
  });
});

describe('a refused stage change', () => {
  it('is put back from the fields a stage change may alter', () => {
    const m = proposal();
    const saved = stageFields(m);
    const moved = stageOpened(m, 'consulta' as ProcessStage, who, later(1000), 'etapa_abierta').memory;
    expect({ ...moved, ...saved }).toMatchObject({ stage: 'grupo_de_trabajo', deadlines: m.deadlines, consultationOpen: false, stageIndex: 0 });
  });
});

describe('the memory carried across continue-as-new', () => {
  it('upgrades version 1 (no version, maybe no audit head) to the current version, and refuses a newer one', () => {
    const { version: _v, auditHead: _h, ...v1 } = proposal();
    expect(upgradeProposalMemory(v1)).toEqual({ ...v1, version: proposalMemoryVersion, auditHead: null });
    const head = { seq: 3, hash: 'abc' } as unknown as ProposalMemory['auditHead'];
    expect(upgradeProposalMemory({ ...v1, auditHead: head }).auditHead).toBe(head);
    const current = proposal();
    expect(upgradeProposalMemory(current)).toEqual(current);
    expect(() => upgradeProposalMemory({ ...current, version: (proposalMemoryVersion + 1) as 2 })).toThrow(/versión posterior/);
  });

  it('survives the round trip through JSON that continue-as-new makes of it', () => {
    const m = sign(advance(proposal({ stages: ['consulta', 'conformidad'] })), 'MEF');
    expect(upgradeProposalMemory(JSON.parse(JSON.stringify(m)))).toEqual(m);
  });
});

describe('any sign-off round', () => {
  it('closes with a decision whose counts add up, and never changes the memory it was given', () => {
    const positions = ['aprueba', 'aprueba_con_observaciones', 'objeta', 'se_abstiene'] as const;
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...who.members), fc.constantFrom(...positions))), fc.constantFrom('consenso', 'mayoria_simple', 'mayoria_calificada' as const), (casts, rule) => {
      let m = inRound({ decisionRule: rule });
      for (const [code, position] of casts) {
        const before = JSON.stringify(m);
        const next = sign(m, code, position);
        expect(JSON.stringify(m)).toBe(before);
        m = next;
      }
      const silence = silenceAtDeadline(m);
      const decided = roundDecided(silenceCounted(m, silence.extend ? [] : silence.tacit, t0).memory, t0).decision!;
      expect(decided.counts.answered).toBe(who.members.length);
      expect(decided.counts.aprueba + decided.counts.aprueba_con_observaciones + decided.counts.objeta + decided.counts.se_abstiene).toBe(decided.counts.answered);
      if (decided.counts.objeta === 0 && rule === 'consenso') expect(decided.outcome).toBe('adoptada');
    }), { numRuns: 200 });
  });
});
