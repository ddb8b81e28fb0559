// The Temporal worker: runs the workflows and their activities against one database.
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { deliveryBacklog } from '../db/deliveries';
import { deliveryChannels } from '../domain/notices';
import { createActivities, type NotificationChannels } from '../activities';
import { folderMailer, smtpMailer } from '../activities/channels';
import type { ActaSigner } from '../activities/acta-signer';
import type { Db } from '../db/client';
import type { Config } from './config';
import { actorPublicKeyGlobal } from '../workflows/interceptors';
import { bundleInChild } from './workflow-bundle';
import { tracingActivityInterceptors, tracingSinks, type Tracing } from './tracing';


export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  channels: NotificationChannels;
  /** MESA_AUDIT_KEY and the checkpoint folder (null where this worker writes no checkpoints). */
  audit: { key: string; checkpointDir: string | null };
  /** How many workflows stay in memory (MESA_WORKFLOW_CACHE); the SDK's default when absent. */
  maxCachedWorkflows?: number;
  /** A prebuilt bundle file (tests build it once per run); otherwise the workflows are bundled now. */
  workflowBundle?: { codePath: string };
  /** Hex Ed25519 key with which the workflows check who acts (runtime/actor-key.ts). */
  actorPublicKey: string;
  /** Who signs approved actas (runtime/acta-key.ts); none leaves them approved and unsigned. */
  actaSigner?: ActaSigner | null;
  /** MESA_CLOSE_OF_DAY (17:00 when absent). */
  closeOfDay?: string;
  /** Where the spans of workflows and activities go (runtime/tracing.ts); none when traces are off. */
  tracing?: Tracing | null;
}

export async function createWorker(d: WorkerDeps): Promise<Worker> {
  const codePath = d.workflowBundle ? null : await bundleInChild();
  const code = await readFile(d.workflowBundle?.codePath ?? codePath!, 'utf8');
  const worker = await Worker.create({
    connection: d.connection,
    namespace: d.namespace,
    taskQueue: d.taskQueue,
    activities: createActivities({ db: d.db, channels: d.channels, audit: d.audit, actaSigner: d.actaSigner ?? null, closeOfDay: d.closeOfDay }),
    ...(d.maxCachedWorkflows ? { maxCachedWorkflows: d.maxCachedWorkflows } : {}),
    workflowBundle: { code: withActorPublicKey(code, d.actorPublicKey) },
    interceptors: { activity: tracingActivityInterceptors(d.tracing ?? null) },
    sinks: tracingSinks(d.tracing ?? null),
  });
  if (codePath) await rm(dirname(codePath), { recursive: true, force: true });
  return worker;
}

/**
 * The bundle with the public key set as a constant of its global scope, where the update
 * interceptor reads it (workflows/interceptors.ts). On the bundle's first line, so that the source
 * map of every other line stays right.
 */
export function withActorPublicKey(code: string, publicKey: string): string {
  if (!/^[0-9a-f]{64}$/.test(publicKey)) throw new TypeError('actorPublicKey: 32 bytes in hex');
  return `globalThis.${actorPublicKeyGlobal} = "${publicKey}"; ${code}`;
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

/**
 * The deliveries not done yet, by channel, as the gauge mesa_delivery_backlog, every 30 s. A
 * backlog that only grows means a receiver (the mail server, a webhook) is refusing.
 */
export function watchDeliveryBacklog(db: Db): NodeJS.Timeout {
  const gauge = Runtime.instance().metricMeter.createGauge('mesa_delivery_backlog', 'int', 'envíos', 'Envíos pendientes, por canal.');
  const measure = () => deliveryBacklog(db).then((rows) => {
    for (const channel of deliveryChannels) gauge.set(rows.find((r) => r.channel === channel)?.open ?? 0, { channel });
  }, () => { /* the database is away: the next measure will tell */ });
  void measure();
  return setInterval(measure, 30_000).unref();
}
