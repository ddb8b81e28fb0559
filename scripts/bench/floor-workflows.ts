// The floor the engine is measured against: minimal workflows on the same Temporal server that
// do the same number of updates (and no-op activities) as the Mesa's, and nothing else.
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { floorActivities } from './floor-activities';

const noop = proxyActivities<typeof floorActivities>({ startToCloseTimeout: '1 minute' });

export const recordUpdate = defineUpdate<number, [string]>('record');

/** Records each value in memory and answers: the cheapest possible sign-off. */
export async function floorRecorder({ updates }: { updates: number }): Promise<number> {
  const values: string[] = [];
  setHandler(recordUpdate, (value) => {
    values.push(value);
    return values.length;
  });
  await condition(() => values.length >= updates);
  return values.length;
}

/** Each update waits for one no-op activity (as each Mesa action waits for its projection), then a last one closes it. */
export async function floorProcess({ updates }: { updates: number }): Promise<number> {
  let done = 0;
  setHandler(recordUpdate, async (value) => {
    await noop.nothing(value);
    done += 1;
    return done;
  });
  await condition(() => done >= updates);
  await noop.nothing('cierre');
  return done;
}
