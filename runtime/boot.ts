// The steps every way of starting Mesa shares: open and migrate the database, load the registry,
// connect to Temporal.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { openDatabase, type Database, type DatabaseTarget } from '../db/client';
import { loadRegistry, readRegistrySeed } from '../db/registry';
import type { Config } from './config';
import { ensureDemoUsers } from './demo';

export async function openMesaDatabase(target: DatabaseTarget, demoPassword: string | null): Promise<Database> {
  const database = await openDatabase(target);
  try {
    await database.migrate();
    const seed = await readRegistrySeed();
    await loadRegistry(database.db, seed);
    if (demoPassword !== null) await ensureDemoUsers(database.db, seed, demoPassword);
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
 * gRPC reconnects with exponential backoff (1 s × 1.6 per attempt, up to 2 min): after an outage
 * of half a minute the API would wait some 17 s more before trying Temporal again, answering 503
 * all along. Capped at 1 s, it is back within about a second of Temporal.
 */
export const temporalChannelArgs = { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 1000 };

export async function connectTemporal(config: Config['temporal'], address: string): Promise<TemporalConnections> {
  const options = { ...config.connect.connectionOptions, address };
  const connection = await Connection.connect({ ...options, channelArgs: temporalChannelArgs });
  const native = await NativeConnection.connect(options);
  return {
    client: new Client({ connection, namespace: config.namespace }),
    native,
    close: async () => {
      await connection.close();
      await native.close();
    },
  };
}
