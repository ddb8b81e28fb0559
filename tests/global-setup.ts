// Once per test run: the real Temporal dev server (in memory, on free ports) and the workflow
// bundle, both shared by every test file.
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { resolveTemporalCli } from '../runtime/temporal-cli';
import { startDevServer } from '../runtime/temporal-server';
import { bundleOptions } from '../runtime/workflow-bundle';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCliPath: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const cliPath = await resolveTemporalCli(process.env.TEMPORAL_CLI_PATH);
  const [server, bundle] = await Promise.all([
    startDevServer({ cliPath }),
    bundleWorkflowCode(bundleOptions),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'mesa-tests-'));
  const workflowBundlePath = join(dir, 'workflows.js');
  await writeFile(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', server.address);
  project.provide('temporalCliPath', cliPath);
  project.provide('workflowBundlePath', workflowBundlePath);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
