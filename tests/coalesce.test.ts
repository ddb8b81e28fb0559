import { describe, expect, it } from 'vitest';
import { coalesced } from '../db/coalesce';

/** A write that takes its time and remembers what each statement carried. */
function slowWrite(fail?: (items: number[]) => boolean) {
  const statements: number[][] = [];
  const committed = new Set<number>();
  const write = async (items: number[]) => {
    statements.push(items);
    await new Promise((r) => setTimeout(r, 20));
    if (fail?.(items)) throw new Error(`sin escribir: ${items.join(', ')}`);
    for (const i of items) committed.add(i);
  };
  return { statements, committed, write };
}

describe('coalesced writes (a delivery batch marking each message sent)', () => {
  it('writes the marks that come in during a write together in the next, and answers each only once its own is committed', async () => {
    const w = slowWrite();
    const mark = coalesced(w.write);
    const seenCommitted: boolean[] = [];
    // The first alone; then nine while it is being written.
    const first = mark(0).then(() => seenCommitted.push(w.committed.has(0)));
    await new Promise((r) => setTimeout(r, 5));
    const rest = Array.from({ length: 9 }, (_, k) => mark(k + 1).then(() => seenCommitted.push(w.committed.has(k + 1))));
    await Promise.all([first, ...rest]);
    expect(w.statements).toEqual([[0], [1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    expect(seenCommitted).toEqual(Array(10).fill(true));
  });

  it('rejects only the marks of the statement that failed; later ones are still written', async () => {
    const w = slowWrite((items) => items.includes(1));
    const mark = coalesced(w.write);
    const first = mark(0);
    await new Promise((r) => setTimeout(r, 5));
    const failing = [mark(1), mark(2)];
    const outcomes = await Promise.allSettled([first, ...failing]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    await mark(3);
    expect([...w.committed].sort()).toEqual([0, 3]);
    expect(w.statements).toEqual([[0], [1, 2], [3]]);
  });
});
