// `npm run audit:verify`: verifies the audit trail of every proposal and task (chain, heads
// against the newest signed checkpoint and, where Temporal answers, the running workflows, and the
// projection against the trail), prints its progress and every entry or field that broke, and
// exits with 1 on any break, 0 when all verify (2 when it cannot run at all).
// With DATABASE_URL it reads that PostgreSQL; without it, the embedded data folder (Mesa must be
// stopped: the embedded database admits one process). The key is MESA_AUDIT_KEY, or the one the
// embedded mode keeps in its data folder; checkpoints come from MESA_AUDIT_CHECKPOINT_DIR or the
// data folder; the workflows are asked through TEMPORAL_ADDRESS when it is set.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { verifyAll } from '../api/audit';
import { auditKeyFile } from './audit-key';
import { connectTemporal, openMesaDatabase, type TemporalConnections } from './boot';
import { ConfigError, loadConfig } from './config';
import { lockDataDir } from './lock';

const say = (line: string) => console.log(line);

async function main(): Promise<number> {
  const config = loadConfig('embedded');
  const dataDir = resolve(config.dataDir);
  const keyFile = join(dataDir, auditKeyFile);
  const key = config.audit.key ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
  if (!key) throw new ConfigError(`Falta la clave de auditoría: defina la variable «MESA_AUDIT_KEY» (o ejecute en la carpeta de datos del modo embebido, que la guarda en ${keyFile}).`);

  const stops: Array<() => unknown> = [];
  try {
    if (!config.databaseUrl) stops.push(lockDataDir(dataDir));
    say(config.databaseUrl ? 'Abriendo PostgreSQL…' : `Abriendo la base de datos embebida en ${join(dataDir, 'pglite')}…`);
    const database = await openMesaDatabase(config.databaseUrl ? { url: config.databaseUrl } : { pgliteDir: join(dataDir, 'pglite') }, 'leave');
    stops.push(() => database.close());
    let temporal: TemporalConnections | null = null;
    if (config.temporal.address) {
      try {
        // Only queries: nothing is signed.
        temporal = await connectTemporal(config.temporal, config.temporal.address, null);
        stops.push(() => temporal?.close());
      } catch (e) {
        say(`No se pudo conectar con Temporal en ${config.temporal.address}: ${(e as Error).message}`);
      }
    }
    const checkpointDir = config.audit.checkpointDir ? resolve(config.audit.checkpointDir) : null;
    const result = await verifyAll({ db: database.db, temporal: temporal?.client ?? null, audit: { key, checkpointDir } }, say);
    return result.problems.length === 0 ? 0 : 1;
  } finally {
    for (const stop of stops.reverse()) await Promise.resolve().then(stop).catch(() => {});
  }
}

main().then((code) => process.exit(code), (e: Error) => {
  console.error(`No se pudo verificar el registro de auditoría: ${e instanceof ConfigError ? e.message : e.stack}`);
  process.exit(2);
});
