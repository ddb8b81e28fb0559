// The workflow code, bundled by webpack in a short-lived child process: bundling takes a few
// hundred MiB that V8 would otherwise keep in the long-lived worker for as long as it runs.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bundleWorkflowCode } from '@temporalio/worker';

const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
/**
 * Run around every workflow: the spans of its updates and activities (workflows/tracing.ts), then
 * the check of who acts, before any update's validator. The tracing interceptors are in every
 * bundle, traces on or off, so that all workers run the same workflow code.
 */
const workflowInterceptorModules = [
  fileURLToPath(new URL('../workflows/tracing.ts', import.meta.url)),
  fileURLToPath(new URL('../workflows/interceptors.ts', import.meta.url)),
];

/**
 * Loaded once for all the workflows of a worker, not once for each: the SDK's reusable context
 * gives each workflow its own copy of every other module. The check of who acts uses
 * @noble/ed25519, whose table of multiples of the base point (about 3 MiB, some 50 ms to build)
 * each workflow otherwise built again on its first update and kept for as long as it was cached.
 * These modules hold nothing of any workflow, and the SDK freezes their exports once loaded.
 */
const preloadModules = [fileURLToPath(new URL('../workflows/actor-proof.ts', import.meta.url))];

/** How the workflow code is bundled: by the workers, and once for a test run. */
export const bundleOptions = {
  workflowsPath, workflowInterceptorModules, preloadModules,
  logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
};

/** Writes the bundle to a new temporary file, from a child process, and returns its path. */
export async function bundleInChild(): Promise<string> {
  const out = join(await mkdtemp(join(tmpdir(), 'mesa-workflows-')), 'workflows.js');
  await promisify(execFile)(process.execPath, ['--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), out], { maxBuffer: 16 * 1024 * 1024 });
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { code } = await bundleWorkflowCode(bundleOptions);
  await writeFile(process.argv[2]!, code);
}
