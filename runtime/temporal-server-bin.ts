// Finds the Temporal server and its schema tool (temporal-sql-tool) with the PostgreSQL schemas,
// or installs them, as runtime/temporal-cli.ts does for the CLI. Order: the configured folder
// (TEMPORAL_SERVER_DIR), both on PATH with a `schema` folder beside them, a cached build, a build
// with `go install` into the cache, the official release with the schemas from the tagged source.
// Run directly, it prints the folder.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { goBuild, onPath, runs, type Progress } from './temporal-cli';

/** The one place the server version is pinned; its PostgreSQL schema is 1.18, visibility 1.9. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  /** `schema/postgresql/v12` of the server's source: `temporal/versioned` and `visibility/versioned`. */
  schemaDir: string;
}

const suffix = process.platform === 'win32' ? '.exe' : '';
const names = { server: `temporal-server${suffix}`, sqlTool: `temporal-sql-tool${suffix}` };

export function serverCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'mesa', `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

/** The binaries and schemas in one folder, if they are all there and the binaries run. */
function inFolder(dir: string): TemporalServerBinaries | null {
  const found = { server: join(dir, names.server), sqlTool: join(dir, names.sqlTool), schemaDir: join(dir, 'schema', 'postgresql', 'v12') };
  if (!existsSync(join(found.schemaDir, 'temporal', 'versioned')) || !existsSync(join(found.schemaDir, 'visibility', 'versioned'))) return null;
  return existsSync(found.server) && existsSync(found.sqlTool) && runs(found.server) && runs(found.sqlTool) ? found : null;
}

export async function resolveTemporalServer(configured: string | undefined, progress: Progress = (l) => console.error(l)): Promise<TemporalServerBinaries> {
  if (configured) {
    const found = inFolder(configured);
    if (found) return found;
    throw new Error(`TEMPORAL_SERVER_DIR apunta a «${configured}», que no contiene ${names.server}, ${names.sqlTool} y schema/postgresql/v12 ejecutables.`);
  }
  const server = onPath(names.server);
  if (server) {
    const beside = inFolder(dirname(server));
    if (beside) return beside;
  }
  const cache = serverCacheDir();
  const cached = inFolder(cache);
  if (cached) return cached;

  const failures: string[] = [];
  // Built from source first, then the official download; each one's failure is told if both fail.
  const ways = [
    { name: 'go install', install: goInstall, empty: 'la compilación no dejó los programas esperados' },
    { name: 'descarga oficial', install: download, empty: 'el archivo no trajo los programas esperados' },
  ];
  for (const way of ways) {
    try {
      await way.install(cache, progress);
      const installed = inFolder(cache);
      if (installed) return installed;
      failures.push(`${way.name}: ${way.empty}`);
    } catch (e) {
      failures.push(`${way.name}: ${(e as Error).message}`);
    }
  }
  throw new Error(
    `No se encontró el servidor de Temporal ${TEMPORAL_SERVER_VERSION} y no se pudo instalar (${failures.join('; ')}).\n` +
    `Instale Go (https://go.dev/dl/) y vuelva a intentarlo, o defina TEMPORAL_SERVER_DIR con una carpeta que tenga ${names.server}, ` +
    `${names.sqlTool} y schema/postgresql/v12 (de https://github.com/temporalio/temporal/releases/tag/v${TEMPORAL_SERVER_VERSION}).`,
  );
}

/** Both programs with Go, and the schemas from the module Go just downloaded. */
async function goInstall(cache: string, progress: Progress): Promise<void> {
  const module = `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`;
  await goBuild({
    label: `el servidor de Temporal ${TEMPORAL_SERVER_VERSION}`,
    packages: [`go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`],
    into: cache,
    progress,
    keep: async (bin) => {
      const modcache = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();
      await keepSchemas(join(modcache, module, 'schema', 'postgresql', 'v12'), cache);
      await rename(join(bin, `server${suffix}`), join(cache, names.server));
      await rename(join(bin, `sql${suffix}`), join(cache, names.sqlTool));
    },
  });
}

async function keepSchemas(from: string, cache: string): Promise<void> {
  const target = join(cache, 'schema', 'postgresql', 'v12');
  await rm(target, { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true });
  // The module cache is read-only; the copy need not be.
  await cp(from, target, { recursive: true, mode: 0 });
  spawnSync('chmod', ['-R', 'u+w', target]);
}

/** The release archive has the programs; the schemas come from the source of the same tag. */
async function download(cache: string, progress: Progress): Promise<void> {
  const platform = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform as string];
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string];
  if (!platform || !arch) throw new Error(`plataforma ${process.platform}/${process.arch} sin descarga oficial`);
  const v = TEMPORAL_SERVER_VERSION;
  progress(`Descargando el servidor de Temporal ${v}…`);
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'download-'));
  const fetchTo = async (url: string, file: string) => {
    const response = await fetch(url, { signal: AbortSignal.timeout(300_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status} en ${url}`);
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    if (spawnSync('tar', ['-xf', file, '-C', dir], { stdio: 'ignore' }).status !== 0) throw new Error(`no se pudo descomprimir ${url}`);
  };
  try {
    await fetchTo(`https://github.com/temporalio/temporal/releases/download/v${v}/temporal_${v}_${platform}_${arch}.tar.gz`, join(dir, 'release.tar.gz'));
    await fetchTo(`https://github.com/temporalio/temporal/archive/refs/tags/v${v}.tar.gz`, join(dir, 'source.tar.gz'));
    await keepSchemas(join(dir, `temporal-${v}`, 'schema', 'postgresql', 'v12'), cache);
    await rename(join(dir, names.server), join(cache, names.server));
    await rename(join(dir, names.sqlTool), join(cache, names.sqlTool));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { loadClusterConfig } = await import('./config');
  resolveTemporalServer(loadClusterConfig().serverDir).then((found) => console.log(dirname(found.server)), (e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}
