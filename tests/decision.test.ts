import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySilence, decideRound, positions, type CastPosition } from '../domain/decision';

const members = Array.from({ length: 22 }, (_, i) => `M${i + 1}`);
const cast = (list: Array<CastPosition['position']>, tacit = false) =>
  Object.fromEntries(list.map((position, i) => [members[i]!, { position, tacit }]));
const many = (n: number, p: CastPosition['position']) => Array<CastPosition['position']>(n).fill(p);

describe('decision rules', () => {
  it('adopts by consensus when no member objects, abstentions included', () => {
    const d = decideRound('consenso', 0.5, members, cast([...many(20, 'aprueba'), 'se_abstiene', 'aprueba_con_observaciones']));
    expect(d).toMatchObject({ outcome: 'adoptada', quorumMet: true, counts: { answered: 22, aprueba: 20, se_abstiene: 1, aprueba_con_observaciones: 1 } });
  });

  it('sends a proposal with one objection under consensus back for revision', () => {
    expect(decideRound('consenso', 0.5, members, cast([...many(21, 'aprueba'), 'objeta'])).outcome).toBe('observada');
  });

  it('adopts by qualified majority at exactly two thirds, and rejects one vote below', () => {
    // 14 for and 7 against (one abstains): 14/21 is exactly two thirds.
    expect(decideRound('mayoria_calificada', 0.5, members, cast([...many(14, 'aprueba'), ...many(7, 'objeta'), 'se_abstiene'])).outcome).toBe('adoptada');
    expect(decideRound('mayoria_calificada', 0.5, members, cast([...many(13, 'aprueba'), ...many(8, 'objeta'), 'se_abstiene'])).outcome).toBe('rechazada');
  });

  it('needs more for than against under simple majority', () => {
    expect(decideRound('mayoria_simple', 0.5, members, cast([...many(11, 'aprueba'), ...many(10, 'objeta')])).outcome).toBe('adoptada');
    expect(decideRound('mayoria_simple', 0.5, members, cast([...many(11, 'aprueba'), ...many(11, 'objeta')])).outcome).toBe('rechazada');
  });

  it('takes no decision without quorum: the proposal goes back for a new round', () => {
    const d = decideRound('mayoria_simple', 0.5, members, cast(many(10, 'aprueba')));
    expect(d).toMatchObject({ outcome: 'observada', quorumMet: false });
    expect(d.reason).toMatch(/Sin quórum: respondieron 10 de 22/);
    expect(decideRound('mayoria_simple', 0.5, members, cast(many(11, 'aprueba'))).quorumMet).toBe(true);
  });
});

describe('silence policies', () => {
  const answered = cast(many(20, 'aprueba'));
  it('records every silent member as a tacit approval under conformidad_tacita', () => {
    expect(applySilence('conformidad_tacita', members, answered, false)).toEqual({ extend: false, tacit: ['M21', 'M22'] });
  });
  it('extends once under prorroga, then records silence as tacit', () => {
    expect(applySilence('prorroga', members, answered, false)).toEqual({ extend: true });
    expect(applySilence('prorroga', members, answered, true)).toEqual({ extend: false, tacit: ['M21', 'M22'] });
  });
  it('counts silence as nothing under sin_efecto', () => {
    expect(applySilence('sin_efecto', members, answered, false)).toEqual({ extend: false, tacit: [] });
  });
});

describe('properties of the rules', () => {
  const positionArb = fc.constantFrom(...positions);
  const roundArb = fc.array(fc.option(positionArb, { nil: undefined }), { minLength: 22, maxLength: 22 }).map((list) =>
    Object.fromEntries(list.flatMap((p, i) => (p ? [[members[i]!, { position: p, tacit: false }]] : []))) as Record<string, CastPosition>);

  it('under consenso, one objection never yields adoptada', () => {
    fc.assert(fc.property(roundArb, fc.double({ min: 0.01, max: 1, noNaN: true }), (round, quorum) => {
      const hasObjection = Object.values(round).some((c) => c.position === 'objeta');
      fc.pre(hasObjection);
      expect(decideRound('consenso', quorum, members, round).outcome).not.toBe('adoptada');
    }));
  });

  it('tacit approvals are always marked as tacit, and only silent members become tacit', () => {
    fc.assert(fc.property(roundArb, fc.constantFrom('conformidad_tacita', 'prorroga', 'sin_efecto' as const), fc.boolean(), (round, policy, extended) => {
      const result = applySilence(policy, members, round, extended);
      if (result.extend) return;
      for (const m of result.tacit) expect(round[m]).toBeUndefined();
      const after = { ...round, ...Object.fromEntries(result.tacit.map((m) => [m, { position: 'aprueba' as const, tacit: true }])) };
      const d = decideRound('consenso', 0.5, members, after);
      expect(d.counts.tacit).toBe(result.tacit.length);
    }));
  });

  it('a decision counts every member exactly once', () => {
    fc.assert(fc.property(roundArb, fc.constantFrom('consenso', 'mayoria_simple', 'mayoria_calificada' as const), (round, rule) => {
      const c = decideRound(rule, 0.5, members, round).counts;
      expect(c.aprueba + c.aprueba_con_observaciones + c.objeta + c.se_abstiene).toBe(c.answered);
      expect(c.answered).toBe(Object.keys(round).length);
    }));
  });

  it('adding an approval never turns an adopted proposal into a non-adopted one', () => {
    fc.assert(fc.property(roundArb, fc.constantFrom('consenso', 'mayoria_simple', 'mayoria_calificada' as const), (round, rule) => {
      const silent = members.find((m) => !round[m]);
      fc.pre(silent !== undefined && decideRound(rule, 0.5, members, round).outcome === 'adoptada');
      expect(decideRound(rule, 0.5, members, { ...round, [silent!]: { position: 'aprueba', tacit: false } }).outcome).toBe('adoptada');
    }));
  });
});
