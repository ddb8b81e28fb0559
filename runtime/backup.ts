// Backups of the cluster's three databases (Temporal's, its visibility, the Mesa's) with
// PostgreSQL's own tools, and their restore into fresh databases. `npm run backup -- <folder>`
// and `npm run restore -- <folder>` (runtime/backup-main.ts); the restore drill in
// tests/cluster.test.ts restores one and runs the cluster on it.
import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { ConfigError } from './config';

const run = promisify(execFile);

export type DatabaseRole = 'temporal' | 'visibility' | 'mesa';
/**
 * Temporal's databases first, the Mesa's last: what the Mesa records comes from its workflows,
 * so its dump is the newer one and holds everything Temporal's dump says was done.
 */
export const backupOrder: DatabaseRole[] = ['temporal', 'visibility', 'mesa'];

export interface BackupManifest {
  at: string;
  /** When each dump started: the recovery point of that database. */
  dumps: Array<{ role: DatabaseRole; database: string; file: string; startedAt: string; bytes: number }>;
}

/** Dumps each database (pg_dump's custom format, compressed) into `folder`, with a manifest. */
export async function backupDatabases(urls: Record<DatabaseRole, string>, folder: string): Promise<BackupManifest> {
  await mkdir(folder, { recursive: true });
  const dumps: BackupManifest['dumps'] = [];
  for (const role of backupOrder) {
    const file = `${role}.dump`;
    const startedAt = new Date().toISOString();
    await pgTool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${join(folder, file)}`, `--dbname=${urls[role]}`]);
    const { size } = await stat(join(folder, file));
    dumps.push({ role, database: new URL(urls[role]).pathname.slice(1), file, startedAt, bytes: size });
  }
  const manifest = { at: new Date().toISOString(), dumps };
  await writeFile(join(folder, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Restores a backup into databases that must not exist yet (created here): a restore never
 * writes over data. Returns the manifest it restored.
 */
export async function restoreDatabases(folder: string, adminUrl: string, urls: Record<DatabaseRole, string>): Promise<BackupManifest> {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as BackupManifest;
  } catch {
    throw new ConfigError(`La carpeta «${folder}» no tiene una copia de seguridad de Mesa (falta manifest.json).`);
  }
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    for (const role of backupOrder) {
      const name = new URL(urls[role]).pathname.slice(1);
      const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
      if (exists) throw new ConfigError(`La base de datos «${name}» ya existe: la restauración solo escribe en bases nuevas (elija otro MESA_CLUSTER_DB_PREFIX o bórrela antes).`);
    }
    for (const role of backupOrder) await admin.unsafe(`create database "${new URL(urls[role]).pathname.slice(1)}"`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  for (const dump of manifest.dumps) {
    await pgTool('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${urls[dump.role]}`, join(folder, dump.file)]);
    if (dump.role === 'mesa') continue;
    // Temporal finds its schema version under its database's name: the restored one may have another.
    const sql = postgres(urls[dump.role], { max: 1, onnotice: () => {} });
    await sql`update schema_version set db_name = current_database()`.finally(() => sql.end({ timeout: 1 }));
  }
  return manifest;
}

async function pgTool(tool: string, args: string[]): Promise<void> {
  try {
    await run(tool, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new ConfigError(`No se encontró «${tool}»: instale el cliente de PostgreSQL (apt-get install postgresql-client).`);
    throw new Error(`${tool} falló: ${(err.stderr ?? err.message).trim().split('\n').slice(-3).join(' ')}`);
  }
}
