// The proposal page compares versions paragraph by paragraph; the comparison must give both
// versions back exactly and never hold up the process, whatever the two texts are.
import { describe, expect, it } from 'vitest';
import { paragraphDiff, paragraphsOf } from '../api/web/text';

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
    expect(diff.filter((c) => c.op !== 'ins').map((c) => c.text).join('\n\n')).toBe(before);
    expect(diff.filter((c) => c.op !== 'del').map((c) => c.text).join('\n\n')).toBe(after);
    expect(paragraphDiff('a\n\nb\n\nc', 'a\n\nx\n\nc')).toEqual([
      { op: 'same', text: 'a' }, { op: 'del', text: 'b' }, { op: 'ins', text: 'x' }, { op: 'same', text: 'c' },
    ]);
  });

  it('stays under 100 ms of CPU at the largest text allowed (200,000 characters), whatever changed', () => {
    const base = text(70_000, (i) => `P${i}`);
    const cases = [
      [base, text(70_000, (i) => `Q${i}`)], // everything rewritten
      [base, text(70_000, (i) => (i % 50 === 0 ? `P${i} cambiado` : `P${i}`))], // scattered edits
      [text(70_000, (i) => (i % 2 ? 'sí' : 'no')), text(70_000, (i) => (i % 3 ? 'sí' : 'no'))], // nothing unique to anchor on
      [base, base],
    ] as const;
    for (const [before, after] of cases) {
      let diff: ReturnType<typeof paragraphDiff> = [];
      // The best of three runs: the cost of the diff itself, not of whatever else shares the machine.
      const ms = Math.min(...[1, 2, 3].map(() => cpuMs(() => { diff = paragraphDiff(before, after); })));
      expect(ms).toBeLessThan(100);
      expect(diff.filter((c) => c.op !== 'ins').map((c) => c.text).join('\n\n')).toBe(paragraphsOf(before).join('\n\n'));
      expect(diff.filter((c) => c.op !== 'del').map((c) => c.text).join('\n\n')).toBe(paragraphsOf(after).join('\n\n'));
    }
  });
});

