// The Temporal worker: runs the workflows and their activities against one database.
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type NotificationChannels } from '../activities';
import { folderMailer, smtpMailer } from '../activities/channels';
import type { Db } from '../db/client';
import type { Config } from './config';
import { bundleInChild } from './workflow-bundle';


export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  channels: NotificationChannels;
  /** How many workflows stay in memory (MESA_WORKFLOW_CACHE); the SDK's default when absent. */
  maxCachedWorkflows?: number;
  /** A prebuilt bundle (tests build it once per run); otherwise the workflows are bundled now. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export async function createWorker(d: WorkerDeps): Promise<Worker> {
  const codePath = d.workflowBundle ? null : await bundleInChild();
  const worker = await Worker.create({
    connection: d.connection,
    namespace: d.namespace,
    taskQueue: d.taskQueue,
    activities: createActivities({ db: d.db, channels: d.channels }),
    ...(d.maxCachedWorkflows ? { maxCachedWorkflows: d.maxCachedWorkflows } : {}),
    workflowBundle: d.workflowBundle ?? { codePath: codePath! },
  });
  if (codePath) await rm(dirname(codePath), { recursive: true, force: true });
  return worker;
}

/**
 * Email as configured: SMTP_URL when set; otherwise, in the embedded mode, a folder of .eml files
 * in the data directory (a newcomer sees every message without a mail server); in production
 * without SMTP_URL, no email (the inbox and webhooks still work).
 */
export function channelsFor(config: Config): NotificationChannels {
  const { smtpUrl, from, publicUrl } = config.mail;
  const mailer = smtpUrl ? smtpMailer(smtpUrl, from) : config.mode === 'embedded' ? folderMailer(join(config.dataDir, 'correo'), from) : null;
  return { mailer, publicUrl, webhookAllow: config.webhookAllow };
}
