// The proposal page compares versions paragraph by paragraph, as a legal comparison table; the
// comparison must give both versions back exactly and never hold up the process, whatever the two
// texts are.
import { describe, expect, it } from 'vitest';
import { comparisonRows, comparisonTable, paragraphDiff, paragraphsOf } from '../api/web/text';

/** The text before a kept paragraph was renumbered, or the text itself. */
const beforeOf = (c: ReturnType<typeof paragraphDiff>[number]) => c.was ?? c.text;

/** CPU time of a call, in ms: what the process itself spent, whatever else the machine runs. */
function cpuMs(f: () => void): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe('the paragraph diff', () => {
  const text = (n: number, name: (i: number) => string) => Array.from({ length: n }, (_, i) => name(i)).join('\n\n').slice(0, 200_000);

  it('gives back both versions exactly', () => {
    const before = text(40, (i) => `Párrafo ${i % 7}.`);
    const after = text(45, (i) => (i % 5 === 0 ? `Nuevo ${i}.` : `Párrafo ${(i + 1) % 7}.`));
    const diff = paragraphDiff(before, after);
    expect(diff.filter((c) => c.op !== 'ins').map(beforeOf).join('\n\n')).toBe(before);
    expect(diff.filter((c) => c.op !== 'del').map((c) => c.text).join('\n\n')).toBe(after);
    expect(paragraphDiff('a\n\nb\n\nc', 'a\n\nx\n\nc')).toEqual([
      { op: 'same', text: 'a' }, { op: 'del', text: 'b' }, { op: 'ins', text: 'x' }, { op: 'same', text: 'c' },
    ]);
  });

  // The bound is relative: on a quiet machine the worst case below takes about 30 ms of CPU and
  // splitting its two texts about 6, but a busy CI machine (two test files, Temporal and
  // PostgreSQL sharing two cores) counts several times more for both. A search gone quadratic
  // would be a thousand times the split, not twenty.
  it('costs no more than twenty linear passes over the largest texts allowed (200,000 characters), whatever changed', () => {
    const base = text(70_000, (i) => `P${i}`);
    const cases = [
      [base, text(70_000, (i) => `Q${i}`)], // everything rewritten
      [base, text(70_000, (i) => (i % 50 === 0 ? `P${i} cambiado` : `P${i}`))], // scattered edits
      [text(70_000, (i) => (i % 2 ? 'sí' : 'no')), text(70_000, (i) => (i % 3 ? 'sí' : 'no'))], // nothing unique to anchor on
      [base, base],
    ] as const;
    for (const [before, after] of cases) {
      let diff: ReturnType<typeof paragraphDiff> = [];
      // After a first run that compiles the code, the best of five of each, taken in turns so
      // that both see the same machine.
      paragraphDiff(before, after);
      const runs = [1, 2, 3, 4, 5].map(() => ({
        diff: cpuMs(() => { diff = paragraphDiff(before, after); }),
        split: cpuMs(() => { paragraphsOf(before); paragraphsOf(after); }),
      }));
      const best = (k: 'diff' | 'split') => Math.min(...runs.map((r) => r[k]));
      expect(best('diff')).toBeLessThan(20 * Math.max(best('split'), 1));
      expect(diff.filter((c) => c.op !== 'ins').map(beforeOf).join('\n\n')).toBe(paragraphsOf(before).join('\n\n'));
      expect(diff.filter((c) => c.op !== 'del').map((c) => c.text).join('\n\n')).toBe(paragraphsOf(after).join('\n\n'));
    }
  });

  it('treats a paragraph renumbered by an insertion before it as the same paragraph', () => {
    const diff = paragraphDiff('1. Migraciones orienta.\n\n2. Los gobiernos regionales acogen.', '1. Migraciones orienta.\n\n2. Nuevo párrafo.\n\n3. Los gobiernos regionales acogen.');
    expect(diff).toEqual([
      { op: 'same', text: '1. Migraciones orienta.' },
      { op: 'ins', text: '2. Nuevo párrafo.' },
      { op: 'same', text: '3. Los gobiernos regionales acogen.', was: '2. Los gobiernos regionales acogen.' },
    ]);
  });
});

describe('the legal comparison table', () => {
  const labels = { paragraph: 'Párrafo', before: 'Versión 1', after: 'Versión 2', removed: 'Texto anterior', added: 'Texto nuevo', unchanged: 'Sin cambios.', caption: 'Cambios' };
  const v1 = '1. Migraciones orienta en el paso de frontera.\n\n2. Los gobiernos **regionales** acogen.\n\n3. El SIS afilia.';
  const v2 = '1. Migraciones orienta en el paso de frontera.\n\n2. Los gobiernos **regionales y locales** acogen.\n\n3. El SIS afilia.\n\n4. El MTPE orienta en empleo.';

  it('pairs a modified paragraph with its former text, in order, numbered on each side', () => {
    expect(comparisonRows(v1, v2).map((r) => [r.before?.n ?? null, r.after?.n ?? null])).toEqual([[1, 1], [2, 2], [3, 3], [null, 4]]);
  });

  it('marks the words that changed within the paragraph, shows the text as read (no Markdown marks), old before new', () => {
    const table = comparisonTable(v1, v2, labels).toString();
    const row2 = table.split('<tr').find((r) => r.includes('class="n">2<'))!;
    expect(row2).toContain('<ins><span class="visually-hidden">Texto nuevo: </span>y locales');
    expect(row2).not.toContain('**');
    expect(row2.indexOf('Versión 1')).toBeLessThan(row2.indexOf('Versión 2'));
    const row4 = table.split('<tr').find((r) => r.includes('class="n">4<'))!;
    expect(row4).toMatch(/<td data-label="Versión 1">—<\/td>/);
    expect(row4).toContain('El MTPE orienta en empleo.');
    // Unchanged paragraphs are there, unmarked.
    expect(table.split('<tr').find((r) => r.includes('class="n">3<'))).not.toMatch(/<ins|<del/);
  });
});
