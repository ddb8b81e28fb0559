// The steps every way of starting Mesa shares: open and migrate the database, load the registry,
// connect to Temporal.
import type { KeyObject } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { actorSigning } from '../api/actor-signing';
import { openDatabase, type Database, type DatabaseTarget } from '../db/client';
import { loadRegistry, readRegistrySeed } from '../db/registry';
import type { Config } from './config';
import { tracingClientInterceptors, type Tracing } from './tracing';
import { ensureDemoUsers, lockDemoUsers } from './demo';
import { folderStore, s3Store, type DocumentSettings } from '../engine/documents';

/**
 * What becomes of the demo users: created (or refreshed) with a password; locked, when the Mesa
 * runs without them, so the public default password never opens a shared database; or left as
 * they are, by a tool that only reads (npm run audit:verify, npm run user).
 */
export type DemoUsers = { password: string } | 'lock' | 'leave';

export async function openMesaDatabase(target: DatabaseTarget, demoUsers: DemoUsers): Promise<Database> {
  const database = await openDatabase(target);
  try {
    await database.migrate();
    const seed = await readRegistrySeed();
    await loadRegistry(database.db, seed);
    if (typeof demoUsers === 'object') await ensureDemoUsers(database.db, seed, demoUsers.password);
    else if (demoUsers === 'lock') await lockDemoUsers(database.db);
    return database;
  } catch (e) {
    await database.close();
    throw e;
  }
}

export interface TemporalConnections {
  client: Client;
  native: NativeConnection;
  close(): Promise<void>;
}

/**
 * `signer`: the API's private key (runtime/actor-key.ts); every update sent through the client is
 * then signed with the actor it carries. Without it (a worker), updates go unsigned and any
 * workflow refuses them.
 *
 * gRPC reconnects with exponential backoff (1 s × 1.6 per attempt, up to 2 min): after an outage
 * of half a minute the API would wait some 17 s more before trying Temporal again, answering 503
 * all along. Capped at 1 s, it is back within about a second of Temporal.
 */
export const temporalChannelArgs = { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 1000 };

/** `tracing`: the client's calls get their spans, and carry the trace to the workflows (runtime/tracing.ts). */
export async function connectTemporal(config: Config['temporal'], address: string, signer: KeyObject | null, tracing: Tracing | null = null): Promise<TemporalConnections> {
  const options = { ...config.connect.connectionOptions, address };
  const connection = await Connection.connect({ ...options, channelArgs: temporalChannelArgs });
  const native = await NativeConnection.connect(options);
  return {
    client: new Client({ connection, namespace: config.namespace, interceptors: { workflow: [...tracingClientInterceptors(tracing), ...(signer ? [actorSigning(signer)] : [])] } }),
    native,
    close: async () => {
      await connection.close();
      await native.close();
    },
  };
}

/** Where attached documents are kept: the S3-compatible store when configured, the data folder otherwise. */
export function documentSettingsFor(config: Config): DocumentSettings {
  const { s3, dir, maxBytes, scanCommand } = config.documents;
  return { store: s3 ? s3Store(s3) : folderStore(dir), maxBytes, scanCommand };
}
