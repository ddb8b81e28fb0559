import { describe, expect, it } from 'vitest';
import { addDuration, parseDuration, subtractDuration } from '../domain/durations';
import { launchProblems, withDefaults, type ProposalLaunch } from '../domain/proposal';

describe('ISO 8601 durations', () => {
  it('reads days, weeks, time parts and fractions of a second', () => {
    expect(parseDuration('P10D')).toMatchObject({ days: 10 });
    expect(parseDuration('PT30S')).toMatchObject({ seconds: 30 });
    expect(parseDuration('P2W')).toMatchObject({ weeks: 2 });
    expect(parseDuration('PT1.5S')).toMatchObject({ seconds: 1.5 });
    expect(parseDuration('P1Y2M3DT4H5M6S')).toEqual({ years: 1, months: 2, weeks: 0, days: 3, hours: 4, minutes: 5, seconds: 6 });
  });

  it.each(['', 'P', 'PT', '10D', 'P0D', 'diez días', 'P1DT', '-P1D'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('adds calendar parts on the calendar and time parts exactly', () => {
    const from = new Date('2026-01-31T12:00:00Z');
    expect(addDuration(from, 'PT30S').toISOString()).toBe('2026-01-31T12:00:30.000Z');
    expect(addDuration(from, 'P10D').toISOString()).toBe('2026-02-10T12:00:00.000Z');
    expect(addDuration(new Date('2026-01-15T00:00:00Z'), 'P1M').toISOString()).toBe('2026-02-15T00:00:00.000Z');
    expect(subtractDuration(new Date('2026-02-10T12:00:00Z'), 'P3D').toISOString()).toBe('2026-02-07T12:00:00.000Z');
  });
});

describe('launch rules', () => {
  const registry = { workingGroups: new Set(['GT1', 'GT2', 'GT3', 'GT4']), members: new Set(['MINSA', 'RREE']) };
  const base: ProposalLaunch = {
    title: 't', summary: 's', text: '1. x', objectives: ['OE1'], populations: ['exterior'], leadWorkingGroup: 'GT2',
  };

  it('accepts a launch with only its required fields and fills the defaults of docs/domain.md', () => {
    expect(launchProblems(base, registry)).toEqual([]);
    expect(withDefaults(base)).toMatchObject({
      stages: ['grupo_de_trabajo', 'consulta', 'conformidad'], decisionRule: 'consenso', quorum: 0.5,
      silencePolicy: 'conformidad_tacita', reminders: [{ workingDays: 3 }, { workingDays: 1 }], actions: [], workingGroups: [],
      deadlines: { grupo_de_trabajo: { workingDays: 10 }, consulta: { workingDays: 15 }, revision: { workingDays: 10 }, conformidad: { workingDays: 10 } },
      extension: { workingDays: 5 },
    });
  });

  it('names every field that breaks a rule', () => {
    const problems = launchProblems({
      ...base, workingGroups: ['GT2', 'GT7'], stages: ['consulta', 'conformidad'], deadlines: { grupo_de_trabajo: 'P1D' },
      actions: [{ title: 'a', responsible: ['MINSA', 'MINSA', 'OIM'], dueIn: 'pronto', deliverable: 'd' }],
    }, registry);
    expect(problems.map((p) => p.field)).toEqual([
      'workingGroups[0]', 'workingGroups[1]', 'deadlines.grupo_de_trabajo',
      'actions[0].dueIn', 'actions[0].responsible[2]', 'actions[0].responsible',
    ]);
  });
});

describe('dates for people', () => {
  it('are shown in Lima time, in Spanish', async () => {
    const { inLimaTime } = await import('../domain/durations');
    expect(inLimaTime('2026-12-05T15:30:00Z')).toMatch(/^5 de diciembre de 2026\D+10:30/);
  });
});
