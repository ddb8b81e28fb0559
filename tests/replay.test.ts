// Workflow code must stay replay-safe: the recorded histories of the main paths (kept in
// tests/histories/, recorded with MESA_RECORD_HISTORIES=1 npm test) must replay without a
// nondeterminism error on the code as it is now. tests/histories/v1/ holds them as recorded before
// the patches `registro-agrupado` (workflows/recording.ts) and `conformidad-registrada`
// (workflows/proposal.ts): workflows started then replay the old way (README.md, "Versioning").
// A negative control shows that replay does catch a change: an altered history must fail.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, inject, it } from 'vitest';
import { historiesDir } from './harness';

const current = (await readdir(historiesDir)).filter((f) => f.endsWith('.json')).sort();
const files = [...current, ...(await readdir(join(historiesDir, 'v1'))).filter((f) => f.endsWith('.json')).map((f) => `v1/${f}`).sort()];

describe('recorded workflow histories', () => {
  it('are kept for the main paths', () => {
    expect(current).toEqual(expect.arrayContaining([
      'proposal-adopted-after-consultation.json', 'proposal-objected-then-adopted.json', 'round-with-tacit-approval.json',
      'proposal-continued-as-new-then-adopted.json', 'task-accepted-to-verified.json', 'task-returned-then-verified.json', 'task-overdue.json',
      'task-continued-as-new-first-run.json', 'task-continued-as-new-then-verified.json', 'delivery-sent.json',
    ]));
  });

  it.each(files)('%s replays on the current workflow code', async (file) => {
    const history = historyFromJSON(JSON.parse(await readFile(join(historiesDir, file), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history)).resolves.toBeUndefined();
  });

  // The negative control, as the SDK's own test-replay.ts does: if replay passed whatever the
  // history said, the tests above would prove nothing.
  const read = async (file: string) => JSON.parse(await readFile(join(historiesDir, file), 'utf8')) as { events: HistoryEvent[] };
  const replay = (json: { events: HistoryEvent[] }) => Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, historyFromJSON(json));

  it.each(['task-accepted-to-verified.json', 'proposal-adopted-after-consultation.json'])('%s fails replay once a command in it is changed', async (file) => {
    const json = await read(file);
    // The first activity the workflow scheduled now names another activity.
    const scheduled = json.events.find((e) => e.activityTaskScheduledEventAttributes)!.activityTaskScheduledEventAttributes!;
    scheduled.activityType.name = scheduled.activityType.name === 'notify' ? 'assignAgreementNumber' : 'notify';
    await expect(replay(json)).rejects.toBeInstanceOf(DeterminismViolationError);
  });

  it('fails replay once two of its commands swap places', async () => {
    const json = await read('task-accepted-to-verified.json');
    // Two activities scheduled in one order are replayed against code that schedules them in the
    // other: the event ids stay in sequence, only the commands move.
    const at = json.events.map((e, i) => (e.activityTaskScheduledEventAttributes ? i : -1)).filter((i) => i >= 0);
    const [a, b] = [at[0]!, at.find((i) => json.events[i]!.activityTaskScheduledEventAttributes!.activityType.name !== json.events[at[0]!]!.activityTaskScheduledEventAttributes!.activityType.name)!];
    const [ea, eb] = [json.events[a]!, json.events[b]!];
    [ea.activityTaskScheduledEventAttributes, eb.activityTaskScheduledEventAttributes] = [eb.activityTaskScheduledEventAttributes, ea.activityTaskScheduledEventAttributes];
    await expect(replay(json)).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});

interface HistoryEvent { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }
