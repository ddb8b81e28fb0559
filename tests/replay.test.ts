// Workflow code must stay replay-safe: the recorded histories of the main paths (kept in
// tests/histories/, recorded with MESA_RECORD_HISTORIES=1 npm test) must replay without a
// nondeterminism error on the code as it is now. tests/histories/v1/ holds them as recorded before
// the patch `registro-agrupado` (workflows/recording.ts): workflows started then replay the old way.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { historiesDir } from './harness';

const current = (await readdir(historiesDir)).filter((f) => f.endsWith('.json')).sort();
const files = [...current, ...(await readdir(join(historiesDir, 'v1'))).filter((f) => f.endsWith('.json')).map((f) => `v1/${f}`).sort()];

describe('recorded workflow histories', () => {
  it('are kept for the main paths', () => {
    expect(current).toEqual(expect.arrayContaining([
      'proposal-adopted-after-consultation.json', 'proposal-objected-then-adopted.json', 'round-with-tacit-approval.json',
      'proposal-continued-as-new-then-adopted.json', 'task-accepted-to-verified.json', 'task-returned-then-verified.json', 'task-overdue.json',
    ]));
  });

  it.each(files)('%s replays on the current workflow code', async (file) => {
    const history = historyFromJSON(JSON.parse(await readFile(join(historiesDir, file), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history)).resolves.toBeUndefined();
  });
});
