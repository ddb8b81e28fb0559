// The sign-off round's decision rules and silence policies (docs/domain.md#conformidad).
// Pure functions: the proposal workflow imports them, and tests check them alone.
import type { DecisionRule, SilencePolicy } from './vocabulary';

export const positions = ['aprueba', 'aprueba_con_observaciones', 'objeta', 'se_abstiene'] as const;
export type Position = (typeof positions)[number];

/** Positions that must explain themselves. */
export const positionsNeedingComment: readonly Position[] = ['aprueba_con_observaciones', 'objeta'];

export interface CastPosition {
  position: Position;
  /** True when the member never answered and silence was counted as approval. */
  tacit: boolean;
}

export const tacitComment = 'Sin respuesta — conformidad tácita: la institución no respondió en el plazo.';

/**
 * At the round's deadline: what silence becomes. `conformidad_tacita` (and `prorroga` once its
 * single extension is spent) records every silent member as approving, marked tacit;
 * `sin_efecto` records nothing; `prorroga` before its extension asks for more time instead.
 */
export function applySilence(
  policy: SilencePolicy, members: readonly string[], answered: Readonly<Record<string, CastPosition>>, alreadyExtended: boolean,
): { extend: true } | { extend: false; tacit: string[] } {
  const silent = members.filter((m) => !answered[m]);
  if (policy === 'prorroga' && !alreadyExtended && silent.length > 0) return { extend: true };
  if (policy === 'sin_efecto') return { extend: false, tacit: [] };
  return { extend: false, tacit: silent };
}

export const outcomes = ['adoptada', 'observada', 'rechazada'] as const;
export type Outcome = (typeof outcomes)[number];

/** How a round stands: its members, those who answered, each position's count and the tacit approvals. */
export type RoundCounts = Record<'members' | 'answered' | Position | 'tacit', number>;

export interface Decision {
  outcome: Outcome;
  /** Why, in a sentence, for the timeline and the decision record. */
  reason: string;
  quorumMet: boolean;
  counts: RoundCounts;
}

/**
 * Decides a closed round. Quorum: the fraction of members that cast a position (tacit approvals
 * count: silence was counted as approval). Majorities are over the positions for and against;
 * abstentions count towards quorum only. Without quorum there is no valid decision: the proposal
 * is `observada` and goes back for a new round. Under `consenso` any objection makes it
 * `observada`; under a majority rule a majority not reached makes it `rechazada`.
 */
export function decideRound(
  rule: DecisionRule, quorum: number, members: readonly string[], cast: Readonly<Record<string, CastPosition>>,
): Decision {
  const counts: RoundCounts = { members: members.length, answered: 0, aprueba: 0, aprueba_con_observaciones: 0, objeta: 0, se_abstiene: 0, tacit: 0 };
  for (const m of members) {
    const c = cast[m];
    if (!c) continue;
    counts.answered += 1;
    counts[c.position] += 1;
    if (c.tacit) counts.tacit += 1;
  }
  const quorumMet = members.length > 0 && counts.answered >= Math.ceil(quorum * members.length - 1e-9);
  const inFavour = counts.aprueba + counts.aprueba_con_observaciones;
  const decided = inFavour + counts.objeta;
  const result = (outcome: Outcome, reason: string): Decision => ({ outcome, reason, quorumMet, counts });

  if (!quorumMet) {
    return result('observada', `Sin quórum: respondieron ${counts.answered} de ${members.length} miembros; se requiere ${Math.ceil(quorum * members.length - 1e-9)}.`);
  }
  switch (rule) {
    case 'consenso':
      return counts.objeta === 0
        ? result('adoptada', 'Consenso: ningún miembro objetó.')
        : result('observada', `Sin consenso: ${counts.objeta} objeción(es).`);
    case 'mayoria_simple':
      return inFavour * 2 > decided
        ? result('adoptada', `Mayoría simple: ${inFavour} a favor de ${decided}.`)
        : result('rechazada', `Sin mayoría simple: ${inFavour} a favor de ${decided}.`);
    case 'mayoria_calificada':
      // Two thirds, compared in integers so that exactly 2/3 is never lost to rounding.
      return decided > 0 && inFavour * 3 >= decided * 2
        ? result('adoptada', `Mayoría calificada: ${inFavour} a favor de ${decided} (al menos dos tercios).`)
        : result('rechazada', `Sin mayoría calificada: ${inFavour} a favor de ${decided} (se requieren dos tercios).`);
  }
}
