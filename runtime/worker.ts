// The Temporal worker: runs the workflows and their activities against one database.
import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Db } from '../db/client';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** A prebuilt bundle (tests build it once per run); otherwise the workflows are bundled now. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export async function createWorker(d: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: d.connection,
    namespace: d.namespace,
    taskQueue: d.taskQueue,
    activities: createActivities({ db: d.db }),
    ...(d.workflowBundle ? { workflowBundle: d.workflowBundle } : { workflowsPath }),
  });
}
