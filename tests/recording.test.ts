// Group commit in the proposal workflow: what arrives while a group is being written goes in the
// next write, in order, and each event is answered only once its own group is written.
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { inGroups, throwIfRefused, type Recording } from '../workflows/recording';
import { refusals } from '../workflows/messages';

/** A write that waits until the test lets it finish (or fail). */
function controlledWrites() {
  const writes: number[][] = [];
  const pending: Array<{ finish: () => void; fail: (e: Error) => void }> = [];
  const add = inGroups<number>((events) => new Promise<void>((finish, fail) => {
    writes.push(events);
    pending.push({ finish, fail });
  }));
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { writes, add, settle, finish: () => pending.shift()!.finish(), fail: (e: Error) => pending.shift()!.fail(e) };
}

describe('events recorded in groups', () => {
  it('writes the events that arrive during a write together in the next one, and answers each once written', async () => {
    const w = controlledWrites();
    const answered: number[] = [];
    const all = [1, 2, 3, 4].map((n) => w.add(n).then(() => answered.push(n)));
    expect(w.writes).toEqual([[1]]);
    w.finish();
    await w.settle();
    expect(answered).toEqual([1]);
    expect(w.writes).toEqual([[1], [2, 3, 4]]);
    const late = w.add(5).then(() => answered.push(5));
    w.finish();
    await w.settle();
    expect(answered).toEqual([1, 2, 3, 4]);
    expect(w.writes).toEqual([[1], [2, 3, 4], [5]]);
    w.finish();
    await Promise.all([...all, late]);
    expect(answered).toEqual([1, 2, 3, 4, 5]);
  });

  it('fails the events of a group whose write fails, and writes the next group all the same', async () => {
    const w = controlledWrites();
    const first = w.add(1);
    const second = w.add(2);
    w.fail(new Error('sin base de datos'));
    await expect(first).rejects.toThrow('sin base de datos');
    await w.settle();
    expect(w.writes).toEqual([[1], [2]]);
    w.finish();
    await expect(second).resolves.toBeUndefined();
  });

  it('fails alone an event the database refused, and answers the others of its group', async () => {
    const add = inGroups<{ seq: number }, Recording>(async (events) => ({
      rejected: events.filter((e) => e.seq === 2).map((e) => ({ seq: e.seq, code: '22021' })), head: null,
    }));
    // As a workflow's record() does: each event looks for itself among those refused.
    const [one, two, three] = [1, 2, 3].map(async (seq) => throwIfRefused(await add({ seq }), seq));
    await expect(one).resolves.toBeUndefined();
    const refusal = await two!.catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ApplicationFailure);
    expect((refusal as ApplicationFailure).type).toBe(refusals.rejected);
    expect((refusal as ApplicationFailure).message).toContain('22021');
    await expect(three).resolves.toBeUndefined();
  });
});
